import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import type { EventStore, StoredEvent } from '#event-store';
import { generateApiToken } from '#security';
import { SecurityJournal } from '../apps/api/src/auth/security-journal.js';
import { EVENT_STORE } from '../apps/api/src/infrastructure/tokens.js';
import { ADMIN_USER_ID, e2eBackends, SuiviApp, TEST_ADMIN_TOKEN, type GraphQLResponse } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const UNAUTHENTICATED = {
  errors: [
    {
      message: 'authentication required: send a valid API token as "Authorization: Bearer <token>"',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};
const ME = '{ me { id login displayName email disabled groups { code name } apiTokens { id label revokedAt } } }';
const TOKEN_FORMAT = /^suivi_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/;
const USER_FIELDS = 'id login displayName email disabled groups { code name permissions } apiTokens { id label issuedAt expiresAt revokedAt }';
const AUDIT = `query($filter: AuditJournalFilter) { auditJournal(first: 20, filter: $filter) { totalCount edges { node { action entityType entityId actor { id } changes { field from to } } } } }`;

type Me = { me: { id: string; login: string; groups: { code: string; name: string }[] } };
type Payload = { position: string; user: { id: string; login: string; disabled: boolean } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The head of the log once the refusals recorded so far are written. */
async function settledHead(app: SuiviApp): Promise<bigint | null> {
  await app.app.get(SecurityJournal).flush();
  return app.headPosition();
}

/** The events appended after `head`, once the security journal has written the refusals it began. */
async function writtenSince(app: SuiviApp, head: bigint | null): Promise<StoredEvent[]> {
  await app.app.get(SecurityJournal).flush();
  return (await app.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 1_000 })).events;
}

/** A refusal writes its record in the security journal, and nothing else. */
const refusals = (events: readonly StoredEvent[]) =>
  events.map((event) => ({ stream: event.streamName.replace(/\d{4}-\d{2}-\d{2}$/, 'day'), type: event.type, data: event.data }));

describe.each(e2eBackends())('authentication over GraphQL (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let claireId: string;

  const mutate = async <T = Payload>(name: string, input: Record<string, unknown>, as: SuiviApp = suivi) => {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const selection = name === 'createGroup' ? 'group { id code name permissions }' : `user { ${USER_FIELDS} }`;
    const extra = name === 'issueApiToken' ? 'token apiToken { id label expiresAt }' : name === 'revokeApiToken' ? 'apiToken { id revokedAt }' : '';
    const { status, body } = await as.graphql<Record<string, T>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) { position ${selection} ${extra} } }`,
      { input },
    );
    return { status, payload: body.data?.[name] ?? undefined, errors: body.errors };
  };

  const issueTo = async (userId: string, input: Record<string, unknown> = {}) => {
    const { payload, errors } = await mutate<{ token: string; apiToken: { id: string } }>('issueApiToken', { userId, ...input });
    if (!payload) throw new Error(`issueApiToken failed: ${JSON.stringify(errors)}`);
    return { token: payload.token, tokenId: payload.apiToken.id };
  };

  const meAs = (token: string | null) => suivi.as(token).graphql<Me>(ME);

  beforeAll(async () => {
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}) });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('knows the bootstrap administrator by the token SUIVI_ADMIN_TOKEN set, with a fixed id', async () => {
    const { status, body } = await suivi.graphql<Me>(ME);
    expect(status).toBe(200);
    expect(body.data?.me).toMatchObject({
      id: ADMIN_USER_ID,
      login: 'admin',
      displayName: 'Administrator',
      email: null,
      disabled: false,
      groups: [{ code: 'admin', name: 'Administrators' }],
      apiTokens: [{ label: 'bootstrap', revokedAt: null }],
    });
  });

  it('refuses a request without a token with 401 UNAUTHENTICATED, before anything else is looked at', async () => {
    const anonymous = suivi.as(null);
    const head = await settledHead(suivi);
    for (const query of [
      ME,
      '{ __schema { types { name } } }',
      '{ noSuchField }',
      '{ me { ',
      'mutation { registerThirdParty(input: { name: "Sneaky", kind: COMPANY, roles: [PROSPECT] }) { position } }',
    ]) {
      const response = await anonymous.post(JSON.stringify({ query }));
      expect({ query, status: response.status, body: response.body }).toEqual({ query, status: 401, body: UNAUTHENTICATED });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="suivi"');
    }
    const get = await fetch(`${suivi.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`);
    expect(get.status).toBe(401);
    expect(await get.json()).toEqual(UNAUTHENTICATED);
    const denied = (method: string) => ({
      stream: 'security-day',
      type: 'AccessDenied',
      data: expect.objectContaining({ userId: null, operation: `${method} /graphql`, reason: 'unauthenticated' }),
    });
    expect(refusals(await writtenSince(suivi, head))).toEqual([...Array.from({ length: 5 }, () => denied('POST')), denied('GET')]);
  });

  it('refuses a bad token exactly the same way', async () => {
    const known = TEST_ADMIN_TOKEN;
    const wrongSecret = `${known.slice(0, -1)}${known.endsWith('1') ? '2' : '1'}`;
    for (const authorization of [
      'Bearer not-a-token',
      `Bearer ${generateApiToken().token}`,
      `Bearer ${wrongSecret}`,
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Bearer ${known} extra`,
      '',
    ]) {
      const response = await suivi.as(null).post(JSON.stringify({ query: ME }), { authorization });
      expect({ authorization, status: response.status, body: response.body }).toEqual({ authorization, status: 401, body: UNAUTHENTICATED });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="suivi", error="invalid_token"');
    }
  });

  it('leaves the health probes open', async () => {
    expect((await fetch(`${suivi.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${suivi.url}/health/ready`)).status).toBe(200);
  });

  it('lets an administrator create a user and issue them a token, shown once, that authenticates them', async () => {
    const created = await mutate('createUser', { login: 'Claire', displayName: 'Claire Martin', email: 'claire@example.fr', groupCodes: ['sales'] });
    expect(created.errors).toBeUndefined();
    expect(created.payload?.user).toMatchObject({ login: 'claire', displayName: 'Claire Martin', disabled: false, groups: [{ code: 'sales', name: 'Sales' }] });
    claireId = created.payload!.user.id;

    const issued = await mutate<{ token: string; apiToken: { id: string; label: string } }>('issueApiToken', { userId: claireId, label: 'laptop' });
    expect(issued.payload?.token).toMatch(TOKEN_FORMAT);
    expect(issued.payload?.token).toContain(`_${issued.payload!.apiToken.id}_`);
    expect(issued.payload?.apiToken.label).toBe('laptop');

    const me = await meAs(issued.payload!.token);
    expect(me.body.data?.me).toMatchObject({ id: claireId, login: 'claire', groups: [{ code: 'sales' }] });
    expect(JSON.stringify(me.body)).not.toContain('scrypt');
  });

  it("records the token's user as the actor of their writes, and the administrator as the one who granted access", async () => {
    const { token } = await issueTo(claireId);
    const claire = new SuiviClient(suivi.as(token));
    const { thirdParty } = await claire.must('registerThirdParty', { name: 'Boulangerie Claire', kind: 'COMPANY', roles: ['PROSPECT'] });
    // Sales do not read the journal: an auditor does, here the administrator.
    const auditor = new SuiviClient(suivi);
    auditor.lastPosition = claire.lastPosition;
    const journal = await auditor.read<{ auditJournal: { edges: { node: { action: string; actor: { id: string } } }[] } }>(AUDIT, {
      filter: { entityId: thirdParty.id },
    });
    expect(journal.auditJournal.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ action: 'ThirdPartyRegistered', actor: { id: claireId } }),
    ]);
    const granted = await auditor.read<{ auditJournal: { edges: { node: { action: string; actor: { id: string }; changes: unknown[] } }[] } }>(AUDIT, {
      filter: { entityType: 'user', entityId: claireId },
    });
    const actions = granted.auditJournal.edges.map((e) => e.node);
    expect(actions.map((node) => node.action)).toEqual(expect.arrayContaining(['UserCreated', 'UserAddedToGroup', 'ApiTokenIssued']));
    for (const node of actions) expect(node.actor).toEqual({ id: ADMIN_USER_ID });
    expect(actions.find((node) => node.action === 'UserAddedToGroup')?.changes).toEqual([{ field: 'group', from: null, to: '"sales"' }]);
    expect(JSON.stringify(actions)).not.toContain('scrypt');
  });

  it('reserves user, group and token administration to administrators', async () => {
    const { token } = await issueTo(claireId);
    const claire = suivi.as(token);
    const head = await settledHead(suivi);
    for (const [name, input] of [
      ['createUser', { login: 'mallory' }],
      ['createGroup', { code: 'friends', name: 'Friends' }],
      ['addUserToGroup', { userId: claireId, groupCode: 'admin' }],
      ['issueApiToken', { userId: claireId }],
      ['revokeApiToken', { tokenId: 'ffffffffffffffffffffffff' }],
      ['disableUser', { userId: claireId }],
    ] as const) {
      const result = await mutate(name, input, claire);
      expect({ name, code: result.errors?.[0]?.extensions?.['code'], payload: result.payload ?? null }).toEqual({ name, code: 'FORBIDDEN', payload: null });
    }
    const denied = (name: string) => ({
      stream: 'security-day',
      type: 'AccessDenied',
      data: expect.objectContaining({ userId: claireId, login: 'claire', operation: `Mutation.${name}`, reason: 'forbidden' }),
    });
    expect(refusals(await writtenSince(suivi, head))).toEqual(
      ['createUser', 'createGroup', 'addUserToGroup', 'issueApiToken', 'revokeApiToken', 'disableUser'].map(denied),
    );
  });

  it('creates groups, and changes memberships', async () => {
    const group = await mutate<{ group: { code: string; permissions: string[] } }>('createGroup', {
      code: 'Managers',
      name: 'Sales managers',
      permissions: ['exchanges.seeAll', 'thirdParties.read'],
    });
    expect(group.payload?.group).toMatchObject({ code: 'managers', permissions: ['thirdParties.read', 'exchanges.seeAll'] });
    const added = await mutate('addUserToGroup', { userId: claireId, groupCode: 'managers' });
    expect(added.payload?.user).toMatchObject({ groups: [{ code: 'sales' }, { code: 'managers', name: 'Sales managers' }] });
    const removed = await mutate('removeUserFromGroup', { userId: claireId, groupCode: 'sales' });
    expect(removed.payload?.user).toMatchObject({ groups: [{ code: 'managers' }] });
  });

  it('refuses a revoked token as soon as revokeApiToken has answered, and only that token', async () => {
    const kept = await issueTo(claireId);
    const lost = await issueTo(claireId, { label: 'lost phone' });
    expect((await meAs(lost.token)).status).toBe(200);
    const revoked = await mutate<{ apiToken: { id: string; revokedAt: string | null } }>('revokeApiToken', { tokenId: lost.tokenId, reason: 'lost' });
    expect(revoked.payload?.apiToken).toMatchObject({ id: lost.tokenId, revokedAt: expect.any(String) });
    expect(await meAs(lost.token)).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect((await meAs(kept.token)).status).toBe(200);
  });

  it('refuses a token once it has expired', async () => {
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const { token } = await issueTo(claireId, { expiresAt });
    expect((await meAs(token)).status).toBe(200);
    let last: { status: number; body: GraphQLResponse };
    do {
      await sleep(200);
      last = await meAs(token);
    } while (last.status === 200 && Date.now() < Date.parse(expiresAt) + 10_000);
    expect(last).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('refuses every token of a disabled user until an administrator enables them again', async () => {
    const { token } = await issueTo(claireId);
    const disabled = await mutate('disableUser', { userId: claireId, reason: 'on leave' });
    expect(disabled.payload?.user.disabled).toBe(true);
    expect(await meAs(token)).toEqual({ status: 401, body: UNAUTHENTICATED });
    const refused = await mutate('issueApiToken', { userId: claireId });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    await mutate('enableUser', { userId: claireId });
    expect((await meAs(token)).status).toBe(200);
  });

  it('answers bad administration input with the codes every mutation uses', async () => {
    const code = async (name: string, input: Record<string, unknown>) => {
      const { errors } = await mutate(name, input);
      return [errors?.[0]?.extensions?.['code'], errors?.[0]?.extensions?.['field'] ?? null];
    };
    expect(await code('createUser', { login: 'claire martin' })).toEqual(['BAD_USER_INPUT', 'input.login']);
    expect(await code('createUser', { login: 'bob', groupCodes: ['sales', 'sailors'] })).toEqual(['BAD_USER_INPUT', 'input.groupCodes[1]']);
    expect(await code('createUser', { login: 'CLAIRE' })).toEqual(['CONFLICT', null]);
    expect(await code('createGroup', { code: 'x', name: 'X', permissions: ['everything'] })).toEqual(['BAD_USER_INPUT', 'input.permissions[0]']);
    expect(await code('addUserToGroup', { userId: claireId, groupCode: 'sailors' })).toEqual(['BAD_USER_INPUT', 'input.groupCode']);
    expect(await code('addUserToGroup', { userId: 'not-an-id', groupCode: 'sales' })).toEqual(['BAD_USER_INPUT', 'input.userId']);
    expect(await code('issueApiToken', { userId: claireId, expiresAt: '2020-01-01T00:00:00Z' })).toEqual(['BAD_USER_INPUT', 'input.expiresAt']);
    expect(await code('issueApiToken', { userId: '00000000-0000-4000-8000-000000000000' })).toEqual(['NOT_FOUND', null]);
    expect(await code('revokeApiToken', { tokenId: 'ffffffffffffffffffffffff' })).toEqual(['NOT_FOUND', null]);
    expect(await code('revokeApiToken', { tokenId: 'no spaces please' })).toEqual(['BAD_USER_INPUT', 'input.tokenId']);
  });

  it('never shows a token twice: a retried issueApiToken is a CONFLICT', async () => {
    const first = await mutate<{ token: string }>('issueApiToken', { userId: claireId, idempotencyKey: 'claire-ci-token' });
    expect(first.payload?.token).toMatch(TOKEN_FORMAT);
    const again = await mutate('issueApiToken', { userId: claireId, idempotencyKey: 'claire-ci-token' });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toMatch(/shown only once/);
  });
});

