import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  commercialDocumentDecider,
  defaultCatalogue,
  exchangeDecider,
  followUpDecider,
  followUpIdOf,
  streams,
  thirdPartyDecider,
  type Decider,
  type FollowUpKind,
  type Message,
  type ThirdPartyRole,
} from '#domain';
import { handleCommand, SqliteEventStore } from '#event-store';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { openStores, RecordingLogger, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { metricsProjection } from './metrics.projection.js';
import { logPrefix, MetricsQueries, replayMetricsFacts } from './metrics.queries.js';
import {
  conversionMetrics,
  exchangeFrequency,
  followUpEffectiveness,
  lastContactDistribution,
  metricsBase,
  prospectPipeline,
  type MetricsGroupBy,
  type MetricsPeriod,
} from './metrics.compute.js';
import type { MetricsFactsEntry } from './metrics-facts.js';

/*
 * A known history, written through the real write path under a fixed clock
 * (every command at its own instant, in time order), and every metric checked
 * against values computed by hand below. Day n is 2025-01-01 + n days, 09:00 UTC.
 *
 * tp1  prospect, fair, Lyon, alice; exchanges d2, d12, d40; converted d20 (first exchange d2: 18 days, 2 exchanges before)
 * tp2  prospect, web, Lyon, bob; exchange d5; converted d35 (first exchange d5: 30 days, 1 exchange)
 * tp3  prospect, fair, Paris, alice → bob on d8; exchanges d3, d4, d6; converted d14 (first d3: 11 days, 3 exchanges; bob's)
 * tp4  prospect, web, Paris, bob; archived d30 (lost)
 * tp5  prospect, fair, Lyon, alice; exchange d50; still a prospect
 * tp6  customer, no source, Lyon, alice; exchanges d10, d45, d58; the documents:
 *        q1 issued d10, reminder 1 sent d17, accepted d19 (after reminder 1)
 *        q2 issued d11, accepted d12 (no reminder)
 *        q3 issued d12, reminders d19, d26, accepted d27 (after reminder 2)
 *        q4 issued d13, reminders d20, d27, refused d40
 *        i1 issued d15, due d30, dunning 1 sent d31, paid d33 (after dunning 1)
 *        i2 issued d16, paid d20 (no dunning)
 * tp7  prospect, fair, Lyon, alice; converted d8 without any exchange (no time to convert; 0 exchanges)
 * tp8  prospect, web, Paris, bob; registered d70
 * tp9, tp10, tp11  customers, Lyon, carol; one exchange each, logged d1, dated d-100, d-200, d-320
 */

const DAY_MS = 86_400_000;
const D0 = Date.parse('2025-01-01T09:00:00.000Z');
const day = (n: number): Date => new Date(D0 + n * DAY_MS);
const iso = (n: number): string => day(n).toISOString();

let stores: Stores;
let queries: MetricsQueries;
let commandNumber = 0;

const run = async <S, C extends Message, E extends Message>(decider: Decider<S, C, E>, stream: string, command: C, now: Date): Promise<void> => {
  commandNumber += 1;
  const commandId = `cmd-${commandNumber}`;
  await handleCommand({ store: stores.eventStore, codec: stores.codec, ids: stores.ids }, decider, stream, command, {
    actorId: 'user-1',
    now,
    commandId,
    correlationId: commandId,
    causationId: null,
    source: 'api',
  });
};

const active = (n: number) => ({ thirdPartyId: thirdPartyId(n), status: 'active' as const });

const register = (n: number, roles: ThirdPartyRole[], leadSource: string | null, territory: string, ownerId: string) => (now: Date) =>
  run(
    thirdPartyDecider,
    streams.thirdParty(thirdPartyId(n)),
    {
      type: 'RegisterThirdParty',
      data: { thirdPartyId: thirdPartyId(n), name: `Third party ${n}`, kind: 'COMPANY', roles, leadSource, territory, ownerId, catalogue: defaultCatalogue },
    },
    now,
  );

const exchange = (n: number, id: string, occurredAt: Date) => (now: Date) =>
  run(
    exchangeDecider,
    streams.exchange(id),
    {
      type: 'LogExchange',
      data: { exchangeId: id, thirdParty: active(n), contacts: [], occurredAt: occurredAt.toISOString(), mode: 'phone', subject: 'prospecting', catalogue: defaultCatalogue },
    },
    now,
  );

const convert = (n: number, firstExchangeAt: Date | null) => (now: Date) =>
  run(
    thirdPartyDecider,
    streams.thirdParty(thirdPartyId(n)),
    { type: 'ConvertProspect', data: { thirdPartyId: thirdPartyId(n), firstExchangeAt: firstExchangeAt?.toISOString() ?? null } },
    now,
  );

const documentId = (ref: string): string => `doc-${ref}`;

const record = (n: number, type: 'QUOTE' | 'INVOICE', ref: string, issuedAt: Date, dueAt: Date | null = null) => (now: Date) =>
  run(
    commercialDocumentDecider,
    streams.commercialDocument(documentId(ref)),
    {
      type: 'RecordCommercialDocument',
      data: {
        documentId: documentId(ref),
        thirdParty: active(n),
        documentType: type,
        ref,
        amount: '100.00',
        currency: 'EUR',
        issuedAt: issuedAt.toISOString(),
        dueAt: dueAt?.toISOString() ?? null,
      },
    },
    now,
  );

const status = (ref: string, to: string) => (now: Date) =>
  run(commercialDocumentDecider, streams.commercialDocument(documentId(ref)), { type: 'ChangeCommercialDocumentStatus', data: { documentId: documentId(ref), status: to, at: now.toISOString() } }, now);

const kindOf = (ref: string): FollowUpKind => (ref.startsWith('q') ? 'QUOTE_NO_RESPONSE' : 'UNPAID_INVOICE');
const followUpOf = (ref: string): string => followUpIdOf(kindOf(ref), documentId(ref));

const schedule = (n: number, ref: string, anchorAt: Date, offsets: number[]) => (now: Date) =>
  run(
    followUpDecider,
    streams.followUp(followUpOf(ref)),
    {
      type: 'ScheduleFollowUp',
      data: {
        followUpId: followUpOf(ref),
        kind: kindOf(ref),
        thirdPartyId: thirdPartyId(n),
        documentId: documentId(ref),
        anchorAt: anchorAt.toISOString(),
        ownerId: null,
        language: 'fr',
        steps: offsets.map((offsetDays) => ({ offsetDays, mode: 'AUTO' as const })),
      },
    },
    now,
  );

/** A reminder as the automation sends it: the sending decided, then the mail server's acceptance. */
const send = (ref: string, step: number) => async (now: Date) => {
  const stepRef = { followUpId: followUpOf(ref), cycle: 1, step };
  await run(followUpDecider, streams.followUp(followUpOf(ref)), { type: 'DecideFollowUpSend', data: stepRef }, now);
  await run(followUpDecider, streams.followUp(followUpOf(ref)), { type: 'RecordFollowUpSent', data: { ...stepRef, recipients: 1 } }, now);
};

/** [day, action]: run in day order (then as listed), so that the log's order is the clock's. */
const history: [number, (now: Date) => Promise<void>][] = [
  [0, register(1, ['PROSPECT'], 'fair', 'Lyon', 'alice')],
  [0, register(6, ['CUSTOMER'], null, 'Lyon', 'alice')],
  [0, register(9, ['CUSTOMER'], null, 'Lyon', 'carol')],
  [0, register(10, ['CUSTOMER'], null, 'Lyon', 'carol')],
  [0, register(11, ['CUSTOMER'], null, 'Lyon', 'carol')],
  [1, register(2, ['PROSPECT'], 'web', 'Lyon', 'bob')],
  [1, exchange(9, 'x9', day(-100))],
  [1, exchange(10, 'x10', day(-200))],
  [1, exchange(11, 'x11', day(-320))],
  [2, register(3, ['PROSPECT'], 'fair', 'Paris', 'alice')],
  [2, exchange(1, 'x1a', day(2))],
  [3, register(4, ['PROSPECT'], 'web', 'Paris', 'bob')],
  [3, exchange(3, 'x3a', day(3))],
  [4, register(5, ['PROSPECT'], 'fair', 'Lyon', 'alice')],
  [4, exchange(3, 'x3b', day(4))],
  [5, register(7, ['PROSPECT'], 'fair', 'Lyon', 'alice')],
  [5, exchange(2, 'x2a', day(5))],
  [6, exchange(3, 'x3c', day(6))],
  [8, (now) => run(thirdPartyDecider, streams.thirdParty(thirdPartyId(3)), { type: 'AssignThirdPartyOwner', data: { thirdPartyId: thirdPartyId(3), ownerId: 'bob' } }, now)],
  [8, convert(7, null)],
  [10, exchange(6, 'x6a', day(10))],
  [10, record(6, 'QUOTE', 'q1', day(10))],
  [10, schedule(6, 'q1', day(10), [7, 14])],
  [11, record(6, 'QUOTE', 'q2', day(11))],
  [12, exchange(1, 'x1b', day(12))],
  [12, record(6, 'QUOTE', 'q3', day(12))],
  [12, schedule(6, 'q3', day(12), [7, 14])],
  [12, status('q2', 'ACCEPTED')],
  [13, record(6, 'QUOTE', 'q4', day(13))],
  [13, schedule(6, 'q4', day(13), [7, 14])],
  [14, convert(3, day(3))],
  [15, record(6, 'INVOICE', 'i1', day(15), day(30))],
  [15, schedule(6, 'i1', day(30), [1, 8])],
  [16, record(6, 'INVOICE', 'i2', day(16), day(46))],
  [17, send('q1', 1)],
  [19, send('q3', 1)],
  [19, status('q1', 'ACCEPTED')],
  [20, convert(1, day(2))],
  [20, send('q4', 1)],
  [20, status('i2', 'PAID')],
  [26, send('q3', 2)],
  [27, send('q4', 2)],
  [27, status('q3', 'ACCEPTED')],
  [30, (now) => run(thirdPartyDecider, streams.thirdParty(thirdPartyId(4)), { type: 'ArchiveThirdParty', data: { thirdPartyId: thirdPartyId(4), reason: null } }, now)],
  [31, send('i1', 1)],
  [33, status('i1', 'PAID')],
  [35, convert(2, day(5))],
  [40, exchange(1, 'x1c', day(40))],
  [40, status('q4', 'REFUSED')],
  [45, exchange(6, 'x6b', day(45))],
  [50, exchange(5, 'x5a', day(50))],
  [58, exchange(6, 'x6c', day(58))],
  [70, register(8, ['PROSPECT'], 'web', 'Paris', 'bob')],
];

const period: MetricsPeriod = { from: day(0), to: day(60) };
const now = { asOf: null, scope: null };
const tp = (n: number): string => thirdPartyId(n);
const stats = (count: number, medianDays: number | null, p75Days: number | null, meanDays: number | null) => ({ count, medianDays, p75Days, meanDays });
const group = (key: string | null, prospects: number, conversions: number, timeToConvert: ReturnType<typeof stats>, exchangesPerConversion: number | null) => ({
  key,
  prospects,
  conversions,
  conversionRate: prospects === 0 ? null : conversions / prospects,
  timeToConvert,
  exchangesPerConversion,
});

const catchUp = async (eventStore: SqliteEventStore, readStore = stores.readStore): Promise<void> => {
  const head = await eventStore.headPosition();
  const runner = new ProjectionRunner({ store: eventStore, readStore, codec: stores.codec, projections: [metricsProjection], logger: new RecordingLogger(), clock: { now: () => day(60) } });
  await runner.start();
  if (head !== null) await runner.waitFor(head);
  await runner.stop();
};

beforeAll(async () => {
  stores = openStores();
  const ordered = history.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry[0] - b.entry[0] || a.index - b.index);
  for (const { entry } of ordered) await entry[1](day(entry[0]));
  await catchUp(stores.eventStore);
  queries = await MetricsQueries.open(stores.readStore, stores.eventStore, stores.codec, () => day(60));
}, 60_000);

