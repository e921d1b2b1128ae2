import type { Collection, Doc, DocWrite } from '#read-store';

interface Entry<D extends Doc> {
  doc: D | null;
  /** Position of the last event applied to this document; null when unknown (never stored, or a tombstone). */
  position: bigint | null;
  dirty: boolean;
}

/**
 * The documents one batch of events touches, kept in memory until the flush so
 * that several events on one document cost one read and one write.
 */
export class ProjectionBatch<D extends Doc> {
  private readonly entries = new Map<string, Entry<D>>();
  private openedAt: number | null = null;
  private consumedEvents = 0;
  private last: bigint | null = null;

  constructor(readonly collection: Collection<D>) {}

  /** Events consumed since the last flush, handled or not. */
  get events(): number {
    return this.consumedEvents;
  }

  /** Position of the last event fully applied: the checkpoint the flush saves. */
  get lastPosition(): bigint | null {
    return this.last;
  }

  ageMs(now: number): number {
    return this.openedAt === null ? 0 : now - this.openedAt;
  }

  /** The document as the batch sees it: its own pending version first, the collection on a miss. */
  async read(id: string): Promise<{ readonly doc: D | null; readonly position: bigint | null }> {
    const cached = this.entries.get(id);
    if (cached) return cached;
    const stored = await this.collection.get(id);
    const entry: Entry<D> = { doc: stored?.doc ?? null, position: stored?.position ?? null, dirty: false };
    this.entries.set(id, entry);
    return entry;
  }

  stage(id: string, doc: D | null, position: bigint): void {
    this.entries.set(id, { doc, position, dirty: true });
  }

  consumed(position: bigint, now: number): void {
    this.openedAt ??= now;
    this.consumedEvents += 1;
    this.last = position;
  }

  /**
   * Writes what is staged now, without a checkpoint, and forgets every entry:
   * the store then holds what a filter over the collection must see (a fan-out),
   * and a long fan-out does not keep all its documents in memory. Safe at any
   * point: a write is guarded by its position, so re-applying the event after a
   * crash skips what was written.
   */
  async writePending(): Promise<void> {
    const writes = this.writes();
    if (writes.length > 0) await this.collection.writeMany(writes);
    this.entries.clear();
  }

  writes(): DocWrite<D>[] {
    const writes: DocWrite<D>[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.dirty && entry.position !== null) writes.push({ id, doc: entry.doc, position: entry.position });
    }
    return writes;
  }

  reset(): void {
    this.entries.clear();
    this.openedAt = null;
    this.consumedEvents = 0;
    this.last = null;
  }
}
