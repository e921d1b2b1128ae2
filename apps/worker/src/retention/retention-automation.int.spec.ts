import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type CommandContext, type Message, type RetentionConfig, type ThirdPartyRole } from '#domain';
import { CachedSubjectKeyStore, SqliteEventStore, SqliteSubjectKeyStore, type EventCodec } from '#event-store';
import { createCodec, FixedClock } from '#platform';
import { DirectoryQueries, directoryProjection, ProjectionRunner, RetentionQueueQueries, retentionQueueProjection } from '#projections';
import { SqliteReadStore } from '#read-store';
import { DataSubjectErasure, type ForgetInput } from '#security';
import { exchangeLogged, registered } from '../../../../libs/projections/src/testing/relationship-fixtures.js';
import { appendEvents, RecordingLogger, sequentialIds } from '../../../../libs/projections/src/testing/third-party-fixtures.js';
import { RetentionAutomation, type RetentionRunReport } from './retention-automation.js';
import { erasureProposalId, RetentionReviews } from './retention-reviews.js';

const config: RetentionConfig = {
  policies: [
    { name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' },
    { name: 'former-customers', appliesTo: 'FORMER_CUSTOMERS', afterMonths: 60, mode: 'APPROVAL' },
  ],
  runEvery: 'PT24H',
  runEveryMs: 86_400_000,
};

/** The automation over real SQLite stores, with a clock that moves only when told. */
describe('the retention automation', () => {
  const clock = new FixedClock(new Date('2026-03-02T09:30:00.000Z'));
  const ids = sequentialIds(7);
  let dir: string;
  let store: SqliteEventStore;
  let readStore: SqliteReadStore;
  let codec: EventCodec;
  let runner: ProjectionRunner;
  let directory: DirectoryQueries;
  let queue: RetentionQueueQueries;
  let erasure: DataSubjectErasure;
  let reviews: RetentionReviews;
  let failFor: Set<string>;
  let inFlight = 0;
  let mostInFlight = 0;
  const logger = new RecordingLogger();

  const automation = (): RetentionAutomation =>
    new RetentionAutomation({
      config,
      reviews,
      // The real erasure, made to fail for chosen subjects, and watched for overlapping runs.
      erasure: {
        forget: async (input: ForgetInput, context: CommandContext) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          try {
            if (failFor.has(input.subject.id)) throw new Error('key store unavailable');
            return await erasure.forget(input, context);
          } finally {
            inFlight -= 1;
          }
        },
      },
      directory,
      queue,
      store,
      checkpoints: readStore.checkpoints,
      clock,
      ids,
      logger,
    });

  const append = (events: Message[], at = '2026-03-01T08:00:00.000Z'): Promise<bigint> =>
    Promise.all(events.map((event) => appendEvents({ eventStore: store, codec, ids }, streamOf(event), [event], { occurredAt: at }))).then(
      (positions) => positions.reduce((a, b) => (a > b ? a : b)),
    );
  const streamOf = (event: Message): string => {
    const data = event.data as { thirdPartyId: string; exchangeId?: string };
    return event.type === 'ExchangeLogged' ? streams.exchange(data.exchangeId!) : streams.thirdParty(data.thirdPartyId);
  };
  const thirdParty = (id: string, name: string, roles: ThirdPartyRole[], registeredAt: string) =>
    registered({ thirdPartyId: id, name, roles, registeredAt, prospectStatus: null });
  let exchanges = 0;
  const contacted = (thirdPartyId: string, occurredAt: string) => {
    exchanges += 1;
    return exchangeLogged({ exchangeId: `ex-${exchanges}`, thirdPartyId, contactIds: [], occurredAt });
  };
  const stepsOf = (report: RetentionRunReport, thirdPartyId: string) =>
    report.steps.filter((step) => step.thirdPartyId === thirdPartyId).map((step) => `${step.action} ${step.outcome}`);
  const rejectContext = (): CommandContext => ({ actorId: 'user-dpo', now: clock.now(), commandId: 'cmd-reject', correlationId: 'cmd-reject', causationId: null, source: 'api' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-retention-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    readStore = SqliteReadStore.open({ file: path.join(dir, 'read.sqlite') });
    const keys = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: path.join(dir, 'keys.sqlite') }));
    codec = createCodec(keys);
    runner = new ProjectionRunner({ store, readStore, codec, clock, projections: [directoryProjection, retentionQueueProjection], logger: new RecordingLogger() });
    await runner.start();
    directory = await DirectoryQueries.open(readStore);
    queue = await RetentionQueueQueries.open(readStore);
    erasure = new DataSubjectErasure({ store, codec, ids, keys, clock, projections: [directoryProjection] });
    reviews = new RetentionReviews({ store, codec, ids, erasure, directory });
    failFor = new Set();

    await append([
      // Never contacted, registered five years ago: its registration counts.
      thirdParty('tp-silent', 'Prospect Silent', ['PROSPECT'], '2021-01-04T09:00:00.000Z'),
      // Registered long ago, contacted last year.
      thirdParty('tp-active', 'Prospect Active', ['PROSPECT'], '2019-01-04T09:00:00.000Z'),
      // Registered recently, with a history dated long before: its own dates count.
      thirdParty('tp-imported', 'Prospect Imported', ['PROSPECT'], '2026-02-01T09:00:00.000Z'),
      // Also a supplier: never a candidate.
      thirdParty('tp-supplier', 'Prospect Supplier', ['PROSPECT', 'SUPPLIER'], '2018-01-04T09:00:00.000Z'),
      // Inactive for three years and three months on 2026-06-01, not yet on 2026-03-02.
      thirdParty('tp-later', 'Prospect Later', ['PROSPECT'], '2023-05-01T09:00:00.000Z'),
      thirdParty('tp-customer', 'Customer Old', ['CUSTOMER'], '2015-01-04T09:00:00.000Z'),
      thirdParty('tp-kept', 'Customer Kept', ['CUSTOMER'], '2015-01-04T09:00:00.000Z'),
      thirdParty('tp-back', 'Customer Back', ['PROSPECT', 'CUSTOMER'], '2015-01-04T09:00:00.000Z'),
    ]);
    await append([
      contacted('tp-active', '2025-05-01T10:00:00.000Z'),
      contacted('tp-imported', '2019-06-01T10:00:00.000Z'),
      contacted('tp-customer', '2019-01-01T10:00:00.000Z'),
      contacted('tp-kept', '2020-01-01T10:00:00.000Z'),
      contacted('tp-back', '2020-02-01T10:00:00.000Z'),
    ]);
  });

  afterAll(async () => {
    await runner.stop();
    await codec.close();
    await readStore.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists candidates through the directory and says what it would do, writing nothing, in a dry run', async () => {
    const head = await store.headPosition();
    const report = await automation().run({ dryRun: true });
    expect(await store.headPosition()).toBe(head);
    expect(report.steps.map((step) => `${step.policy} ${step.action} ${step.thirdPartyId} ${step.outcome}`).sort()).toEqual([
      'former-customers propose tp-back planned',
      'former-customers propose tp-customer planned',
      'former-customers propose tp-kept planned',
      'inactive-prospects forget tp-imported planned',
      'inactive-prospects forget tp-silent planned',
    ]);
    expect(report.policies.map((policy) => [policy.policy, policy.cutoff, policy.candidates, policy.planned])).toEqual([
      ['inactive-prospects', '2023-03-02T09:30:00.000Z', 2, 2],
      ['former-customers', '2021-03-02T09:30:00.000Z', 3, 3],
    ]);
  });

  it('forgets (AUTOMATIC) and proposes (APPROVAL); a failing subject does not stop the others, and is retried next run', async () => {
    failFor = new Set(['tp-silent']);
    const report = await automation().run();
    expect(stepsOf(report, 'tp-silent')).toEqual(['forget failed']);
    expect(report.steps.find((step) => step.thirdPartyId === 'tp-silent')?.error).toBe('key store unavailable');
    expect(logger.lines.some((line) => line.level === 'warn' && line.message.includes('tp-silent') && line.message.includes('retried next run'))).toBe(true);
    expect(stepsOf(report, 'tp-imported')).toEqual(['forget done']);
    expect(stepsOf(report, 'tp-customer')).toEqual(['propose done']);
    expect(report.policies[0]).toMatchObject({ candidates: 2, forgotten: 1, failed: 1 });
    expect(report.policies[1]).toMatchObject({ candidates: 3, proposed: 3, failed: 0 });
    expect(logger.lines.map((line) => line.message)).toContain(
      'retention inactive-prospects (AUTOMATIC, 36 months, inactive since before 2023-03-02T09:30:00.000Z): 2 candidates, 1 forgotten, 0 unchanged, 1 failed',
    );
    expect(await erasure.certificate({ kind: 'thirdParty', id: 'tp-imported' })).toMatchObject({
      reason: 'RETENTION_POLICY',
      reference: 'inactive-prospects',
      forgottenBy: 'automation',
    });
    expect(await erasure.certificate({ kind: 'thirdParty', id: 'tp-active' })).toBeNull();
    expect(await erasure.certificate({ kind: 'thirdParty', id: 'tp-customer' })).toBeNull();

    failFor = new Set();
    const retried = await automation().run();
    expect(stepsOf(retried, 'tp-silent')).toEqual(['forget done']);
    // Forgotten subjects are no longer candidates; pending proposals are not proposed twice.
    expect(stepsOf(retried, 'tp-imported')).toEqual([]);
    expect(stepsOf(retried, 'tp-customer')).toEqual(['propose unchanged']);
    await runner.waitFor((await store.headPosition())!);
    expect((await queue.list({ first: 10 })).items.map((item) => item.doc.thirdPartyId).sort()).toEqual(['tp-back', 'tp-customer', 'tp-kept']);
  });

  it('records every step as the automation, source automation', async () => {
    const events = await store.readStream(streams.retentionReview(erasureProposalId('former-customers', 'tp-customer')));
    expect(events.map((event) => [event.type, event.metadata.actorId, event.metadata.source])).toEqual([['ErasureProposed', 'automation', 'automation']]);
  });

  it('withdraws a proposal whose third party had a newer interaction; does not propose a rejected one again until then', async () => {
    await reviews.reject(erasureProposalId('former-customers', 'tp-kept'), 'Renewal under negotiation', rejectContext());
    await append([contacted('tp-back', '2026-02-20T10:00:00.000Z')]);
    const report = await automation().run();
    expect(stepsOf(report, 'tp-back')).toEqual(['withdraw done']);
    expect(stepsOf(report, 'tp-kept')).toEqual(['propose unchanged']);
    expect(report.withdrawn).toBe(1);

    // A newer interaction, backdated so that it is still past the policy: proposed again.
    await append([contacted('tp-kept', '2020-06-01T10:00:00.000Z')]);
    const next = await automation().run();
    expect(stepsOf(next, 'tp-kept')).toEqual(['propose done']);
    await runner.waitFor((await store.headPosition())!);
    expect((await queue.get(erasureProposalId('former-customers', 'tp-kept')))?.lastInteractionAt).toBe('2020-06-01T10:00:00.000Z');
    expect((await queue.get(erasureProposalId('former-customers', 'tp-back')))?.status).toBe('WITHDRAWN');
  });

  it('refuses to approve a proposal whose third party was contacted since', async () => {
    const proposalId = erasureProposalId('former-customers', 'tp-customer');
    await runner.waitFor(await append([contacted('tp-customer', '2026-01-10T10:00:00.000Z')]));
    await expect(reviews.approve(proposalId, rejectContext())).rejects.toThrow(/has had an interaction \(2026-01-10T10:00:00.000Z\) since it was proposed/);
    expect(await erasure.certificate({ kind: 'thirdParty', id: 'tp-customer' })).toBeNull();
  });

  it('finds a third party once enough time has passed, and never runs twice at once', async () => {
    clock.set(new Date('2026-08-01T00:00:00.000Z'));
    const retention = automation();
    mostInFlight = 0;
    const [first, second] = await Promise.all([retention.run(), retention.run()]);
    expect(stepsOf(first, 'tp-later')).toEqual(['forget done']);
    expect(stepsOf(second, 'tp-later')).toEqual([]);
    expect(mostInFlight).toBe(1);
  });
});
