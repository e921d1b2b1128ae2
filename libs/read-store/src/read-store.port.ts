/**
 * The ReadStore port: documents in named collections, written idempotently.
 * Every document remembers the global position of the last event applied to it;
 * a write carrying a position at or below that one changes nothing, which makes
 * replays and at-least-once delivery harmless.
 */

export type Scalar = string | number | boolean | null;

/** A document as projections write it: JSON-serialisable, with a string id. */
export type Doc = { readonly id: string } & Record<string, unknown>;

export interface StoredDoc<T extends Doc> {
  readonly doc: T;
  readonly position: bigint;
}

/**
 * Filters apply to declared indexed fields only (dotted paths allowed).
 * `in` takes any number of values (a scope can list tens of thousands of ids).
 * `contains` matches a field that is an array holding the value; `startsWith`
 * is a case-sensitive prefix match on a string field (store a normalised key
 * for case-insensitive search).
 */
export type Filter =
  | { readonly field: string; readonly op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; readonly value: Scalar }
  | { readonly field: string; readonly op: 'in'; readonly value: readonly Scalar[] }
  | { readonly field: string; readonly op: 'contains'; readonly value: Scalar }
  | { readonly field: string; readonly op: 'startsWith'; readonly value: string };

export interface Sort {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

export interface FindOptions {
  readonly where?: readonly Filter[];
  /** Ties are broken by id, in the same direction, so pagination is stable. Default: id asc. */
  readonly sort?: Sort;
  /** Page size. */
  readonly first: number;
  /** Opaque cursor returned as endCursor by the previous page. */
  readonly after?: string | null;
}

export interface Page<T extends Doc> {
  readonly items: { readonly doc: T; readonly cursor: string }[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export interface CollectionDefinition {
  readonly name: string;
  /** Fields that can be filtered or sorted on; the adapter indexes them. */
  readonly indexes: readonly string[];
  /**
   * Declared fields read together by a hot query: equality on every field but
   * the last, then a range or the sort on the last (e.g. a third party's
   * timeline, newest first: ['thirdPartyId', 'sortKey']). One index serves the
   * whole query instead of a filter on one index and a sort of what it found.
   */
  readonly compoundIndexes?: readonly (readonly string[])[];
  /**
   * Declared fields that hold lists, filtered with `contains`. MongoDB indexes
   * their elements; SQLite cannot index list elements by expression, so it
   * scans for them and does not pay for an index that would never be used.
   */
  readonly listFields?: readonly string[];
}

/** One write of a batch: a put, or a delete when `doc` is null. */
export interface DocWrite<T extends Doc> {
  readonly id: string;
  readonly doc: T | null;
  readonly position: bigint;
}

export interface Collection<T extends Doc> {
  readonly name: string;
  get(id: string): Promise<StoredDoc<T> | null>;
  /** Stores `doc` unless the stored position is >= `position`. Returns whether it wrote. */
  put(doc: T, position: bigint): Promise<boolean>;
  /**
   * Deletes the document, leaving a tombstone at `position` so that an older
   * event replayed later cannot bring it back. Same guard as put.
   */
  delete(id: string, position: bigint): Promise<boolean>;
  /** Applies writes in order, each with the position guard (no transaction required). */
  writeMany(writes: readonly DocWrite<T>[]): Promise<void>;
  find(options: FindOptions): Promise<Page<T>>;
  count(where?: readonly Filter[]): Promise<number>;
  /** Removes every document and tombstone (projection rebuild). */
  clear(): Promise<void>;
}

export interface CheckpointStore {
  /** Last global position a consumer fully applied; null when it never ran. */
  get(consumer: string): Promise<bigint | null>;
  save(consumer: string, position: bigint): Promise<void>;
  reset(consumer: string): Promise<void>;
}

export interface ReadStore {
  collection<T extends Doc>(definition: CollectionDefinition): Promise<Collection<T>>;
  readonly checkpoints: CheckpointStore;
  /** Round trip to the store, for readiness checks. */
  ping(): Promise<void>;
  /**
   * Drops the earlier versions of documents the store still keeps in its files
   * (SQLite: the write-ahead log), so that what an erasure overwrote does not
   * survive there. Optional: an engine whose storage the operator compacts
   * (MongoDB) has nothing to do.
   */
  compact?(): Promise<void>;
  close(): Promise<void>;
}

export class UndeclaredField extends Error {
  constructor(collection: string, field: string) {
    super(`collection ${collection}: field "${field}" is not a declared index; declare it to filter or sort on it`);
    this.name = 'UndeclaredField';
  }
}

export class InvalidCursor extends Error {
  constructor() {
    super('the cursor is not one this collection returned');
    this.name = 'InvalidCursor';
  }
}
