import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger, type LoggerService } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EventCodec, SqliteEventStore, type StoredEvent } from '#event-store';
import type { UserEntry } from '#projections';
import { Viewer } from '#security';
import { MAX_RECORDS_IN_FLIGHT, SecurityJournal, type Denial } from './security-journal.js';

const NOW = new Date('2026-11-23T23:59:59.500Z');
const clock = { now: () => NOW };

const claire = new Viewer(
  {
    userId: 'u-claire',
    login: 'claire',
    displayName: 'Claire',
    groups: ['sales'],
    tokenId: 't-1',
    user: { id: 'u-claire', groupIds: [], scope: null } as unknown as UserEntry,
  },
  [],
  null,
);

const request = (headers: Record<string, string> = {}, ip = '203.0.113.7') => ({ ip, headers }) as unknown as FastifyRequest;

const denial = (over: Partial<Denial> = {}): Denial => ({
  reason: 'forbidden',
  operation: 'Query.auditJournal',
  viewer: claire,
  request: request(),
  ...over,
});

describe('the security journal, on the SQLite event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let journal: SecurityJournal;
  let logged: { level: string; message: string }[];
  let n: number;

  const capture: LoggerService = {
    log: (message: unknown) => logged.push({ level: 'log', message: String(message) }),
    warn: (message: unknown) => logged.push({ level: 'warn', message: String(message) }),
    error: (message: unknown) => logged.push({ level: 'error', message: String(message) }),
  };

  const stored = async (): Promise<StoredEvent[]> => (await store.readAll({ after: null, maxCount: 1_000 })).events;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-security-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 5 });
    n = 0;
    journal = new SecurityJournal(store, new EventCodec(), clock, { next: () => `id-${(n += 1)}` });
    logged = [];
    Logger.overrideLogger(capture);
  });

  afterEach(async () => {
    Logger.overrideLogger(['error', 'warn']);
    await store.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('appends who, what, why, from where and when to the stream of the UTC day, with the correlation id sent', async () => {
    journal.record(denial({ request: request({ 'x-correlation-id': 'corr-42' }) }));
    journal.record(denial({ reason: 'unauthenticated', operation: 'POST /graphql', viewer: null, request: request({}, '') }));
    await journal.flush();
    const [forbidden, anonymous] = await stored();
    expect(forbidden).toMatchObject({
      streamName: 'security-2026-11-23',
      type: 'AccessDenied',
      data: { userId: 'u-claire', login: 'claire', operation: 'Query.auditJournal', reason: 'forbidden', address: '203.0.113.7', deniedAt: NOW.toISOString() },
      metadata: { actorId: 'u-claire', occurredAt: NOW.toISOString(), correlationId: 'corr-42', causationId: null, source: 'api' },
    });
    expect(anonymous).toMatchObject({
      streamName: 'security-2026-11-23',
      data: { userId: null, login: null, operation: 'POST /graphql', reason: 'unauthenticated', address: null },
      metadata: { actorId: 'anonymous', source: 'api' },
    });
    expect(anonymous?.metadata['correlationId']).toBe(anonymous?.metadata['commandId']);
  });

  it('records an operation refused several times in one request once, as one attempt', async () => {
    const listing = request();
    for (let i = 0; i < 3; i += 1) journal.record(denial({ operation: 'Exchange.thirdParty', request: listing }));
    journal.record(denial({ operation: 'Exchange.contacts', request: listing }));
    journal.record(denial({ operation: 'Exchange.thirdParty' }));
    await journal.flush();
    expect((await stored()).map((event) => (event.data as { operation: string }).operation)).toEqual([
      'Exchange.thirdParty',
      'Exchange.contacts',
      'Exchange.thirdParty',
    ]);
  });

  it('returns before anything is written: the refused request does not wait for the store', async () => {
    journal.record(denial());
    expect(await stored()).toHaveLength(0);
    await journal.flush();
    expect(await stored()).toHaveLength(1);
  });

  it(`writes at most ${MAX_RECORDS_IN_FLIGHT} at once, and drops the rest with one warning that counts them`, async () => {
    for (let i = 0; i < MAX_RECORDS_IN_FLIGHT + 50; i += 1) journal.record(denial({ viewer: null, reason: 'unauthenticated', request: request() }));
    await journal.flush();
    expect(await stored()).toHaveLength(MAX_RECORDS_IN_FLIGHT);
    expect(logged).toEqual([]);
    journal.record(denial());
    await journal.flush();
    expect(await stored()).toHaveLength(MAX_RECORDS_IN_FLIGHT + 1);
    await journal.onModuleDestroy();
    expect(logged).toEqual([{ level: 'warn', message: expect.stringMatching(/^50 denied attempt\(s\) not recorded in the security journal/) }]);
  });

  it('logs a failed write instead of failing, once with its cause and then as a count', async () => {
    await store.close();
    expect(() => journal.record(denial())).not.toThrow();
    journal.record(denial());
    journal.record(denial());
    await journal.flush();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', message: expect.stringContaining('could not record a denied attempt (forbidden Query.auditJournal)') });
    await journal.onModuleDestroy();
    expect(logged[1]).toEqual({ level: 'error', message: '2 more denied attempt(s) could not be recorded (see the first error above)' });
  });

  it('records nothing once the module is being destroyed, after writing what was begun', async () => {
    journal.record(denial());
    await journal.onModuleDestroy();
    expect(await stored()).toHaveLength(1);
    journal.record(denial());
    await journal.flush();
    expect(await stored()).toHaveLength(1);
  });
});
