import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainRuleViolated, InvalidInput, NotFound, permissions } from '#domain';
import { GroupQueries, usersProjection } from '#projections';
import { readStoreBackends } from '../../read-store/src/testing/read-store-backends.js';
import { generateApiToken, verifyApiTokenHash } from './api-token.js';
import { groupIdForCode, userIdForLogin } from './access-ids.js';
import { Authenticator } from './authenticator.js';
import { bootstrapAdministrator, type BootstrapOptions } from './bootstrap.js';
import { contextAt, counter, openAccessStores, type AccessStores } from './testing/access-stores.js';
import { UserAdministration } from './user-administration.js';
import { Viewer } from './viewer.js';

const T0 = new Date('2026-03-02T09:30:00.000Z');

/** A clock the test moves. */
const movableClock = () => {
  let now = T0.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};

/** The slow verification, counted. */
const countedVerify = () => {
  const calls: string[] = [];
  return {
    calls,
    verify: async (token: string, hash: string) => {
      calls.push(token);
      return verifyApiTokenHash(token, hash);
    },
  };
};

describe.each(readStoreBackends())('authentication with API tokens (%s read store)', (_label, openReadStore) => {
  let stores: AccessStores;
  let claireId: string;

  beforeAll(async () => {
    stores = await openAccessStores(openReadStore);
    await stores.administration.createGroup({ code: 'sales', name: 'Sales', permissions: ['thirdParties.read'] }, contextAt(T0));
    const created = await stores.administration.createUser(
      { login: 'Claire', displayName: 'Claire Martin', email: 'claire@example.fr', groupCodes: ['sales'] },
      contextAt(T0),
    );
    claireId = created.state.userId;
    await stores.runner.waitFor(created.position);
  });
  afterAll(async () => {
    await stores.close();
  });

  const issue = async (options: { expiresAt?: string; userId?: string } = {}) => {
    const issued = await stores.administration.issueApiToken({ userId: options.userId ?? claireId, label: 'test', expiresAt: options.expiresAt ?? null }, contextAt(T0));
    await stores.runner.waitFor(issued.position);
    return { token: issued.token!, tokenId: issued.tokenId, position: issued.position };
  };

  const authenticator = (clock = movableClock(), cacheTtlMs = 60_000, verify = countedVerify()) =>
    ({ clock, verify, auth: new Authenticator(stores.users, { cacheTtlMs, clock, verify: verify.verify }) });

  it('derives the user id from the lower-cased login', () => {
    expect(claireId).toBe(userIdForLogin('claire'));
  });

  it('knows the user of a valid token: id, login, display name and groups', async () => {
    const { token, tokenId } = await issue();
    const { auth } = authenticator();
    expect(await auth.authenticate(token)).toMatchObject({
      userId: claireId,
      login: 'claire',
      displayName: 'Claire Martin',
      groups: ['sales'],
      tokenId,
    });
  });

  it('refuses no token, a malformed one, an unknown one and a wrong secret, without a slow hash for the unknown', async () => {
    const { token } = await issue();
    const { auth, verify } = authenticator();
    const wrongSecret = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await auth.authenticate(null)).toBeNull();
    expect(await auth.authenticate('not-a-token')).toBeNull();
    expect(await auth.authenticate(generateApiToken().token)).toBeNull();
    expect(verify.calls).toHaveLength(0);
    expect(await auth.authenticate(wrongSecret)).toBeNull();
    expect(verify.calls).toEqual([wrongSecret]);
    expect(await auth.authenticate(token)).not.toBeNull();
  });

  it('verifies the slow hash once per token while the cache remembers it, and again after the TTL', async () => {
    const { token } = await issue();
    const { auth, verify, clock } = authenticator(movableClock(), 60_000);
    await Promise.all([auth.authenticate(token), auth.authenticate(token), auth.authenticate(token)]);
    expect(verify.calls).toHaveLength(1);
    clock.advance(59_999);
    expect(await auth.authenticate(token)).not.toBeNull();
    expect(verify.calls).toHaveLength(1);
    clock.advance(1);
    expect(await auth.authenticate(token)).not.toBeNull();
    expect(verify.calls).toHaveLength(2);
  });

  it('verifies every time with a TTL of 0, and remembers a bounded number of tokens', async () => {
    const { token } = await issue();
    const uncached = authenticator(movableClock(), 0);
    await uncached.auth.authenticate(token);
    await uncached.auth.authenticate(token);
    expect(uncached.verify.calls).toHaveLength(2);
    expect(uncached.auth.cacheSize).toBe(0);

    const tokens = [await issue(), await issue(), await issue()];
    const bounded = new Authenticator(stores.users, { cacheTtlMs: 60_000, cacheMaxEntries: 2, clock: movableClock() });
    for (const { token: t } of tokens) expect(await bounded.authenticate(t)).not.toBeNull();
    expect(bounded.cacheSize).toBe(2);
  });

  it('refuses a revoked token at once, even while its verification is remembered', async () => {
    const { token, tokenId } = await issue();
    const { auth } = authenticator();
    expect(await auth.authenticate(token)).not.toBeNull();
    const revoked = await stores.administration.revokeApiToken({ tokenId, reason: 'lost' }, contextAt(T0));
    await stores.runner.waitFor(revoked.position);
    expect(await auth.authenticate(token)).toBeNull();
    expect(await authenticator().auth.authenticate(token)).toBeNull();
  });

  it('refuses a token once it has expired', async () => {
    const { token } = await issue({ expiresAt: '2026-03-02T10:30:00Z' });
    const { auth, clock } = authenticator();
    expect(await auth.authenticate(token)).not.toBeNull();
    clock.advance(60 * 60 * 1000 - 1);
    expect(await auth.authenticate(token)).not.toBeNull();
    clock.advance(1);
    expect(await auth.authenticate(token)).toBeNull();
  });

  it('refuses every token of a disabled user until they are enabled again', async () => {
    const created = await stores.administration.createUser({ login: 'paul', groupCodes: [] }, contextAt(T0));
    const paul = created.state.userId;
    const { token } = await issue({ userId: paul });
    const { auth } = authenticator();
    expect(await auth.authenticate(token)).toMatchObject({ login: 'paul', displayName: 'paul', groups: [] });
    await stores.runner.waitFor((await stores.administration.disableUser({ userId: paul, reason: 'left' }, contextAt(T0))).position);
    expect(await auth.authenticate(token)).toBeNull();
    await stores.runner.waitFor((await stores.administration.enableUser({ userId: paul }, contextAt(T0))).position);
    expect(await auth.authenticate(token)).not.toBeNull();
  });

  it('limits a user to territories or to what they own, from the next request on', async () => {
    const created = await stores.administration.createUser({ login: 'lea', groupCodes: ['sales'] }, contextAt(T0));
    const lea = created.state.userId;
    const { token } = await issue({ userId: lea });
    const { auth } = authenticator();
    expect((await auth.authenticate(token))?.user.scope).toBeNull();

    const limited = await stores.administration.setScope({ userId: lea, territories: [' Nord', 'Sud', 'Nord'], ownedOnly: true }, contextAt(T0));
    expect(limited).toMatchObject({ changed: true, state: { scope: { territories: ['Nord', 'Sud'], ownedOnly: true } } });
    await stores.runner.waitFor(limited.position);
    expect((await auth.authenticate(token))?.user.scope).toEqual({ territories: ['Nord', 'Sud'], ownedOnly: true });

    const again = await stores.administration.setScope({ userId: lea, territories: ['Sud', 'Nord'], ownedOnly: true }, contextAt(T0));
    expect(again).toMatchObject({ changed: false, position: limited.position });

    const lifted = await stores.administration.setScope({ userId: lea, territories: null, ownedOnly: false }, contextAt(T0));
    await stores.runner.waitFor(lifted.position);
    expect((await auth.authenticate(token))?.user.scope).toBeNull();

    await expect(stores.administration.setScope({ userId: lea, territories: [], ownedOnly: false }, contextAt(T0))).rejects.toMatchObject({
      field: 'territories',
    });
    await expect(
      stores.administration.setScope({ userId: userIdForLogin('nobody'), territories: null, ownedOnly: true }, contextAt(T0)),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it("changes a group's permissions: its members hold the new ones once the groups read model has applied the change", async () => {
    const groups = await GroupQueries.open(stores.opened.readStore);
    await stores.administration.createGroup({ code: 'support', name: 'Support', permissions: ['thirdParties.read'] }, contextAt(T0));
    const created = await stores.administration.createUser({ login: 'sam', groupCodes: ['support'] }, contextAt(T0));
    const { token } = await issue({ userId: created.state.userId });
    const { auth } = authenticator();
    const viewer = async () => Viewer.of((await auth.authenticate(token))!, await groups.byCodes(['support']));
    expect((await viewer()).can('auditJournal.read')).toBe(false);

    const granted = await stores.administration.changeGroupPermissions(
      { code: ' Support', permissions: ['auditJournal.read', 'thirdParties.read', 'auditJournal.read'] },
      contextAt(T0),
    );
    expect(granted).toMatchObject({ changed: true, state: { code: 'support', permissions: ['thirdParties.read', 'auditJournal.read'] } });
    await stores.runner.waitFor(granted.position);
    expect((await groups.getByCode('support'))?.permissions).toEqual(['thirdParties.read', 'auditJournal.read']);
    expect((await viewer()).can('auditJournal.read')).toBe(true);

    const again = await stores.administration.changeGroupPermissions({ code: 'support', permissions: ['auditJournal.read', 'thirdParties.read'] }, contextAt(T0));
    expect(again).toMatchObject({ changed: false, position: granted.position });

    const revoked = await stores.administration.changeGroupPermissions(
      { groupId: groupIdForCode('support'), permissions: ['thirdParties.read'] },
      contextAt(T0),
    );
    expect(revoked.changed).toBe(true);
    await stores.runner.waitFor(revoked.position);
    expect((await viewer()).can('auditJournal.read')).toBe(false);
    expect((await viewer()).can('thirdParties.read')).toBe(true);
  });

  it('grants and withdraws some permissions of a group, keeping the others', async () => {
    await stores.administration.createGroup({ code: 'billing', name: 'Billing', permissions: ['documents.read', 'notes.read'] }, contextAt(T0));
    const amended = await stores.administration.amendGroupPermissions(
      { code: 'Billing', add: ['documents.update', 'auditJournal.read'], remove: ['notes.read', 'contacts.read'] },
      contextAt(T0),
    );
    expect(amended).toMatchObject({ changed: true, state: { permissions: ['documents.read', 'documents.update', 'auditJournal.read'] } });
    const again = await stores.administration.amendGroupPermissions({ code: 'billing', add: ['documents.update'] }, contextAt(T0));
    expect(again).toMatchObject({ changed: false, position: amended.position });
    await expect(stores.administration.amendGroupPermissions({ code: 'billing', add: ['notes.fly'] }, contextAt(T0))).rejects.toMatchObject({
      field: 'add[0]',
    });
    await expect(
      stores.administration.amendGroupPermissions({ code: 'billing', add: ['notes.read'], remove: ['notes.read'] }, contextAt(T0)),
    ).rejects.toThrow('remove: notes.read is also to be added');
    await expect(stores.administration.amendGroupPermissions({ code: 'nobody', add: [] }, contextAt(T0))).rejects.toThrow('group nobody does not exist');
  });

  it('computes an amendment again when the group changed meanwhile, never overwriting that change', async () => {
    await stores.administration.createGroup({ code: 'racers', name: 'Racers', permissions: ['notes.read'] }, contextAt(T0));
    // The real store, but another administrator's change lands right after the amendment first reads the group.
    let interfere = true;
    const store = new Proxy(stores.eventStore, {
      get(target, property) {
        if (property === 'readStream') {
          return async (...args: Parameters<typeof target.readStream>) => {
            const events = await target.readStream(...args);
            if (interfere) {
              interfere = false;
              await stores.administration.changeGroupPermissions({ code: 'racers', permissions: ['notes.read', 'documents.read'] }, contextAt(T0));
            }
            return events;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const racing = new UserAdministration({ store, codec: stores.codec, ids: counter('race') });
    const amended = await racing.amendGroupPermissions({ code: 'racers', add: ['contacts.read'] }, contextAt(T0));
    expect(interfere).toBe(false);
    expect(amended.state.permissions).toEqual(['contacts.read', 'notes.read', 'documents.read']);
  });

  it('refuses an unknown group, by its code, an unknown permission, and withdrawing user administration from the admin group', async () => {
    const unknown = stores.administration.changeGroupPermissions({ code: 'Sailors', permissions: [] }, contextAt(T0));
    await expect(unknown).rejects.toBeInstanceOf(NotFound);
    await expect(unknown).rejects.toThrow('group sailors does not exist');
    await expect(stores.administration.changeGroupPermissions({ code: '1st', permissions: [] }, contextAt(T0))).rejects.toMatchObject({ field: 'code' });
    await expect(
      stores.administration.changeGroupPermissions({ code: 'sales', permissions: ['thirdParties.read', 'thirdParties.fly'] }, contextAt(T0)),
    ).rejects.toMatchObject({ field: 'permissions[1]' });
    await stores.administration.createGroup({ code: 'admin', name: 'Administrators', permissions: [...permissions] }, contextAt(T0));
    await expect(
      stores.administration.changeGroupPermissions({ code: 'admin', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') }, contextAt(T0)),
    ).rejects.toThrow(DomainRuleViolated);
    await expect(stores.administration.amendGroupPermissions({ code: 'admin', remove: ['admin.usersAndGroups'] }, contextAt(T0))).rejects.toThrow(
      DomainRuleViolated,
    );
    const kept = await stores.administration.changeGroupPermissions({ code: 'admin', permissions: ['admin.usersAndGroups'] }, contextAt(T0));
    expect(kept.state.permissions).toEqual(['admin.usersAndGroups']);
  });

  it('shows a token only once: a retried issue with the same idempotency key returns no token', async () => {
    const context = contextAt(T0, { idempotencyKey: 'laptop-token' });
    const first = await stores.administration.issueApiToken({ userId: claireId, label: 'laptop' }, context);
    const again = await stores.administration.issueApiToken({ userId: claireId, label: 'laptop' }, context);
    expect(first.token).not.toBeNull();
    expect(again).toMatchObject({ replayed: true, token: null, tokenId: first.tokenId, position: first.position });
  });

  it('refuses what the domain refuses, naming the field', async () => {
    await expect(stores.administration.createUser({ login: 'x y' }, contextAt(T0))).rejects.toMatchObject({ field: 'login' });
    await expect(stores.administration.createUser({ login: 'zoe', groupCodes: ['sales', 'sailors'] }, contextAt(T0))).rejects.toMatchObject({
      field: 'groupCodes[1]',
    });
    await expect(stores.administration.createUser({ login: 'claire' }, contextAt(T0))).rejects.toBeInstanceOf(DomainRuleViolated);
    await expect(stores.administration.addUserToGroup({ userId: claireId, groupCode: 'Sailors' }, contextAt(T0))).rejects.toMatchObject({
      field: 'groupCode',
      message: 'groupCode: no group with code sailors',
    });
    await expect(stores.administration.issueApiToken({ userId: userIdForLogin('nobody') }, contextAt(T0))).rejects.toBeInstanceOf(NotFound);
    await expect(stores.administration.revokeApiToken({ tokenId: 'ffffffffffffffffffffffff' }, contextAt(T0))).rejects.toBeInstanceOf(NotFound);
    await expect(stores.administration.createGroup({ code: '1st', name: 'First' }, contextAt(T0))).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe.each(readStoreBackends())('first-start bootstrap (%s read store)', (_label, openReadStore) => {
  const lines: string[] = [];
  const logger = { log: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };

  const bootstrap = (stores: AccessStores, adminToken: string | null): Promise<Awaited<ReturnType<typeof bootstrapAdministrator>>> => {
    const options: BootstrapOptions = {
      administration: stores.administration,
      store: stores.eventStore,
      users: stores.users,
      checkpoints: stores.opened.readStore.checkpoints,
      clock: { now: () => T0 },
      ids: counter('boot'),
      logger,
      adminToken,
      catchUpTimeoutMs: 10_000,
    };
    return bootstrapAdministrator(options);
  };

  it('creates the default groups and the administrator with the configured token, once', async () => {
    const stores = await openAccessStores(openReadStore);
    try {
      const { token } = generateApiToken();
      expect(await bootstrap(stores, token)).toMatchObject({ outcome: 'created', generatedToken: null });
      const admin = await new Authenticator(stores.users, { cacheTtlMs: 0, clock: { now: () => T0 } }).authenticate(token);
      expect(admin).toMatchObject({ userId: userIdForLogin('admin'), login: 'admin', groups: ['admin'] });
      const head = await stores.eventStore.headPosition();
      // 4 groups, the user and their membership, the token.
      expect(head).toBe(7n);
      expect(await bootstrap(stores, token)).toMatchObject({ outcome: 'users-exist' });
      expect(await bootstrap(stores, generateApiToken().token)).toMatchObject({ outcome: 'users-exist' });
      expect(await stores.eventStore.headPosition()).toBe(head);
      expect(lines.at(-1)).toMatch(/SUIVI_ADMIN_TOKEN is ignored/);
    } finally {
      await stores.close();
    }
  });

  it('accepts an opaque operator secret as the administrator token', async () => {
    const stores = await openAccessStores(openReadStore);
    try {
      const secret = 'an-operator-chosen-secret-of-40-characters';
      await bootstrap(stores, secret);
      expect(await new Authenticator(stores.users, { cacheTtlMs: 0, clock: { now: () => T0 } }).authenticate(secret)).toMatchObject({ login: 'admin' });
    } finally {
      await stores.close();
    }
  });

  it('draws a token and logs it once when none is configured, even when two processes start together', async () => {
    const stores = await openAccessStores(openReadStore);
    try {
      lines.length = 0;
      const results = await Promise.all([bootstrap(stores, null), bootstrap(stores, null)]);
      const drawn = results.map((r) => r.generatedToken).filter((t): t is string => t !== null);
      expect(drawn).toHaveLength(1);
      expect(lines.filter((line) => line.includes(drawn[0]!))).toHaveLength(1);
      expect(lines.join('\n')).toMatch(/shown only this once/);
      const admin = await stores.users.get(userIdForLogin('admin'));
      expect(admin?.tokens).toHaveLength(1);
      expect(await new Authenticator(stores.users, { cacheTtlMs: 0, clock: { now: () => T0 } }).authenticate(drawn[0]!)).toMatchObject({
        login: 'admin',
      });
      expect(await bootstrap(stores, null)).toMatchObject({ outcome: 'users-exist', generatedToken: null });
    } finally {
      await stores.close();
    }
  });

  it('creates nothing when a user exists already, even one that is not the administrator', async () => {
    const stores = await openAccessStores(openReadStore);
    try {
      const created = await stores.administration.createUser({ login: 'claire' }, contextAt(T0));
      await stores.runner.waitFor(created.position);
      expect(await bootstrap(stores, generateApiToken().token)).toMatchObject({ outcome: 'users-exist' });
      expect(await stores.eventStore.headPosition()).toBe(created.position);
    } finally {
      await stores.close();
    }
  });

  it('does nothing when the users read model does not catch up, rather than guess', async () => {
    const stores = await openAccessStores(openReadStore);
    try {
      const created = await stores.administration.createUser({ login: 'claire' }, contextAt(T0));
      await stores.runner.waitFor(created.position);
      await stores.runner.stop();
      await stores.opened.readStore.checkpoints.reset(usersProjection.name);
      const result = await bootstrapAdministrator({
        administration: stores.administration,
        store: stores.eventStore,
        users: stores.users,
        checkpoints: stores.opened.readStore.checkpoints,
        clock: { now: () => T0 },
        ids: counter('boot'),
        logger,
        adminToken: generateApiToken().token,
        catchUpTimeoutMs: 100,
      });
      expect(result.outcome).toBe('undecided');
      expect(await stores.eventStore.headPosition()).toBe(created.position);
    } finally {
      await stores.close();
    }
  });
});
