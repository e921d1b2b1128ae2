import { UnknownSchemaVersion, type EventCodec, type EventStore, type StoredEvent } from '#event-store';
import type { Collection, ReadStore } from '#read-store';
import { auditJournalCollection, auditJournalProjection, type AuditEntry } from '../audit-journal/audit-journal.projection.js';
import { positionKey } from '../shared/read-model-keys.js';
import { eraseAuditEntry } from '../audit-journal/audit-journal.projection.js';
import {
  auditChainCollection,
  auditChainProjection,
  auditEntryOf,
  GENESIS_HASH,
  hashOfCanonical,
  sealedEntry,
  type AuditChainLink,
} from './audit-chain.projection.js';
import { canonicalJson } from './canonical-json.js';

/** A chain hash recorded earlier, outside Suivi's stores (a previous verification's head). */
export interface AuditAnchor {
  readonly position: bigint;
  readonly hash: string;
}

export interface VerifyAuditJournalOptions {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  /**
   * Hashes the recomputed chain must reach at their positions. The stores alone
   * cannot reveal a history rewritten together with its journal and its chain;
   * a head hash kept elsewhere can.
   */
  readonly anchors?: readonly AuditAnchor[];
  /** Events (and documents) per page (default 1,000). */
  readonly pageSize?: number;
  /** Called after each page of the log with the position reached and the last position to check. */
  readonly onProgress?: (done: bigint, upTo: bigint) => void;
}

export interface AuditChainBreak {
  readonly position: bigint;
  /** The event at that position, or the entry found there when the log has none. */
  readonly eventId: string | null;
  readonly reason: string;
}

export interface AuditJournalVerification {
  readonly ok: boolean;
  /** Events whose journal entry and chain link matched the log, before the first break. */
  readonly checkedEvents: number;
  /** Position of the last event checked; null when none was. */
  readonly checkedUpTo: bigint | null;
  /** Head of the log when the verification began: events after checkedUpTo were not journaled yet. */
  readonly logHead: bigint | null;
  /** The chain's hash at checkedUpTo when ok: kept elsewhere with its position, it becomes an anchor. */
  readonly headHash: string | null;
  readonly firstBreak: AuditChainBreak | null;
}

class Broken extends Error {
  constructor(readonly found: AuditChainBreak) {
    super(found.reason);
  }
}

/**
 * Recomputes the audit journal and its hash chain from the event store, from
 * position 0, and compares them with what the read store holds, in log order:
 * a journal entry that differs from its event, a chain link that differs from
 * the recomputed hash (an event altered after it was chained), an entry or link
 * without an event (an event deleted) and an event without them all break the
 * chain. Stops at the first break.
 *
 * Only the part of the log both projections have applied is checked (up to the
 * lower of their checkpoints). Events, entries and links are read in pages,
 * side by side, never one by one.
 */
