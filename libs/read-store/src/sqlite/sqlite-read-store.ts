import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type {
  CheckpointStore,
  Collection,
  CollectionDefinition,
  Doc,
  DocWrite,
  Filter,
  FindOptions,
  Page,
  ReadStore,
  Scalar,
  Sort,
  StoredDoc,
} from '../read-store.port.js';
import { checkDefinition, checkFindOptions, assertDeclared, compoundIndexes, ID_FIELD, indexedFields, schemaKey } from '../shared/definition.js';
import { decodeCursor, encodeCursor, type CursorPosition, type SortValue } from '../shared/page-cursor.js';
import { prefixUpperBound } from '../shared/prefix.js';

export interface SqliteReadStoreOptions {
  /** Path of the database file; its directory is created when missing. ':memory:' for a throwaway store. */
  readonly file: string;
  /** How long a writer waits for another connection holding the write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Attempts of `compact` while other connections keep reading (default 40, 50 ms apart). */
  readonly compactAttempts?: number;
}

/** What `PRAGMA wal_checkpoint` answers: busy 1 when it could not finish (a reader held old pages). */
interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

const COMPACT_RETRY_MS = 50;

/**
 * The embedded ReadStore: one SQLite file in WAL mode, one table per collection,
 * (id, doc JSON or NULL for a tombstone, position). The position guard is the
 * WHERE clause of an upsert, so it holds whoever else writes to the file.
 *
 * `secure_delete` makes SQLite overwrite what a write replaces or deletes with
 * zeros, in the table and in its indexes, and `compact` empties the WAL into the
 * file: once an erasure's documents are written and compacted, the personal
 * data they held is in neither file (decision 0018).
 */
export class SqliteReadStore implements ReadStore {
  readonly checkpoints: CheckpointStore;
  private readonly prepared = new Set<string>();

