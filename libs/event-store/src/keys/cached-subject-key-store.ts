import { SubjectForgotten, type SubjectKeyStore } from './subject-key-store.port.js';

export interface SubjectKeyCacheOptions {
  /** How long a key read from the store is reused. Default 60 s; 0: every read asks the store. */
  readonly ttlMs?: number;
  /** Keys kept at most; the oldest go first. Default 50,000 (about 5 MB). */
  readonly maxEntries?: number;
  /** Milliseconds on a monotonic clock (tests move it). */
  readonly now?: () => number;
}

interface Entry {
  readonly key: Buffer | null;
  readonly until: number;
}

/**
 * Keeps recently used subject keys in memory, so that reading or writing a
 * subject's events does not ask the key store each time. A key this process
 * destroys is dropped before `destroy` returns and never read again; a key
 * another process destroys is dropped here when the TTL runs out (or on `evict`).
 */
export class CachedSubjectKeyStore implements SubjectKeyStore {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every eviction: a load that began before one must not cache what it read. */
  private epoch = 0;
  private closing: Promise<void> | null = null;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    readonly inner: SubjectKeyStore,
    options: SubjectKeyCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? (() => performance.now());
  }

  async getOrCreate(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of subjectIds) {
      const cached = this.fresh(id);
      // A tombstone is for good: no need to ask the store again.
      if (cached?.key === null) throw new SubjectForgotten(id);
      if (cached) keys.set(id, cached.key);
      else if (!keys.has(id)) missing.push(id);
    }
    if (missing.length > 0) {
      const epoch = this.epoch;
      const loaded = await this.inner.getOrCreate(missing);
      for (const [id, key] of loaded) {
        keys.set(id, key);
        if (epoch === this.epoch) this.remember(id, key);
      }
    }
    return keys;
  }

  async get(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const keys = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const id of subjectIds) {
      const cached = this.fresh(id);
      if (cached) keys.set(id, cached.key);
      else if (!keys.has(id)) missing.push(id);
    }
    if (missing.length > 0) {
      const epoch = this.epoch;
      const loaded = await this.inner.get(missing);
      for (const [id, key] of loaded) {
        keys.set(id, key);
        if (epoch === this.epoch) this.remember(id, key);
      }
    }
    return keys;
  }

  async destroy(subjectId: string): Promise<boolean> {
    this.evict(subjectId);
    let destroyed: boolean;
    try {
      destroyed = await this.inner.destroy(subjectId);
    } finally {
      // Again: a load may have begun while the store was destroying it.
      this.evict(subjectId);
    }
    // Destroyed is for good: remembered without a deadline, decoding needs no round trip.
    this.entries.set(subjectId, { key: null, until: Number.POSITIVE_INFINITY });
    return destroyed;
  }

  /** Forgets what this process knows of a subject's key (another process destroyed it). */
  evict(subjectId: string): void {
    this.epoch += 1;
    this.entries.delete(subjectId);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.closing ??= this.inner.close();
    await this.closing;
  }

  private fresh(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry;
    this.entries.delete(id);
    return undefined;
  }

  private remember(id: string, key: Buffer | null): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(id);
    this.entries.set(id, { key, until: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
