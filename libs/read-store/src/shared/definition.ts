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