  private constructor(
    private readonly db: Database.Database,
    private readonly compactAttempts: number,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      consumer TEXT PRIMARY KEY NOT NULL,
      position INTEGER NOT NULL
    )`);
    this.checkpoints = new SqliteCheckpointStore(db);
  }

  static open(options: SqliteReadStoreOptions): SqliteReadStore {
    if (options.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    const db = new Database(options.file);
    try {
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL never corrupts the file; a power loss may drop the last
      // commits, which the projections rewrite from their checkpoints.
      db.pragma('synchronous = NORMAL');
      // Checkpoints every 10,000 pages (40 MB of WAL) rather than 1,000: a page that
      // several batches rewrite is copied into the file once, and a catch-up runs a
      // fifth faster. What a power cut can drop grows with it, and is rebuilt from
      // the log: documents and checkpoints are in this file, lost together.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      db.pragma('secure_delete = ON');
      return new SqliteReadStore(db, Math.max(1, Math.trunc(options.compactAttempts ?? 40)));
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async collection<T extends Doc>(definition: CollectionDefinition): Promise<Collection<T>> {
    checkDefinition(definition);
    const key = schemaKey(definition);
    if (!this.prepared.has(key)) {
      this.createSchema(definition);
      this.prepared.add(key);
    }
    return new SqliteCollection<T>(this.db, definition);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /**
   * `wal_checkpoint(TRUNCATE)`: copies every WAL frame into the file and empties
   * the WAL. It cannot finish while another connection (a command line on the
   * same file) reads an older snapshot, so it is retried for a while — between
   * attempts, not inside SQLite's busy handler, which would block the process.
   */
  async compact(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
      this.db.pragma('busy_timeout = 0');
      let result: CheckpointResult | undefined;
      try {
        [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[];
      } catch (error) {
        // SQLITE_BUSY: another connection is writing; like a reader, it lets go soon.
        if (!(error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY'))) throw error;
        result = { busy: 1, log: -1, checkpointed: -1 };
      } finally {
        this.db.pragma(`busy_timeout = ${busyTimeout}`);
      }
      if (result === undefined || result.busy === 0) return;
      if (attempt >= this.compactAttempts) {
        throw new Error(`the read store's WAL could not be checkpointed after ${attempt} attempts: another connection keeps reading it`);
      }
      await sleep(COMPACT_RETRY_MS);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private createSchema(definition: CollectionDefinition): void {
    const table = quote(definition.name);
    const lists = new Set(definition.listFields ?? []);
    // (field, id) matches ORDER BY field, id, so keyset pages are index range scans;
    // the JSON type rides along at the end so that the type test of a filter is
    // answered from the index too (a count then never reads a document).
    // Partial: tombstones are never read through an index.
    const wanted = new Map<string, string>();
    // A compound index serves equality and counts on its leading field as well.
    const leading = new Set(compoundIndexes(definition).map((fields) => fields[0]!));
    for (const field of indexedFields(definition)) {
      if (lists.has(field) || leading.has(field)) continue;
      wanted.set(`${definition.name}:${field}:typed`, `${jsonValue(field)}, id, ${jsonType(field)}`);
    }
    for (const fields of compoundIndexes(definition)) {
      wanted.set(
        `${definition.name}:${fields.join('+')}`,
        [...fields.map(jsonValue), 'id', ...fields.map(jsonType)].join(', '),
      );
    }
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
        id       TEXT PRIMARY KEY NOT NULL,
        doc      TEXT,
        position INTEGER NOT NULL
      )`);
      // Every index costs each write; one the definition no longer asks for (an
      // earlier layout, a field dropped) is removed rather than kept up to date.
      const existing = this.db
        .prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`)
        .all(definition.name);
      for (const { name } of existing) {
        if (!wanted.has(name)) this.db.exec(`DROP INDEX ${quote(name)}`);
      }
      for (const [name, columns] of wanted) {
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${table} (${columns}) WHERE doc IS NOT NULL`);
      }
    })();
  }
}

interface DocRow {
  doc: string | null;
  position: bigint;
}

interface FoundRow {
  id: string;
  doc: string;
  k: SortValue;
}

type Param = string | number | bigint | null;

interface Sql {
  readonly sql: string;
  readonly params: Param[];
}

/** The cache is per collection handle; dynamic finds have few distinct shapes. */
const MAX_CACHED_STATEMENTS = 200;

class SqliteCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  private readonly table: string;
  private readonly getStatement: Database.Statement<[string], DocRow>;
  private readonly upsertStatement: Database.Statement<[string, string | null, bigint]>;
  private readonly writeBatch: (writes: readonly DocWrite<T>[]) => void;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly definition: CollectionDefinition,
  ) {
    this.name = definition.name;
    this.table = quote(definition.name);
    this.getStatement = db
      .prepare<[string], DocRow>(`SELECT doc, position FROM ${this.table} WHERE id = ?`)
      .safeIntegers(true);
    this.upsertStatement = db.prepare(
      `INSERT INTO ${this.table} (id, doc, position) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, position = excluded.position
       WHERE excluded.position > ${this.table}.position`,
    );
    this.writeBatch = db.transaction((writes: readonly DocWrite<T>[]) => {
      for (const write of writes) {
        this.upsertStatement.run(write.id, write.doc === null ? null : serialise(write.doc, write.id), write.position);
      }
    });
  }

  async get(id: string): Promise<StoredDoc<T> | null> {
    const row = this.getStatement.get(id);
    if (row === undefined || row.doc === null) return null;
    return { doc: JSON.parse(row.doc) as T, position: row.position };
  }

  async put(doc: T, position: bigint): Promise<boolean> {
    return this.upsertStatement.run(doc.id, serialise(doc, doc.id), position).changes > 0;
  }

  async delete(id: string, position: bigint): Promise<boolean> {
    return this.upsertStatement.run(id, null, position).changes > 0;
  }

  async writeMany(writes: readonly DocWrite<T>[]): Promise<void> {
    if (writes.length > 0) this.writeBatch(writes);
  }

  async find(options: FindOptions): Promise<Page<T>> {
    const sort = checkFindOptions(this.definition, options);
    const where = this.whereClause(options.where ?? []);
    const sortKey = sort.field === ID_FIELD ? 'id' : jsonValue(sort.field);
    const after = options.after == null ? null : decodeCursor(options.after, sort);
    const segments = keysetSegments(sort, sortKey, after);
    const limit = options.first + 1;
    // One snapshot for all segments, so a page never mixes two states of the table.
    const rows = this.db.transaction(() => {
      const found: FoundRow[] = [];
      for (const segment of segments) {
        if (found.length >= limit) break;
        const { sql, params } = joinSql(
          `SELECT id, doc, ${sortKey} AS k FROM ${this.table} WHERE `,
          segment.condition === null ? where : [...where, segment.condition],
          ` ORDER BY ${segment.orderBy} LIMIT ?`,
        );
        found.push(...(this.statement(sql).all(...params, limit - found.length) as FoundRow[]));
      }
      return found;
    })();
    const items = rows.slice(0, options.first).map((row) => ({
      doc: JSON.parse(row.doc) as T,
      cursor: encodeCursor(sort, row.k, row.id),
    }));
    return {
      items,
      endCursor: items.at(-1)?.cursor ?? null,
      hasNextPage: rows.length > options.first,
    };
  }

  async count(where: readonly Filter[] = []): Promise<number> {
    for (const filter of where) assertDeclared(this.definition, filter.field);
    const { sql, params } = joinSql(`SELECT count(*) AS n FROM ${this.table} WHERE `, this.whereClause(where), '');
    return (this.statement(sql).get(...params) as { n: number }).n;
  }

  async clear(): Promise<void> {
    this.db.prepare(`DELETE FROM ${this.table}`).run();
  }

  private whereClause(filters: readonly Filter[]): Sql[] {
    return [{ sql: 'doc IS NOT NULL', params: [] }, ...filters.map(filterCondition)];
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

class SqliteCheckpointStore implements CheckpointStore {
  private readonly getStatement: Database.Statement<[string], { position: bigint }>;
  private readonly saveStatement: Database.Statement<[string, bigint]>;
  private readonly resetStatement: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.getStatement = db
      .prepare<[string], { position: bigint }>('SELECT position FROM checkpoints WHERE consumer = ?')
      .safeIntegers(true);
    this.saveStatement = db.prepare(
      `INSERT INTO checkpoints (consumer, position) VALUES (?, ?)
       ON CONFLICT (consumer) DO UPDATE SET position = excluded.position`,
    );
    this.resetStatement = db.prepare('DELETE FROM checkpoints WHERE consumer = ?');
  }

  async get(consumer: string): Promise<bigint | null> {
    return this.getStatement.get(consumer)?.position ?? null;
  }

  async save(consumer: string, position: bigint): Promise<void> {
    this.saveStatement.run(consumer, position);
  }

  async reset(consumer: string): Promise<void> {
    this.resetStatement.run(consumer);
  }
}

function serialise(doc: Doc, id: string): string {
  if (doc.id !== id) throw new Error(`document id "${String(doc.id)}" does not match write id "${id}"`);
  return JSON.stringify(doc);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Field paths are validated by checkDefinition (identifiers and dots), so inlining them is safe. */
function jsonValue(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

/**
 * A value and its JSON type. SQLite compares across types (numbers < text, true = 1),
 * while MongoDB compares within a type only; checking the JSON type gives both
 * adapters the same answers.
 */
interface Operand {
  readonly value: string;
  readonly type: string;
}

function jsonType(field: string): string {
  return `json_type(doc, '$.${field}')`;
}

function fieldOperand(field: string): Operand {
  return field === ID_FIELD ? { value: 'id', type: `'text'` } : { value: jsonValue(field), type: jsonType(field) };
}

const ELEMENT: Operand = { value: 'e.value', type: 'e.type' };

function typeTest(operand: Operand, value: number | string): string {
  return typeof value === 'number' ? `${operand.type} IN ('integer', 'real')` : `${operand.type} = 'text'`;
}

function equals(operand: Operand, value: Scalar): Sql {
  if (value === null) return { sql: `${operand.value} IS NULL`, params: [] };
  // The value too (SQLite reads JSON true and false as 1 and 0): an index on the field can then seek it.
  if (typeof value === 'boolean') return { sql: `(${operand.value} = ${Number(value)} AND ${operand.type} = '${String(value)}')`, params: [] };
  return { sql: `(${typeTest(operand, value)} AND ${operand.value} = ?)`, params: [value] };
}

const COMPARATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type Comparison = keyof typeof COMPARATORS;

function compare(operand: Operand, op: Comparison, value: Scalar): Sql {
  // Nothing orders against null (as in MongoDB, where only null equals null).
  if (value === null) return { sql: '0', params: [] };
  if (typeof value === 'boolean') {
    const holds = (candidate: boolean) => {
      const [a, b] = [Number(candidate), Number(value)];
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    };
    const types = [false, true].filter(holds).map((b) => `'${String(b)}'`);
    return { sql: types.length === 0 ? '0' : `${operand.type} IN (${types.join(', ')})`, params: [] };
  }
  return { sql: `(${typeTest(operand, value)} AND ${operand.value} ${COMPARATORS[op]} ?)`, params: [value] };
}

/**
 * The list goes in as one JSON parameter, read back with json_each: one bound
 * parameter per value would fail past SQLite's limit on bound parameters (a
 * scope can hold tens of thousands of ids), and would prepare one statement
 * per list length.
 */
function oneOf(operand: Operand, values: readonly Scalar[]): Sql {
  const parts: Sql[] = [];
  const numbers = values.filter((v): v is number => typeof v === 'number');
  const strings = values.filter((v): v is string => typeof v === 'string');
  for (const group of [numbers, strings]) {
    const first = group[0];
    if (first === undefined) continue;
    parts.push({
      sql: `(${typeTest(operand, first)} AND ${operand.value} IN (SELECT value FROM json_each(?)))`,
      params: [JSON.stringify(group)],
    });
  }
  for (const special of [null, true, false]) {
    if (values.includes(special)) parts.push(equals(operand, special));
  }
  if (parts.length === 0) return { sql: '0', params: [] };
  return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

function filterCondition(filter: Filter): Sql {
  const operand = fieldOperand(filter.field);
  switch (filter.op) {
    case 'eq':
      return equals(operand, filter.value);
    case 'ne': {
      // A missing field is "not equal" (as in MongoDB): COALESCE turns the unknown into false.
      const eq = equals(operand, filter.value);
      return { sql: `NOT COALESCE(${eq.sql}, 0)`, params: eq.params };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(operand, filter.op, filter.value);
    case 'in':
      return oneOf(operand, filter.value);
    case 'contains': {
      if (filter.field === ID_FIELD) return { sql: '0', params: [] };
      const path = `'$.${filter.field}'`;
      const element = equals(ELEMENT, filter.value);
      return {
        sql: `(json_type(doc, ${path}) = 'array' AND EXISTS (SELECT 1 FROM json_each(doc, ${path}) AS e WHERE ${element.sql}))`,
        params: element.params,
      };
    }
    case 'startsWith': {
      // A range rather than LIKE: LIKE is case-insensitive for ASCII and its wildcards
      // would need escaping; the range is exact and can use the index.
      const upper = prefixUpperBound(filter.value);
      const lower = `${operand.type} = 'text' AND ${operand.value} >= ?`;
      return upper === null
        ? { sql: `(${lower})`, params: [filter.value] }
        : { sql: `(${lower} AND ${operand.value} < ?)`, params: [filter.value, upper] };
    }
    default: {
      const unreachable: never = filter;
      throw new Error(`unknown filter ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A slice of the sort order, read in that order; a page is read slice after slice. */
interface Segment {
  readonly condition: Sql | null;
  readonly orderBy: string;
}

/**
 * The rows strictly after the cursor in ORDER BY key, id, as slices that each seek
 * into the (key, id) index. SQLite sorts NULL first, and a row value comparison with
 * NULL is unknown, so the null keys get a slice of their own: ascending, they come
 * before every other key; descending, after.
 */
function keysetSegments(sort: Sort, key: string, after: CursorPosition | null): Segment[] {
  const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const ordered = `${key} ${dir}, id ${dir}`;
  if (after === null) return [{ condition: null, orderBy: ordered }];
  if (sort.field === ID_FIELD) {
    return [{ condition: { sql: `id ${dir === 'ASC' ? '>' : '<'} ?`, params: [after.id] }, orderBy: ordered }];
  }
  const nullKeys = (idCondition: string, params: Param[]): Segment => ({
    condition: { sql: `${key} IS NULL${idCondition}`, params },
    orderBy: `id ${dir}`,
  });
  if (after.value === null) {
    return dir === 'ASC'
      ? [nullKeys(' AND id > ?', [after.id]), { condition: { sql: `${key} IS NOT NULL`, params: [] }, orderBy: ordered }]
      : [nullKeys(' AND id < ?', [after.id])];
  }
  const value = typeof after.value === 'boolean' ? Number(after.value) : after.value;
  // The single-column bound lets SQLite seek; the row value then places the id.
  return dir === 'ASC'
    ? [{ condition: { sql: `${key} >= ? AND (${key}, id) > (?, ?)`, params: [value, value, after.id] }, orderBy: ordered }]
    : [
        { condition: { sql: `${key} <= ? AND (${key}, id) < (?, ?)`, params: [value, value, after.id] }, orderBy: ordered },
        nullKeys('', []),
      ];
}

function joinSql(head: string, conditions: Sql[], tail: string): Sql {
  return {
    sql: head + conditions.map((c) => c.sql).join(' AND ') + tail,
    params: conditions.flatMap((c) => c.params),
  };
}
