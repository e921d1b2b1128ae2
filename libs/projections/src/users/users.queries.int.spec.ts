import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type GroupCreated, type UserEvent } from '#domain';
import { EventCodec, SqliteEventStore } from '#event-store';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { readStoreBackends, type OpenedReadStore } from '../../../read-store/src/testing/read-store-backends.js';
import { appendEvents, fixedClock, RecordingLogger, sequentialIds } from '../testing/third-party-fixtures.js';
import { groupsProjection } from './groups.projection.js';
import { GroupQueries, UserQueries } from './users.queries.js';
import { usersProjection } from './users.projection.js';

const at = { occurredAt: '2026-03-02T09:30:00.000Z' };
const HASH = '$scrypt$ln=15,r=8,p=1$c2FsdA$ZGlnZXN0';

const group = (groupId: string, code: string, name: string): GroupCreated => ({
  type: 'GroupCreated',
  data: { groupId, code, name, permissions: ['thirdParties.read'], createdAt: at.occurredAt },
});

const userEvents = (userId: string, login: string, tokenIds: string[]): UserEvent[] => [
  { type: 'UserCreated', data: { userId, login, displayName: login.toUpperCase(), email: null, createdAt: at.occurredAt } },
  { type: 'UserAddedToGroup', data: { userId, groupId: 'g-sales', groupCode: 'sales' } },
  ...tokenIds.map(
    (tokenId): UserEvent => ({
      type: 'ApiTokenIssued',
      data: { userId, tokenId, label: null, hash: `${HASH}-${tokenId}`, expiresAt: null, issuedAt: at.occurredAt },
    }),
  ),
];

describe.each(readStoreBackends())('users and groups read models (%s)', (_label, openReadStore) => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let opened: OpenedReadStore;
  let users: UserQueries;
  let groups: GroupQueries;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
    eventStore = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    opened = await openReadStore();
    const stores = { eventStore, codec: new EventCodec(), ids: sequentialIds() };
    await appendEvents(stores, streams.group('g-sales'), [group('g-sales', 'sales', 'Sales')], at);
    await appendEvents(stores, streams.group('g-admin'), [group('g-admin', 'admin', 'Administrators')], at);
    await appendEvents(stores, streams.user('u-2'), userEvents('u-2', 'zoe', ['t-3']), at);
    await appendEvents(stores, streams.user('u-1'), userEvents('u-1', 'claire', ['t-1', 't-2']), at);
    // More users than one page of the store, so the list and count cover paging.
    for (let n = 10; n < 115; n++) await appendEvents(stores, streams.user(`u-${n}`), userEvents(`u-${n}`, `user${n}`, []), at);
    const head = await appendEvents(
      stores,
      streams.user('u-1'),
      [{ type: 'ApiTokenRevoked', data: { userId: 'u-1', tokenId: 't-1', reason: null, revokedAt: at.occurredAt } }],
      at,
    );
    const runOnce = async (): Promise<void> => {
      const runner = new ProjectionRunner({
        store: eventStore,
        readStore: opened.readStore,
        codec: new EventCodec(),
        projections: [usersProjection, groupsProjection],
        logger: new RecordingLogger(),
        clock: fixedClock,
      });
      await runner.start();
      await runner.waitFor(head);
      await runner.stop();
    };
    await runOnce();
    // Applied twice: a rebuild from position 0 over the existing documents changes nothing.
    await opened.readStore.checkpoints.reset(usersProjection.name);
    await opened.readStore.checkpoints.reset(groupsProjection.name);
    await runOnce();
    users = await UserQueries.open(opened.readStore);
    groups = await GroupQueries.open(opened.readStore);
  });

  afterAll(async () => {
    await opened.cleanup();
    await eventStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a user by id and by login, with their groups and tokens', async () => {
    const claire = await users.get('u-1');
    expect(claire).toMatchObject({ id: 'u-1', login: 'claire', displayName: 'CLAIRE', disabled: false, groups: ['sales'], tokenIds: ['t-1', 't-2'] });
    expect(claire?.tokens.map((t) => [t.tokenId, t.revoked])).toEqual([
      ['t-1', true],
      ['t-2', false],
    ]);
    expect((await users.getByLogin('claire'))?.id).toBe('u-1');
    expect(await users.getByLogin('nobody')).toBeNull();
    expect(await users.get('u-0')).toBeNull();
  });

  it('finds the user a token was issued to, revoked or not', async () => {
    expect((await users.findByTokenId('t-2'))?.id).toBe('u-1');
    expect((await users.findByTokenId('t-1'))?.id).toBe('u-1');
    expect((await users.findByTokenId('t-3'))?.id).toBe('u-2');
    expect(await users.findByTokenId('t-9')).toBeNull();
  });

  it('lists users by login in pages and counts them', async () => {
    expect(await users.count()).toBe(107);
    const first = await users.list({ first: 100 });
    expect(first.totalCount).toBe(107);
    expect(first.items[0]?.doc.login).toBe('claire');
    expect(first.hasNextPage).toBe(true);
    const rest = await users.list({ first: 100, after: first.endCursor });
    expect(rest.items.map((item) => item.doc.login).at(-1)).toBe('zoe');
    expect(first.items.length + rest.items.length).toBe(107);
  });

  it('reads groups by code, all of them, and some in a given order', async () => {
    expect((await groups.getByCode('sales'))?.name).toBe('Sales');
    expect(await groups.getByCode('sailors')).toBeNull();
    expect((await groups.list()).map((g) => g.code)).toEqual(['admin', 'sales']);
    expect((await groups.byCodes(['sales', 'sailors', 'admin'])).map((g) => g.code)).toEqual(['sales', 'admin']);
    expect(await groups.byCodes([])).toEqual([]);
  });
});