afterAll(async () => {
  await stores.close();
});

describe('conversion metrics over a known history', () => {
  it('counts conversions, conversion rate, time to convert and exchanges per conversion, in all', async () => {
    const metrics = await queries.conversionMetrics(now, period, 'OWNER');
    // In play: tp1, tp2, tp3, tp4, tp5, tp7 (tp6 never a prospect, tp8 registered after); converted: tp1, tp2, tp3, tp7.
    // Time to convert: 11, 18, 30 days (tp7 had no exchange); p75 = 18 + 0.5 × (30 − 18). Exchanges: 2 + 1 + 3 + 0.
    expect(metrics.total).toEqual(group(null, 6, 4, stats(3, 18, 24, 59 / 3), 6 / 4));
  });

  it.each<[MetricsGroupBy, ReturnType<typeof group>[]]>([
    [
      'OWNER',
      // tp3 converted while bob owned it: bob's conversion.
      [group('alice', 3, 2, stats(1, 18, 18, 18), 1), group('bob', 3, 2, stats(2, 20.5, 25.25, 20.5), 2)],
    ],
    ['SOURCE', [group('fair', 4, 3, stats(2, 14.5, 16.25, 14.5), 5 / 3), group('web', 2, 1, stats(1, 30, 30, 30), 1)]],
    ['TERRITORY', [group('Lyon', 4, 3, stats(2, 24, 27, 24), 1), group('Paris', 2, 1, stats(1, 11, 11, 11), 3)]],
  ])('breaks conversion down by %s', async (groupBy, groups) => {
    expect((await queries.conversionMetrics(now, period, groupBy)).groups).toEqual(groups);
  });

  it('counts in a period only the prospects still in play at its start', async () => {
    // From d15: tp3 (d14) and tp7 (d8) converted before; tp4, archived d30, was still in play.
    const metrics = await queries.conversionMetrics(now, { from: day(15), to: day(60) }, 'TERRITORY');
    expect(metrics.total).toEqual(group(null, 4, 2, stats(2, 24, 27, 24), 1.5));
    expect(metrics.groups.map((g) => [g.key, g.prospects, g.conversions])).toEqual([
      ['Lyon', 3, 2],
      ['Paris', 1, 0],
    ]);
  });

  it('lays out the pipeline: open, converted and lost prospects', async () => {
    const pipeline = await queries.prospectPipeline(now, 'TERRITORY');
    expect(pipeline.total).toEqual({ key: null, openProspects: 2, converted: 4, lost: 1 });
    expect(pipeline.groups).toEqual([
      { key: 'Lyon', openProspects: 1, converted: 3, lost: 0 },
      { key: 'Paris', openProspects: 1, converted: 1, lost: 1 },
    ]);
  });

  it('credits each accepted quote and paid invoice to the last reminder sent before it', async () => {
    const effect = await queries.followUpEffectiveness(now, period);
    expect(effect.quotes).toEqual({
      documents: 4,
      succeeded: 3,
      succeededWithoutReminder: 1,
      steps: [
        { step: 1, reminded: 3, succeeded: 1, rate: 1 / 3 },
        { step: 2, reminded: 2, succeeded: 1, rate: 1 / 2 },
      ],
    });
    expect(effect.invoices).toEqual({ documents: 2, succeeded: 2, succeededWithoutReminder: 1, steps: [{ step: 1, reminded: 1, succeeded: 1, rate: 1 }] });
    // Issued from d12: q3 and q4 only.
    expect((await queries.followUpEffectiveness(now, { from: day(12), to: day(14) })).quotes).toMatchObject({ documents: 2, succeeded: 1, succeededWithoutReminder: 0 });
  });

  it('sorts the third parties still in the relationship by days since their last contact', async () => {
    const distribution = await queries.lastContactDistribution(now);
    expect(distribution.at).toEqual(day(60));
    // tp4 is archived. tp1 d40, tp5 d50, tp6 d58 | tp2 d5, tp3 d6 | tp9 160 days | tp10 260 | tp11 380 | tp7, tp8 never.
    expect(distribution.total).toBe(10);
    expect(distribution.buckets).toEqual([
      { bucket: 'UNDER_30_DAYS', count: 3 },
      { bucket: 'DAYS_30_TO_90', count: 2 },
      { bucket: 'DAYS_90_TO_180', count: 1 },
      { bucket: 'DAYS_180_TO_365', count: 1 },
      { bucket: 'OVER_365_DAYS', count: 1 },
      { bucket: 'NEVER', count: 2 },
    ]);
  });

  it('ranks third parties by exchanges within the period', async () => {
    expect(await queries.exchangeFrequency(now, period)).toEqual([
      { thirdPartyId: tp(1), customer: true, exchanges: 3, perMonth: 1.5, firstExchangeAt: iso(2), lastExchangeAt: iso(40) },
      { thirdPartyId: tp(3), customer: true, exchanges: 3, perMonth: 1.5, firstExchangeAt: iso(3), lastExchangeAt: iso(6) },
      { thirdPartyId: tp(6), customer: true, exchanges: 3, perMonth: 1.5, firstExchangeAt: iso(10), lastExchangeAt: iso(58) },
      { thirdPartyId: tp(2), customer: true, exchanges: 1, perMonth: 0.5, firstExchangeAt: iso(5), lastExchangeAt: iso(5) },
      { thirdPartyId: tp(5), customer: false, exchanges: 1, perMonth: 0.5, firstExchangeAt: iso(50), lastExchangeAt: iso(50) },
    ]);
  });

  it('counts for a scoped user only the third parties of their scope', async () => {
    const bob = { asOf: null, scope: { userId: 'bob', territories: null, ownedOnly: true } };
    // bob owns tp2, tp3 (since d8), tp4, tp8; tp8 registered after the period.
    expect((await queries.conversionMetrics(bob, period, 'OWNER')).total).toEqual(group(null, 3, 2, stats(2, 20.5, 25.25, 20.5), 2));
    const paris = { asOf: null, scope: { userId: 'alice', territories: ['Paris'], ownedOnly: false } };
    expect((await queries.prospectPipeline(paris, 'SOURCE')).total).toEqual({ key: null, openProspects: 1, converted: 1, lost: 1 });
  });
});

