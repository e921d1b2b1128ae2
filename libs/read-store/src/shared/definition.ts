import { UndeclaredField, type CollectionDefinition, type FindOptions, type Sort } from '../read-store.port.js';

/**
 * Collection names become SQLite table names and MongoDB collection names, so they
 * are kept to a portable alphabet. `checkpoints` is taken by the checkpoint store;
 * SQLite keeps `sqlite_*` for itself.
 */
const COLLECTION_NAME = /^[a-z][a-z0-9_]*$/;
const isReserved = (name: string) => name === 'checkpoints' || name.startsWith('sqlite_');
const MAX_NAME_LENGTH = 60;

/**
 * Field paths are inlined into SQL (an expression index is only used when the query
 * spells the same expression, so the path cannot be a bound parameter) and become
 * MongoDB dotted paths: identifiers separated by dots, nothing else.
 */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The document id is always filterable and sortable: every store keys on it. */
export const ID_FIELD = 'id';

export class InvalidCollectionDefinition extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCollectionDefinition';
  }
}

export function checkDefinition(definition: CollectionDefinition): void {
  const { name, indexes } = definition;
  if (!COLLECTION_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
    throw new InvalidCollectionDefinition(
      `collection name "${name}" must match ${COLLECTION_NAME.source} and be at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  if (isReserved(name)) {
    throw new InvalidCollectionDefinition(`collection name "${name}" is reserved`);
  }
  for (const field of indexes) {
    if (!FIELD_PATH.test(field)) {
      throw new InvalidCollectionDefinition(
        `collection ${name}: index field "${field}" must be a dotted path of identifiers`,
      );
    }
  }
  const declared = (field: string) => field === ID_FIELD || indexes.includes(field);
  for (const fields of definition.compoundIndexes ?? []) {
    if (fields.length < 2 || new Set(fields).size !== fields.length || fields.includes(ID_FIELD)) {
      throw new InvalidCollectionDefinition(
        `collection ${name}: a compound index lists two or more distinct fields other than id, got ${JSON.stringify(fields)}`,
      );
    }
    const undeclared = fields.find((field) => !declared(field));
    if (undeclared !== undefined) {
      throw new InvalidCollectionDefinition(`collection ${name}: compound index field "${undeclared}" is not in indexes`);
    }
  }
  const undeclaredList = (definition.listFields ?? []).find((field) => field === ID_FIELD || !declared(field));
  if (undeclaredList !== undefined) {
    throw new InvalidCollectionDefinition(`collection ${name}: list field "${undeclaredList}" is not in indexes`);
  }
}

/** The compound indexes, without repeats: what adapters create besides one index per field. */
export function compoundIndexes(definition: CollectionDefinition): (readonly string[])[] {
  const seen = new Set<string>();
  return (definition.compoundIndexes ?? []).filter((fields) => {
    const key = fields.join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What the adapter must have created for this definition: the cache key of an opened collection. */
export function schemaKey(definition: CollectionDefinition): string {
  return JSON.stringify([definition.name, indexedFields(definition), compoundIndexes(definition), definition.listFields ?? []]);
}

/** Indexed fields other than the id, without repeats, in declaration order. */
export function indexedFields(definition: CollectionDefinition): string[] {
  return [...new Set(definition.indexes)].filter((field) => field !== ID_FIELD);
}

export function assertDeclared(definition: CollectionDefinition, field: string): void {
  if (field !== ID_FIELD && !definition.indexes.includes(field)) {
    throw new UndeclaredField(definition.name, field);
  }
}

export const DEFAULT_SORT: Sort = { field: ID_FIELD, direction: 'asc' };

/** Checks what both adapters check before touching the store; returns the effective sort. */
export function checkFindOptions(definition: CollectionDefinition, options: FindOptions): Sort {
  if (!Number.isSafeInteger(options.first) || options.first < 0) {
    throw new RangeError(`first must be a non-negative integer, got ${String(options.first)}`);
  }
  for (const filter of options.where ?? []) {
    assertDeclared(definition, filter.field);
  }
  const sort = options.sort ?? DEFAULT_SORT;
  assertDeclared(definition, sort.field);
  if (sort.direction !== 'asc' && sort.direction !== 'desc') {
    throw new RangeError(`sort direction must be asc or desc, got ${String(sort.direction)}`);
  }
  return sort;
}
