import type { FollowUpKind, FollowUpMode, FollowUpSkipReason } from '#domain';
import { InvalidCursor, type Collection, type Filter, type ReadStore } from '#read-store';
import { PAGE_MAX } from '../shared/paging.js';
import { followUpsCollection, type FollowUpEntry, type FollowUpStepEntry } from './follow-ups.projection.js';

/**
 * A reminder's state as people see it: the log's record of the step, read
 * against the time of the query. SCHEDULED: not due yet, or waiting for an
 * earlier step; DUE: the automation sends it on its next tick (or is sending
 * it); AWAITING_APPROVAL: due, in APPROVAL mode, not approved; FAILED: the last
 * hand-over failed, retried on the next tick.
 */
export const followUpQueueStates = ['SCHEDULED', 'DUE', 'AWAITING_APPROVAL', 'SENT', 'SKIPPED', 'CANCELLED', 'FAILED'] as const;
export type FollowUpQueueState = (typeof followUpQueueStates)[number];

/** One step of one follow-up: a line of the reminder queue. */
export interface FollowUpQueueItem {
  /** `<followUpId>:<cycle>:<step>`. */
  readonly id: string;
  readonly followUpId: string;
  readonly kind: FollowUpKind;
  readonly thirdPartyId: string;
  readonly documentId: string | null;
  readonly ownerId: string | null;
  readonly cycle: number;
  readonly step: number;
  readonly mode: FollowUpMode;
  readonly dueAt: string;
  readonly state: FollowUpQueueState;
  readonly messageId: string | null;
  readonly sentAt: string | null;
  readonly skipReason: FollowUpSkipReason | null;
  readonly failures: number;
  readonly changedAt: string;
}

export interface FollowUpFilter {
  readonly kinds?: readonly FollowUpKind[] | null;
  readonly states?: readonly FollowUpQueueState[] | null;
  readonly ownerId?: string | null;
  readonly thirdPartyId?: string | null;
  /** A quote's or invoice's reminders: the document's history of them. */
  readonly documentId?: string | null;
  /** Due at or after. */
  readonly dueFrom?: string | null;
  /** Due before. */
  readonly dueBefore?: string | null;
  /** A scoped reader's third parties; null: all. */
  readonly thirdPartyIds?: ReadonlySet<string> | null;
}

export interface FollowUpPage {
  readonly items: { readonly item: FollowUpQueueItem; readonly cursor: string }[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
  readonly totalCount: number;
}

export interface FollowUpCount {
  readonly kind: FollowUpKind;
  readonly state: FollowUpQueueState;
  readonly count: number;
}

const READ_PAGE = 500;
const CURSOR = /^(0|[1-9]\d{0,8})$/;

export const stateOfStep = (entry: FollowUpEntry, step: FollowUpStepEntry, now: Date): FollowUpQueueState => {
  switch (step.record) {
    case 'SENT':
      return 'SENT';
    case 'SKIPPED':
      return 'SKIPPED';
    case 'CANCELLED':
      return 'CANCELLED';
    case 'DECIDED':
      return step.failures > 0 ? 'FAILED' : 'DUE';
    case 'APPROVED':
    case 'SCHEDULED': {
      // Sequential: a step behind an unsettled one waits, whatever its date.
      const waiting = entry.steps.some((earlier) => earlier.step < step.step && !['SENT', 'SKIPPED'].includes(earlier.record));
      if (waiting || Date.parse(step.dueAt) > now.getTime()) return 'SCHEDULED';
      return step.mode === 'APPROVAL' && step.record === 'SCHEDULED' ? 'AWAITING_APPROVAL' : 'DUE';
    }
    default: {
      const unreachable: never = step.record;
      return unreachable;
    }
  }
};

/**
 * The reminder queue. The documents are per follow-up; the queue's lines are
 * their steps, whose state depends on the time of the query, so filtering by
 * state and date happens here, over the documents the indexed filters (kind,
 * owner, third party) select. Fine for the thousands of follow-ups of a small
 * business; a larger one would index the steps themselves.
 */
export class FollowUpQueries {
  constructor(private readonly collection: Collection<FollowUpEntry>) {}

  static async open(readStore: ReadStore): Promise<FollowUpQueries> {
    return new FollowUpQueries(await readStore.collection<FollowUpEntry>(followUpsCollection));
  }

  async get(followUpId: string): Promise<FollowUpEntry | null> {
    return (await this.collection.get(followUpId))?.doc ?? null;
  }