describe('metrics as of an instant', () => {
  const asOf = new Date(day(25).getTime() + 12 * 3_600_000);

  it('count only what Suivi knew then', async () => {
    const then = { asOf, scope: null };
    // On d25: tp2 not converted yet (d35), tp4 not archived yet (d30), tp8 not registered.
    expect((await queries.conversionMetrics(then, period, 'OWNER')).total).toEqual(group(null, 6, 3, stats(2, 14.5, 16.25, 14.5), 5 / 3));
    expect((await queries.prospectPipeline(then, 'OWNER')).total).toEqual({ key: null, openProspects: 3, converted: 3, lost: 0 });
    // No second reminder sent yet (d26 is q3's), nor q3's acceptance (d27).
    expect((await queries.followUpEffectiveness(then, period)).quotes).toEqual({
      documents: 4,
      succeeded: 2,
      succeededWithoutReminder: 1,
      steps: [{ step: 1, reminded: 3, succeeded: 1, rate: 1 / 3 }],
    });
    // From asOf: tp1 d12, tp2 d5, tp3 d6, tp6 d10 | tp9 125.5 days | tp10, tp11 225.5, 345.5 | tp4, tp5 (d50 not logged yet), tp7; no tp8.
    const distribution = await queries.lastContactDistribution(then);
    expect(distribution.at).toEqual(asOf);
    expect(distribution.buckets).toEqual([
      { bucket: 'UNDER_30_DAYS', count: 4 },
      { bucket: 'DAYS_30_TO_90', count: 0 },
      { bucket: 'DAYS_90_TO_180', count: 1 },
      { bucket: 'DAYS_180_TO_365', count: 2 },
      { bucket: 'OVER_365_DAYS', count: 0 },
      { bucket: 'NEVER', count: 3 },
    ]);
  });

  it.each([10, 25.5, 33, 60, 80])('equal, on day %s, the metrics of a store truncated there', async (at) => {
    const instant = day(at);
    const copy = SqliteEventStore.open({ file: path.join(stores.dir, `truncated-${at}.sqlite`), pollIntervalMs: 10 });
    const readStore = stores.openReadStore(`truncated-read-${at}.sqlite`);
    try {
      for await (const page of logPrefix(stores.eventStore, instant, 7)) {
        for (const stored of page) {
          await copy.append(stored.streamName, [{ eventId: stored.eventId, type: stored.type, data: stored.data, metadata: stored.metadata }], 'any');
        }
      }
      await catchUp(copy, readStore);
      const truncated = await MetricsQueries.open(readStore, copy, stores.codec, () => instant);
      const replayed = metricsBase(await replayMetricsFacts(stores.eventStore, stores.codec, { asOf: instant, pageSize: 5 }), null);
      const live = metricsBase(await truncated.currentFacts(), null);
      const all = (facts: MetricsFactsEntry[]) => ({
        conversion: (['OWNER', 'SOURCE', 'TERRITORY'] as const).map((by) => conversionMetrics(facts, period, by)),
        pipeline: (['OWNER', 'SOURCE', 'TERRITORY'] as const).map((by) => prospectPipeline(facts, by)),
        followUps: followUpEffectiveness(facts, period),
        lastContact: lastContactDistribution(facts, instant),
        frequency: exchangeFrequency(facts, period),
      });
      expect(all(replayed)).toEqual(all(live));
      // Not vacuous: the metrics do change along the history.
      if (at === 25.5) expect(all(replayed).conversion[0]!.total.conversions).toBe(3);
    } finally {
      await copy.close();
    }
  });
});
