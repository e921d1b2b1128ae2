import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  defaultCatalogue,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type Decider,
  type Message,
  type RegisterThirdParty,
} from '#domain';
import { EventCodec } from './codec.js';
import { WrongExpectedRevision } from './event-store.port.js';
import { handleCommand, type CommandHandlerDeps } from './handle-command.js';
import { idempotentEventId, type IdGenerator } from './ids.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const THIRD_PARTY_ID = '3f0c1f57-8a43-4c5e-9a55-6c9f2f3b1a01';

const sequentialIds = (): IdGenerator => {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
};

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actorId: 'user-1',
  now: NOW,
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: null,
  source: 'api',
  ...overrides,
});

const register: RegisterThirdParty = {
  type: 'RegisterThirdParty',
  data: { thirdPartyId: THIRD_PARTY_ID, name: '  Acme Industries ', kind: 'COMPANY', roles: ['CUSTOMER', 'PROSPECT'], catalogue: defaultCatalogue },
};

type Incremented = Message<'Incremented', { n: number }>;
type Increment = Message<'Increment', Record<string, never>>;
const increment: Increment = { type: 'Increment', data: {} };

/** Appends one event per command whose content depends on the state it was decided on. */
const counter = (): Decider<number, Increment, Incremented> & { decisions: number } => {
  const decider = {
    decisions: 0,
    initialState: () => 0,
    evolve: (_state: number, event: Incremented) => event.data.n,
    decide: (_command: Increment, state: number): Incremented[] => {
      decider.decisions += 1;
      return [{ type: 'Incremented', data: { n: state + 1 } }];
    },
  };
  return decider;
};

describe('handleCommand on the SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let deps: CommandHandlerDeps;
  const stream = streams.thirdParty(THIRD_PARTY_ID);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite') });
    deps = { store, codec: new EventCodec(), ids: sequentialIds() };
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const wholeLog = async () => (await store.readAll({ after: null, maxCount: 1000 })).events;

  it('registers a third party: one event with the full metadata envelope', async () => {
    const result = await handleCommand(deps, thirdPartyDecider, stream, register, context({ causationId: 'cause-1' }));

    const [stored, ...rest] = await store.readStream(stream);
    expect(rest).toEqual([]);
    expect(stored).toMatchObject({
      eventId: '00000000-0000-4000-8000-000000000001',
      type: 'ThirdPartyRegistered',
      streamName: 'thirdParty-3f0c1f57-8a43-4c5e-9a55-6c9f2f3b1a01',
      revision: 0n,
      position: 1n,
      data: {
        thirdPartyId: THIRD_PARTY_ID,
        name: 'Acme Industries',
        kind: 'COMPANY',
        roles: ['PROSPECT', 'CUSTOMER'],
        registeredAt: '2026-05-04T10:00:00.000Z',
      },
    });
    expect(stored!.metadata).toEqual({
      actorId: 'user-1',
      occurredAt: '2026-05-04T10:00:00.000Z',
      commandId: 'cmd-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      source: 'api',
      schemaVersion: 1,
    });
    expect(result).toMatchObject({ revision: 0n, position: 1n, replayed: false, state: { status: 'active', profile: { name: 'Acme Industries' } } });
    expect(result.events).toHaveLength(1);
    const { recordedAt: _ignored, ...returned } = result.events[0]!;
    const { recordedAt: _ignoredToo, ...decoded } = deps.codec.decode(stored!);
    expect(returned).toEqual(decoded);
  });

  it('replays a retried command (same key, same actor): same position, one event in the log', async () => {
    const keyed = context({ idempotencyKey: 'form-submit-1' });
    const first = await handleCommand(deps, thirdPartyDecider, stream, register, keyed);
    const again = await handleCommand(deps, thirdPartyDecider, stream, register, { ...keyed, commandId: 'cmd-2' });

    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.position).toBe(first.position);
    expect(again.revision).toBe(0n);
    expect(again.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(first.events[0]!.eventId).toBe(idempotentEventId(`user-1\u0000form-submit-1`, stream, 0));
    expect(await wholeLog()).toHaveLength(1);
  });

  it('50 concurrent calls with one key append exactly one event and all report its position', async () => {
    const keyed = context({ idempotencyKey: 'double-click' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        handleCommand(deps, thirdPartyDecider, stream, register, { ...keyed, commandId: `cmd-${i}` }),
      ),
    );

    expect(await store.readStream(stream)).toHaveLength(1);
    expect(await wholeLog()).toHaveLength(1);
    expect(new Set(results.map((r) => r.position))).toEqual(new Set([1n]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results.filter((r) => r.replayed)).toHaveLength(49);
  });

  it('treats the same key from another actor as a different command', async () => {
    const decider = counter();
    const counterStream = 'counter-1';
    const a = await handleCommand(deps, decider, counterStream, increment, context({ actorId: 'alice', idempotencyKey: 'k' }));
    const aAgain = await handleCommand(deps, decider, counterStream, increment, context({ actorId: 'alice', idempotencyKey: 'k' }));
    const b = await handleCommand(deps, decider, counterStream, increment, context({ actorId: 'bob', idempotencyKey: 'k' }));

    expect([a.replayed, aAgain.replayed, b.replayed]).toEqual([false, true, false]);
    expect(b.events[0]!.eventId).not.toBe(a.events[0]!.eventId);
    const events = await store.readStream(counterStream);
    expect(events.map((e) => [e.metadata['actorId'], e.data])).toEqual([
      ['alice', { n: 1 }],
      ['bob', { n: 2 }],
    ]);
  });

  it('reports a stale explicit expectedRevision as WrongExpectedRevision and appends nothing', async () => {
    await handleCommand(deps, thirdPartyDecider, stream, register, context());
    const decider = counter();
    const counterStream = 'counter-2';
    await handleCommand(deps, decider, counterStream, increment, context());

    const error = await handleCommand(deps, decider, counterStream, increment, context(), { expectedRevision: 3n }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongExpectedRevision);
    expect(error).toMatchObject({ streamName: counterStream, expected: 3n, actual: 0n });
    expect(await store.readStream(counterStream)).toHaveLength(1);

    const ok = await handleCommand(deps, decider, counterStream, increment, context(), { expectedRevision: 0n });
    expect(ok.revision).toBe(1n);
  });

  it('never re-decides when the client gave an expectedRevision and lost a race', async () => {
    const decider = counter();
    const counterStream = 'counter-3';
    await handleCommand(deps, decider, counterStream, increment, context());

    const outcomes = await Promise.allSettled([
      handleCommand(deps, decider, counterStream, increment, context(), { expectedRevision: 0n }),
      handleCommand(deps, decider, counterStream, increment, context(), { expectedRevision: 0n }),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(WrongExpectedRevision);
    expect(lost.reason).toMatchObject({ expected: 0n, actual: 1n });
    expect(decider.decisions).toBe(3);
    expect(await store.readStream(counterStream)).toHaveLength(2);
  });

  it('re-decides on a conflict when no expectedRevision was given: both commands land', async () => {
    const decider = counter();
    const counterStream = 'counter-4';

    const [first, second] = await Promise.all([
      handleCommand(deps, decider, counterStream, increment, context({ commandId: 'c-1' })),
      handleCommand(deps, decider, counterStream, increment, context({ commandId: 'c-2' })),
    ]);

    // Both decided on the empty stream; the loser re-read and decided again on n = 1.
    expect(decider.decisions).toBe(3);
    const events = await store.readStream(counterStream);
    expect(events.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect([first.revision, second.revision].sort()).toEqual([0n, 1n]);
    expect(first.replayed || second.replayed).toBe(false);
  });
});