  /** Follow-ups with a step due by `now`: the automation's work list (it re-reads each stream before acting). */
  async due(now: Date): Promise<FollowUpEntry[]> {
    return this.all([
      { field: 'open', op: 'eq', value: true },
      { field: 'nextDueAt', op: 'lte', value: now.toISOString() },
    ]);
  }

  /** A third party's follow-ups not finished or cancelled (an erasure cancels them). */
  async openOf(thirdPartyId: string): Promise<FollowUpEntry[]> {
    return this.all([
      { field: 'thirdPartyId', op: 'eq', value: thirdPartyId },
      { field: 'open', op: 'eq', value: true },
    ]);
  }

  /** The queue's lines matching `filter`, by due date then id. */
  async list(filter: FollowUpFilter, args: { readonly first: number; readonly after?: string | null }, now: Date): Promise<FollowUpPage> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > PAGE_MAX) {
      throw new RangeError(`first must be an integer between 1 and ${PAGE_MAX}, got ${String(args.first)}`);
    }
    if (args.after != null && !CURSOR.test(args.after)) throw new InvalidCursor();
    const start = args.after == null ? 0 : Number(args.after) + 1;
    const items = await this.items(filter, now);
    const page = items.slice(start, start + args.first).map((item, index) => ({ item, cursor: String(start + index) }));
    return {
      items: page,
      endCursor: page.at(-1)?.cursor ?? null,
      hasNextPage: start + args.first < items.length,
      totalCount: items.length,
    };
  }

  /** Every step of a quote's or invoice's follow-ups, every cycle's, by due date: the document's history of reminders. */
  async ofDocument(documentId: string, now: Date): Promise<FollowUpQueueItem[]> {
    return this.items({ documentId }, now);
  }

  /** How many lines per kind and state (only the non-zero ones), for the dashboard. */
  async counts(filter: FollowUpFilter, now: Date): Promise<FollowUpCount[]> {
    const counts = new Map<string, FollowUpCount>();
    for (const item of await this.items(filter, now)) {
      const key = `${item.kind}:${item.state}`;
      const count = counts.get(key);
      counts.set(key, { kind: item.kind, state: item.state, count: (count?.count ?? 0) + 1 });
    }
    return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.state.localeCompare(b.state));
  }

  private async items(filter: FollowUpFilter, now: Date): Promise<FollowUpQueueItem[]> {
    const where: Filter[] = [];
    if (filter.kinds != null) where.push({ field: 'kind', op: 'in', value: [...filter.kinds] });
    if (filter.ownerId != null) where.push({ field: 'ownerId', op: 'eq', value: filter.ownerId });
    if (filter.thirdPartyId != null) where.push({ field: 'thirdPartyId', op: 'eq', value: filter.thirdPartyId });
    if (filter.documentId != null) where.push({ field: 'documentId', op: 'eq', value: filter.documentId });
    if (filter.thirdPartyIds != null) where.push({ field: 'thirdPartyId', op: 'in', value: [...filter.thirdPartyIds] });
    const states = filter.states == null ? null : new Set(filter.states);
    const items: FollowUpQueueItem[] = [];
    for (const entry of await this.all(where)) {
      for (const step of entry.steps) {
        const item = queueItemOf(entry, step, now);
        if (states !== null && !states.has(item.state)) continue;
        if (filter.dueFrom != null && item.dueAt < filter.dueFrom) continue;
        if (filter.dueBefore != null && item.dueAt >= filter.dueBefore) continue;
        items.push(item);
      }
    }
    return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
  }

  private async all(where: Filter[]): Promise<FollowUpEntry[]> {
    const entries: FollowUpEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, first: READ_PAGE, after });
      for (const item of page.items) entries.push(item.doc);
      if (!page.hasNextPage) return entries;
      after = page.endCursor;
    }
  }
}

/** One step of a follow-up as the queue lists it. */
export const queueItemOf = (entry: FollowUpEntry, step: FollowUpStepEntry, now: Date): FollowUpQueueItem => ({
  id: `${entry.id}:${entry.cycle}:${step.step}`,
  followUpId: entry.id,
  kind: entry.kind,
  thirdPartyId: entry.thirdPartyId,
  documentId: entry.documentId,
  ownerId: entry.ownerId,
  cycle: entry.cycle,
  step: step.step,
  mode: step.mode,
  dueAt: step.dueAt,
  state: stateOfStep(entry, step, now),
  messageId: step.messageId,
  sentAt: step.sentAt,
  skipReason: step.skipReason,
  failures: step.failures,
  changedAt: step.changedAt,
});