describe.each(e2eBackends())('the first administrator (%s)', (_label, mongodbUrl) => {
  const backend = mongodbUrl ? { mongodbUrl } : {};

  it('is created once: a restart writes nothing (but refusals) and ignores a new SUIVI_ADMIN_TOKEN', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-e2e-'));
    try {
      const first = await SuiviApp.start({ dataDir, ...backend });
      expect((await first.graphql(ME)).status).toBe(200);
      const head = await first.headPosition();
      await first.stop();

      // On MongoDB the read models start empty again: the restart must rebuild them before deciding.
      const other = generateApiToken().token;
      const second = await SuiviApp.start({ dataDir, ...backend, adminToken: other });
      try {
        expect((await second.as(TEST_ADMIN_TOKEN).graphql<Me>(ME)).body.data?.me.id).toBe(ADMIN_USER_ID);
        expect((await second.graphql(ME)).status).toBe(401);
        // Nothing but the record of that refusal.
        expect(refusals(await writtenSince(second, head))).toEqual([
          { stream: 'security-day', type: 'AccessDenied', data: expect.objectContaining({ reason: 'unauthenticated' }) },
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gets a drawn token, printed once to the log, when SUIVI_ADMIN_TOKEN is not set', async () => {
    const lines: string[] = [];
    const capture: LoggerService = {
      log: (message: unknown) => lines.push(String(message)),
      warn: (message: unknown) => lines.push(String(message)),
      error: (message: unknown) => lines.push(String(message)),
    };
    const suivi = await SuiviApp.start({ ...backend, adminToken: null, logger: capture });
    try {
      expect((await suivi.graphql(ME)).status).toBe(401);
      const printed = lines.join('\n').match(/suivi_[0-9a-f]{24}_[A-Za-z0-9_-]{43}/g) ?? [];
      expect(printed).toHaveLength(1);
      expect(lines.join('\n')).toMatch(/shown only this once/);
      expect((await suivi.as(printed[0]!).graphql<Me>(ME)).body.data?.me).toMatchObject({ id: ADMIN_USER_ID, login: 'admin' });
    } finally {
      await suivi.stop();
    }
  });
});