export async function verifyAuditJournal(options: VerifyAuditJournalOptions): Promise<AuditJournalVerification> {
  const { store, readStore, codec } = options;
  const pageSize = options.pageSize ?? 1_000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const [journal, chain] = await Promise.all([
    readStore.collection<AuditEntry>(auditJournalCollection),
    readStore.collection<AuditChainLink>(auditChainCollection),
  ]);
  const [journalAt, chainAt, logHead] = await Promise.all([
    readStore.checkpoints.get(auditJournalProjection.name),
    readStore.checkpoints.get(auditChainProjection.name),
    store.headPosition(),
  ]);
  const upTo = journalAt === null || chainAt === null ? null : journalAt < chainAt ? journalAt : chainAt;
  const state = { previousHash: GENESIS_HASH, checked: 0, last: null as bigint | null };
  const anchors = new Map((options.anchors ?? []).map((anchor) => [anchor.position, anchor.hash.toLowerCase()]));
  const result = (firstBreak: AuditChainBreak | null): AuditJournalVerification => ({
    ok: firstBreak === null,
    checkedEvents: state.checked,
    checkedUpTo: state.last,
    logHead,
    headHash: firstBreak === null && state.last !== null ? state.previousHash : null,
    firstBreak,
  });
  try {
    if (upTo !== null) {
      const entries = new OrderedDocs(journal, positionKey(upTo), pageSize);
      const links = new OrderedDocs(chain, positionKey(upTo), pageSize);
      let after: bigint | null = null;
      for (let reading = true; reading; ) {
        const page = await store.readAll({ after, maxCount: pageSize });
        for (const event of page.events) {
          if (event.position > upTo) {
            reading = false;
            break;
          }
          await checkEvent(event, entries, links, codec, state, anchors);
        }
        if (page.isEnd || page.events.length === 0 || page.lastPosition === null) break;
        after = page.lastPosition;
        options.onProgress?.(after < upTo ? after : upTo, upTo);
      }
      await refuseOrphan(entries, 'a journal entry', upTo);
      await refuseOrphan(links, 'a chain link', upTo);
    }
    // Anchors the walk did not meet, lowest first.
    const [position] = [...anchors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (position !== undefined) {
      throw new Broken({
        position,
        eventId: null,
        reason:
          upTo !== null && position <= upTo
            ? 'the log has no event at this anchored position: events were deleted'
            : `this anchored position is beyond what is journaled and chained (up to ${upTo ?? 'nothing'}): ` +
              'events were deleted from the end of the log, or the worker has not caught up',
      });
    }
    return result(null);
  } catch (error) {
    if (error instanceof Broken) return result(error.found);
    throw error;
  }
}

async function checkEvent(
  event: StoredEvent,
  entries: OrderedDocs<AuditEntry>,
  links: OrderedDocs<AuditChainLink>,
  codec: EventCodec,
  state: { previousHash: string; checked: number; last: bigint | null },
  anchors: Map<bigint, string>,
): Promise<void> {
  const key = positionKey(event.position);
  await refuseOrphan(entries, 'a journal entry', event.position, key);
  await refuseOrphan(links, 'a chain link', event.position, key);
  const stored = await entries.take(key);
  const link = await links.take(key);
  const broken = (reason: string): Broken => new Broken({ position: event.position, eventId: event.eventId, reason });
  // Outside the try: a key store that cannot answer is not a break in the chain.
  const keys = await codec.prepareDecode([event]);
  let canonical: string;
  let erasedCanonical: string;
  let sealed: string;
  let erased: boolean;
  try {
    // An altered ciphertext fails here (PersonalDataUnreadable): a break like any altered event.
    const envelope = codec.decode(event, keys);
    erased = (envelope.erasedSubjects?.length ?? 0) > 0;
    const entry = auditEntryOf(envelope);
    canonical = canonicalJson(entry);
    erasedCanonical = canonicalJson(eraseAuditEntry(entry));
    sealed = canonicalJson(sealedEntry(entry));
  } catch (error) {
    // A newer build's event: this build cannot judge it, which is not a break.
    if (error instanceof UnknownSchemaVersion) throw error;
    throw broken(`the event cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (stored === null || link === null) {
    const missing = stored === null && link === null ? 'no journal entry and no chain link' : stored === null ? 'no journal entry' : 'no chain link';
    throw broken(`${missing} for this event: deleted from the read store, or parked (see suivi projections parked)`);
  }
  const { previousHash } = state;
  const expected = hashOfCanonical(previousHash, sealed);
  // An event read as erased cannot give back the values the journal held before its
  // erasure reached it: only what the chain seals, which holds none, is compared. A
  // readable event's entry may already be erased (the journal applied the erasure
  // before the keys were destroyed): that one change is accepted, no other.
  const storedCanonical = canonicalOrNull(stored);
  const entryMatches = erased
    ? sealedCanonicalOrNull(stored) === sealed
    : storedCanonical === canonical || storedCanonical === erasedCanonical;
  const linkMatches = link.previousHash === previousHash && link.hash === expected;
  if (!entryMatches && linkMatches) {
    // The chain seals no personal value: a difference there alone cannot tell which side moved.
    throw broken(
      sealedCanonicalOrNull(stored) === sealed
        ? 'the journal entry and its event differ in personal values, which the chain does not seal: the stored event or its journal entry was altered'
        : 'the journal entry differs from its event, which still matches the chain: the stored journal entry was altered',
    );
  }
  if (!entryMatches) {
    const storedSealed = sealedCanonicalOrNull(stored);
    const sealedStored = link.previousHash === previousHash && storedSealed !== null && hashOfCanonical(previousHash, storedSealed) === link.hash;
    throw broken(
      sealedStored
        ? 'the event differs from the one journaled and chained at this position: the stored event was altered'
        : 'the event, its journal entry and its chain link disagree: the history was altered',
    );
  }
  if (!linkMatches) {
    throw broken(
      link.previousHash !== previousHash
        ? 'the chain link does not follow the previous one: the chain was altered'
        : 'the chain link does not match the event and its journal entry: the link was altered, or the event and its entry were altered together',
    );
  }
  const anchor = anchors.get(event.position);
  if (anchor !== undefined) {
    if (anchor !== expected) {
      throw broken('the recomputed hash differs from the one anchored at this position: the history up to here was rewritten');
    }
    anchors.delete(event.position);
  }
  state.previousHash = expected;
  state.checked += 1;
  state.last = event.position;
}

/**
 * A document the log has no event for breaks the chain: one ordered before
 * `key`, or without `key`, any left. Reported at its own position when it has a
 * readable one, else where it was found.
 */
async function refuseOrphan<D extends ChainedDoc>(docs: OrderedDocs<D>, what: string, foundAt: bigint, key?: string): Promise<void> {
  const doc = await docs.peek();
  if (doc === null || (key !== undefined && !(doc.sortKey < key))) return;
  throw new Broken({
    position: positionOf(doc) ?? foundAt,
    eventId: typeof doc.id === 'string' ? doc.id : null,
    reason: `${what} exists at this position but the log has no event there: the event was deleted, or the document inserted`,
  });
}

const positionOf = (doc: ChainedDoc): bigint | null => {
  for (const value of [doc.sortKey, doc.position] as unknown[]) {
    if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  }
  return null;
};

type ChainedDoc = { readonly id: string; readonly sortKey: string; readonly position: string };

/** A stored document altered into something that has no JSON form cannot equal a recomputed entry. */
const canonicalOrNull = (doc: unknown): string | null => {
  try {
    return canonicalJson(doc);
  } catch {
    return null;
  }
};

/** What the chain sealed of a stored entry, if it still has the shape of one. */
const sealedCanonicalOrNull = (doc: AuditEntry): string | null => {
  try {
    return canonicalJson(sealedEntry(doc));
  } catch {
    return null;
  }
};

/** A collection in log order (by sortKey) up to a key, read a page at a time. */
class OrderedDocs<D extends ChainedDoc> {
  private buffer: D[] = [];
  private index = 0;
  private after: string | null = null;
  private exhausted = false;

  constructor(
    private readonly collection: Collection<D>,
    private readonly lastKey: string,
    private readonly pageSize: number,
  ) {}

  async peek(): Promise<D | null> {
    while (this.index >= this.buffer.length && !this.exhausted) {
      const page = await this.collection.find({
        where: [{ field: 'sortKey', op: 'lte', value: this.lastKey }],
        sort: { field: 'sortKey', direction: 'asc' },
        first: this.pageSize,
        after: this.after,
      });
      this.buffer = page.items.map((item) => item.doc);
      this.index = 0;
      this.after = page.endCursor;
      this.exhausted = !page.hasNextPage;
    }
    return this.buffer[this.index] ?? null;
  }

  /** The document at `key`, consumed; null when the next one is further on. */
  async take(key: string): Promise<D | null> {
    const doc = await this.peek();
    if (doc === null || doc.sortKey !== key) return null;
    this.index += 1;
    return doc;
  }
}
