import type { Collection, ReadStore } from '#read-store';
import { ImportSetupError } from './import-errors.js';
import type { ImportKind, ImportMapping } from './mapping.js';

/** A named mapping an operator saved once and reuses for every export of the same tool. */
export type SavedImportMapping = {
  /** `<kind>:<name>`. */
  readonly id: string;
  readonly kind: ImportKind;
  readonly name: string;
  readonly mapping: ImportMapping;
  readonly savedAt: string;
  readonly savedBy: string;
};

export const importMappingsCollection = { name: 'import_mappings', indexes: ['kind'] } as const;

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

/**
 * Saved mappings live in the read store beside the import runs: settings of
 * the import tool, not history. Saving a name again replaces it.
 */
export class SavedImportMappings {
  private constructor(private readonly collection: Collection<SavedImportMapping>) {}

  static async open(readStore: ReadStore): Promise<SavedImportMappings> {
    return new SavedImportMappings(await readStore.collection<SavedImportMapping>(importMappingsCollection));
  }

  async save(kind: ImportKind, name: string, mapping: ImportMapping, savedBy: string, now: Date): Promise<SavedImportMapping> {
    if (!NAME.test(name)) throw new ImportSetupError('mapping', `"${name}" is not a mapping name (letters, digits, "_", "-", ".", at most 64)`);
    if (Object.keys(mapping).length === 0) throw new ImportSetupError('map', 'a saved mapping needs at least one COLUMN=field');
    const id = `${kind}:${name.toLowerCase()}`;
    const stored = await this.collection.get(id);
    const doc: SavedImportMapping = { id, kind, name, mapping, savedAt: now.toISOString(), savedBy };
    await this.collection.put(doc, (stored?.position ?? 0n) + 1n);
    return doc;
  }

  async get(kind: ImportKind, name: string): Promise<SavedImportMapping> {
    const found = (await this.collection.get(`${kind}:${name.toLowerCase()}`))?.doc;
    if (found === undefined) throw new ImportSetupError('mapping', `no saved ${kind} mapping named "${name}" (see: suivi import mappings list)`);
    return found;
  }

  async list(kind?: ImportKind): Promise<SavedImportMapping[]> {
    const all: SavedImportMapping[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where: kind ? [{ field: 'kind', op: 'eq', value: kind }] : [], first: 200, after });
      all.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage) return all;
      after = page.endCursor;
    }
  }
}
