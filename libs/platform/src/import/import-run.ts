import type { Collection, ReadStore } from '#read-store';
import type { ImportKind } from './mapping.js';

/**
 * How far an import of one file got: what makes a rerun after a crash resume
 * where the last one stopped. Written every few hundred lines, so a rerun may
 * replay up to that many lines — which changes nothing, since their commands
 * carry idempotency keys derived from the file and the line. Kept in the read
 * store beside the read models (it is bookkeeping, not history: losing it costs
 * only the replay of lines whose commands are no-ops).
 */
export type ImportRunRecord = {
  /** `<kind>:<sha256 of the file>`. */
  readonly id: string;
  readonly kind: ImportKind;
  readonly fileSha256: string;
  readonly fileName: string | null;
  readonly actorId: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** Last line (of the file) whose commands were all handled; 0 before the first. */
  readonly lastLine: number;
  readonly completedAt: string | null;
  readonly counts: Readonly<Record<string, number>>;
};

export const importRunsCollection = { name: 'import_runs', indexes: ['kind', 'completedAt'] } as const;

export const importRunId = (kind: ImportKind, fileSha256: string): string => `${kind}:${fileSha256}`;

/**
 * The read store guards every write with a position; a run record's own
 * "position" only has to grow with each write, across runs and processes: the
 * time in µs, or one more than the stored one when the clock has not moved (a
 * fixed clock, or two runs in one millisecond).
 */
export class ImportRuns {
  private readonly positions = new Map<string, bigint>();

  private constructor(private readonly collection: Collection<ImportRunRecord>) {}

  static async open(readStore: ReadStore): Promise<ImportRuns> {
    return new ImportRuns(await readStore.collection<ImportRunRecord>(importRunsCollection));
  }

  async get(kind: ImportKind, fileSha256: string): Promise<ImportRunRecord | null> {
    const id = importRunId(kind, fileSha256);
    const stored = await this.collection.get(id);
    if (stored !== null) this.positions.set(id, stored.position);
    return stored?.doc ?? null;
  }

  async save(record: ImportRunRecord): Promise<void> {
    const known = this.positions.get(record.id) ?? (await this.collection.get(record.id))?.position ?? 0n;
    const byTime = BigInt(Date.parse(record.updatedAt)) * 1_000n;
    const position = byTime > known ? byTime : known + 1n;
    await this.collection.put(record, position);
    this.positions.set(record.id, position);
  }

  async forget(kind: ImportKind, fileSha256: string): Promise<void> {
    const id = importRunId(kind, fileSha256);
    const stored = await this.collection.get(id);
    if (stored === null) return;
    await this.collection.delete(id, stored.position + 1n);
    this.positions.set(id, stored.position + 1n);
  }
}
