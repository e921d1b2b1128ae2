import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecurityJournal } from '../apps/api/src/auth/security-journal.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection, type Json } from './support/suivi-client.js';

type Change = { field: string; from: string | null; to: string | null };
type Entry = { id: string; at: string; action: string; entityType: string; entityId: string; actor: { id: string }; changes: Change[] };

const AUDIT = `query($filter: AuditJournalFilter, $first: Int) {
  auditJournal(first: $first, filter: $filter) { totalCount edges { node { id at action entityType entityId actor { id } changes { field from to } } } }
}`;
const ME = '{ me { id scope { territories ownedOnly } } }';
const SECRET = 'Will sign if we beat the current supplier by 3%';
const SECRET_AFTER = 'Signed: 2.5% below the current supplier';
const ADDRESS = JSON.stringify('127.0.0.1');

/** A change as the API encodes it: values as JSON text. */
const change = (field: string, to: unknown): Change => ({ field, from: null, to: JSON.stringify(to) });

/**
 * The security journal and the audit journal's read side, over HTTP: every
 * refused attempt becomes an entry only administrators see; a confidential
 * comment is readable in the journal by its author and its group only; a
 * scoped auditor's journal has no trace of the third parties outside the scope.
 */
describe.each(e2eBackends())('the security journal and who reads what in the audit journal (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  /** In a group without auditJournal.read. */
  let nora: { id: string; client: SuiviClient };
  /** Accounting: reads the journal, administers nothing. */
  let ana: { id: string; client: SuiviClient };
  /** Managers: sam logs an exchange whose confidential comment is shared with the group, max is a member too. */
  let sam: { id: string; client: SuiviClient };
  let max: { id: string; client: SuiviClient };
  /** An auditor limited to the territory Grenoble. */
  let sol: { id: string; client: SuiviClient; token: string };
  let lyon: string;
  let grenoble: string;
  let exchangeId: string;

  const administer = async <T extends Json>(name: string, input: Json, selection: string): Promise<T> => {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const { body } = await suivi.graphql<Record<string, T & { position: string }>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) { position ${selection} } }`,
      { input },
    );
    const payload = body.data?.[name];
    if (!payload) throw new Error(`${name} failed: ${JSON.stringify(body.errors)}`);
    if (BigInt(payload.position) > BigInt(admin.lastPosition)) admin.lastPosition = payload.position;
    return payload;
  };

  const userIn = async (login: string, groupCodes: string[], scope?: { territories: string[]; ownedOnly: boolean }) => {
    const { user } = await administer<{ user: { id: string } }>('createUser', { login, groupCodes }, 'user { id }');
    if (scope) await administer('setUserScope', { userId: user.id, ...scope }, 'user { id }');
    const { token } = await administer<{ token: string }>('issueApiToken', { userId: user.id }, 'token');
    const client = new SuiviClient(suivi.as(token));
    client.lastPosition = admin.lastPosition;
    return { id: user.id, client, token };
  };

  /** Waits for the security journal's writes, and makes every reader's next query include them. */
  const settle = async () => {
    await suivi.app.get(SecurityJournal).flush();
    const head = String(await suivi.headPosition());
    for (const client of [admin, nora.client, ana.client, sam.client, max.client, sol.client]) client.lastPosition = head;
  };

  const journal = async (reader: SuiviClient, filter: Json | null = null) =>
    (await reader.read<{ auditJournal: Connection<Entry> }>(AUDIT, { filter, first: 100 })).auditJournal;
  const securityLog = async (reader: SuiviClient = admin) => journal(reader, { entityType: 'security' });

  /** The one entry a refusal added to the administrator's security log. */
  const refusalOf = async (refuse: () => Promise<void>): Promise<Entry> => {
    await settle();
    const before = await securityLog();
    const startedAt = new Date().toISOString();
    await refuse();
    await settle();
    const after = await securityLog();
    expect(after.totalCount).toBe(before.totalCount + 1);
    const entry = after.edges[0]!.node;
    expect(before.edges.map((edge) => edge.node.id)).not.toContain(entry.id);
    expect(entry.at >= startedAt && entry.at <= new Date().toISOString()).toBe(true);
    expect(entry).toMatchObject({ action: 'AccessDenied', entityType: 'security', entityId: entry.at.slice(0, 10) });
    return entry;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    await administer('createGroup', { code: 'readers', name: 'Readers', permissions: ['thirdParties.read'] }, 'group { id }');
    const { group: managers } = await administer<{ group: { id: string } }>(
      'createGroup',
      { code: 'managers', name: 'Managers', permissions: ['thirdParties.read', 'exchanges.read', 'exchanges.create', 'exchanges.update', 'auditJournal.read'] },
      'group { id }',
    );
    await administer('createGroup', { code: 'auditors', name: 'Auditors', permissions: ['thirdParties.read', 'auditJournal.read'] }, 'group { id }');
    nora = await userIn('nora', ['readers']);
    ana = await userIn('ana', ['accounting']);
    sam = await userIn('sam', ['managers']);
    max = await userIn('max', ['managers']);
    sol = await userIn('sol', ['auditors'], { territories: ['Grenoble'], ownedOnly: false });

    lyon = (await admin.must('registerThirdParty', { name: 'Boulangerie de Lyon', kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Lyon' })).thirdParty.id;
    grenoble = (await admin.must('registerThirdParty', { name: 'Atelier de Grenoble', kind: 'COMPANY', roles: ['SUPPLIER'], territory: 'Grenoble' }))
      .thirdParty.id;
    await admin.must('addContact', { thirdPartyId: lyon, lastName: 'Martin' });
    sam.client.lastPosition = admin.lastPosition;
    exchangeId = (
      await sam.client.must('logExchange', {
        thirdPartyId: lyon,
        mode: 'phone',
        subject: 'quote',
        confidentialComment: SECRET,
        confidentialGroupId: managers.id,
      })
    ).exchange.id;
    await sam.client.must('updateExchange', { exchangeId, confidentialComment: SECRET_AFTER });
    await admin.must('updateThirdParty', { thirdPartyId: grenoble, name: 'Atelier de Grenoble & Fils' });
    // The scope is read from the users read model at authentication: wait until sol's requests carry it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { data } = await sol.client.query<{ me: { scope: unknown } }>(ME);
      if (data?.me.scope !== null && data?.me.scope !== undefined) break;
      if (Date.now() > deadline) throw new Error('the scope of sol was never applied');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await settle();
  });

  afterAll(async () => {
    await suivi.stop();
  });

  it('records a request without a token: anonymous, the route, from which address, when', async () => {
    const entry = await refusalOf(async () => {
      expect((await suivi.as(null).graphql(ME)).status).toBe(401);
    });
    expect(entry.actor).toEqual({ id: 'anonymous' });
    expect(entry.changes).toEqual([
      change('operation', 'POST /graphql'),
      change('reason', 'unauthenticated'),
      { field: 'address', from: null, to: ADDRESS },
    ]);
  });

  it('records a bad token the same way', async () => {
    const entry = await refusalOf(async () => {
      const response = await fetch(`${suivi.url}/graphql?query=${encodeURIComponent(ME)}`, { headers: { authorization: 'Bearer not-a-token' } });
      expect(response.status).toBe(401);
    });
    expect(entry.actor).toEqual({ id: 'anonymous' });
    expect(entry.changes).toEqual([change('operation', 'GET /graphql'), change('reason', 'unauthenticated'), { field: 'address', from: null, to: ADDRESS }]);
  });

  it('records a FORBIDDEN operation with who was refused', async () => {
    const entry = await refusalOf(async () => {
      const { errors } = await nora.client.query(AUDIT, { first: 1 });
      expect(errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    });
    expect(entry.actor).toEqual({ id: nora.id });
    expect(entry.changes).toEqual([
      change('operation', 'Query.auditJournal'),
      change('reason', 'forbidden'),
      change('login', 'nora'),
      { field: 'address', from: null, to: ADDRESS },
    ]);
  });

  it('records an out-of-scope read, answered exactly as a read of an id that does not exist', async () => {
    await settle();
    const unknown = await journal(sol.client, { entityId: randomUUID() });
    const countBefore = (await securityLog()).totalCount;
    await settle();
    expect((await securityLog()).totalCount).toBe(countBefore);

    for (const filter of [{ entityId: exchangeId }, { thirdPartyId: lyon }]) {
      const entry = await refusalOf(async () => {
        expect(await journal(sol.client, filter)).toEqual(unknown);
      });
      expect(unknown).toEqual({ totalCount: 0, edges: [] });
      expect(entry.actor).toEqual({ id: sol.id });
      expect(entry.changes).toEqual([
        change('operation', 'Query.auditJournal'),
        change('reason', 'outOfScope'),
        change('login', 'sol'),
        { field: 'address', from: null, to: ADDRESS },
      ]);
    }
  });

  it('shows the refused attempts to administrators only', async () => {
    await settle();
    const seen = await securityLog();
    expect(seen.totalCount).toBeGreaterThanOrEqual(5);
    expect(new Set(seen.edges.map((edge) => edge.node.action))).toEqual(new Set(['AccessDenied']));
    for (const reader of [ana.client, sam.client, sol.client]) {
      expect(await securityLog(reader)).toEqual({ totalCount: 0, edges: [] });
      const everything = await journal(reader);
      expect(everything.edges.filter((edge) => edge.node.entityType === 'security' || edge.node.action === 'AccessDenied')).toEqual([]);
    }
    const anaAll = await journal(ana.client);
    const adminAll = await journal(admin);
    expect(anaAll.totalCount).toBe(adminAll.totalCount - seen.totalCount);
  });

  it("shows a confidential comment's text to its author and its group, and to nobody else, not even an administrator", async () => {
    const comments = async (reader: SuiviClient) => {
      const { edges } = await journal(reader, { entityId: exchangeId });
      return edges.map((edge) => [edge.node.action, edge.node.changes.find((c) => c.field === 'confidentialComment')]);
    };
    const revealed = [
      ['ExchangeUpdated', { field: 'confidentialComment', from: JSON.stringify(SECRET), to: JSON.stringify(SECRET_AFTER) }],
      ['ExchangeLogged', { field: 'confidentialComment', from: null, to: JSON.stringify(SECRET) }],
    ];
    const redacted = [
      ['ExchangeUpdated', { field: 'confidentialComment', from: '"[confidential]"', to: '"[confidential]"' }],
      ['ExchangeLogged', { field: 'confidentialComment', from: null, to: '"[confidential]"' }],
    ];
    expect(await comments(sam.client)).toEqual(revealed);
    expect(await comments(max.client)).toEqual(revealed);
    expect(await comments(ana.client)).toEqual(redacted);
    expect(await comments(admin)).toEqual(redacted);
    for (const reader of [ana.client, admin]) {
      const everything = JSON.stringify(await journal(reader));
      expect(everything).not.toContain(SECRET);
      expect(everything).not.toContain(SECRET_AFTER);
    }
  });

  it('gives a scoped auditor no entry of a third party outside the scope, and counts that agree', async () => {
    await settle();
    const mine = await journal(sol.client);
    const all = await journal(admin);
    const ofLyon = await journal(admin, { thirdPartyId: lyon });
    const security = await securityLog();
    expect(ofLyon.edges.map((edge) => edge.node.action).sort()).toEqual(['ContactAdded', 'ExchangeLogged', 'ExchangeUpdated', 'ThirdPartyRegistered']);
    expect(mine.totalCount).toBe(mine.edges.length);
    expect(mine.totalCount).toBe(all.totalCount - ofLyon.totalCount - security.totalCount);
    const hidden = new Set([lyon, exchangeId, ...ofLyon.edges.map((edge) => edge.node.entityId)]);
    expect(mine.edges.filter((edge) => hidden.has(edge.node.entityId))).toEqual([]);
    expect(JSON.stringify(mine)).not.toContain(lyon);
    expect(mine.edges.filter((edge) => edge.node.entityId === grenoble).map((edge) => edge.node.action)).toEqual(['ThirdPartyUpdated', 'ThirdPartyRegistered']);
    // Pages and totals agree too.
    const page = await sol.client.read<{ auditJournal: Connection<Entry> }>(AUDIT, { first: 2 });
    expect(page.auditJournal.totalCount).toBe(mine.totalCount);
    expect(page.auditJournal.edges.map((edge) => edge.node.id)).toEqual(mine.edges.slice(0, 2).map((edge) => edge.node.id));
  });

  it('refuses a scoped auditor the verification of the whole log, which would count what they cannot see', async () => {
    const { errors } = await sol.client.query('{ verifyAuditJournal { ok checkedEvents } }');
    expect(errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const { data } = await ana.client.query<{ verifyAuditJournal: { ok: boolean } }>('{ verifyAuditJournal { ok } }');
    expect(data?.verifyAuditJournal.ok).toBe(true);
  });
});
