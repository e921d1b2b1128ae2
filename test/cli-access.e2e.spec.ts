import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  changeMembership,
  createGroup,
  createUser,
  issueToken,
  listGroups,
  listUsers,
  revokeToken,
  setUserStatus,
  withAccessSession,
  type AccessSession,
} from '../apps/cli/src/access.commands.js';
import { e2eBackends, SuiviApp, TEST_ADMIN_TOKEN } from './support/suivi-app.js';

const ME = '{ me { id login displayName groups { code } } }';
const AUDIT = `query($id: ID) { auditJournal(first: 10, filter: { entityId: $id }) { edges { node { action actor { id } source } } } }`;

/**
 * The `suivi users | groups | tokens` commands, run in-process as the command
 * line runs them (the stores opened from the environment), against the data
 * directory a server then starts on.
 */
describe.each(e2eBackends())('administering accounts from the command line (%s)', (_label, mongodbUrl) => {
  let dataDir: string;
  let suivi: SuiviApp | null = null;

  const cli = async (work: (session: AccessSession) => Promise<void>) => {
    const out: string[] = [];
    const notes: string[] = [];
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    if (mongodbUrl) process.env['MONGODB_URL'] = mongodbUrl;
    else delete process.env['MONGODB_URL'];
    await withAccessSession(work, { out: (line) => out.push(line), note: (line) => notes.push(line) });
    return { out, notes };
  };

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-'));
  });
  afterAll(async () => {
    await suivi?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let token: string;
  let tokenId: string;

  it('creates a group, a user in it, and issues a token printed alone on standard output', async () => {
    // auditJournal.read: so that claire can read, over GraphQL, what the command line journaled.
    const group = await cli((s) =>
      createGroup(s, 'sales', { name: 'Sales', permission: ['thirdParties.read', 'thirdParties.create', 'auditJournal.read'] }),
    );
    expect(group.out[0]).toMatch(/^created group sales "Sales" \([0-9a-f-]{36}\): thirdParties.read thirdParties.create auditJournal.read$/);
    const user = await cli((s) => createUser(s, 'Claire', { name: 'Claire Martin', group: ['sales'] }));
    expect(user.out[0]).toMatch(/^created user claire \([0-9a-f-]{36}\), in sales$/);
    const again = await cli((s) => createUser(s, 'claire', { name: 'Claire Martin', group: ['sales'] }));
    expect(again.out[0]).toMatch(/^user exists already, unchanged: claire/);

    const issued = await cli((s) => issueToken(s, 'claire', { label: 'laptop', expires: '2100-01-01T00:00:00+01:00' }));
    expect(issued.out).toHaveLength(1);
    token = issued.out[0]!;
    expect(token).toMatch(/^suivi_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    tokenId = token.split('_')[1]!;
    expect(issued.notes.join('\n')).toContain(`issued token ${tokenId} to claire, valid until 2099-12-31T23:00:00.000Z`);
    expect(issued.notes.join('\n')).toMatch(/shown only this once/);
  });

  it('says what is wrong, in the words of the command line', async () => {
    await expect(cli((s) => issueToken(s, 'Nobody', {}))).rejects.toThrow('no user with login nobody');
    await expect(cli((s) => createUser(s, 'claire martin', {}))).rejects.toThrow(/^login: must be 1 to 64 characters/);
    await expect(cli((s) => createUser(s, 'bob', { group: ['sailors'] }))).rejects.toThrow('groupCodes[0]: no group with code sailors');
    await expect(cli((s) => createGroup(s, 'x', { name: 'X', permission: ['everything'] }))).rejects.toThrow(/^permissions\[0\]: must be one of/);
    await expect(cli((s) => issueToken(s, 'claire', { expires: 'tomorrow' }))).rejects.toThrow(/^expiresAt: must be an ISO-8601 date-time/);
  });

  it('the token authenticates its user on a server started afterwards, which creates no administrator since users exist', async () => {
    suivi = await SuiviApp.start({ dataDir, ...(mongodbUrl ? { mongodbUrl } : {}) });
    const me = await suivi.as(token).graphql<{ me: { login: string; displayName: string; groups: { code: string }[] } }>(ME);
    expect(me.body.data?.me).toEqual(expect.objectContaining({ login: 'claire', displayName: 'Claire Martin', groups: [{ code: 'sales' }] }));
    expect((await suivi.as(TEST_ADMIN_TOKEN).graphql(ME)).status).toBe(401);
    const claireId = (await suivi.as(token).graphql<{ me: { id: string } }>('{ me { id } }')).body.data?.me.id;
    const journal = await suivi.as(token).graphql<{ auditJournal: { edges: { node: { action: string; actor: { id: string }; source: string } }[] } }>(
      AUDIT,
      { id: claireId },
      { 'x-suivi-consistent-with': String(await suivi.headPosition()) },
    );
    const cliActor = { actor: { id: `cli:${os.userInfo().username}` }, source: 'system' };
    expect(journal.body.data?.auditJournal.edges.map((e) => e.node)).toEqual([
      { action: 'ApiTokenIssued', ...cliActor },
      { action: 'UserAddedToGroup', ...cliActor },
      { action: 'UserCreated', ...cliActor },
    ]);
  });

  it('lists users and groups from the read models the server keeps', async () => {
    const users = await cli((s) => listUsers(s));
    expect(users.out).toHaveLength(1);
    expect(users.out[0]).toMatch(/^claire\s+Claire Martin\s+sales\s+1 valid token\s+active [0-9a-f-]{36}$/);
    const groups = await cli((s) => listGroups(s));
    expect(groups.out).toEqual([expect.stringMatching(/^sales\s+Sales\s+thirdParties.read thirdParties.create auditJournal.read$/)]);
  });

  it('changes memberships and status, and revokes the token: the server refuses it once its worker has applied that', async () => {
    expect((await cli((s) => changeMembership(s, 'claire', 'sales', 'remove'))).out).toEqual(['claire is in no group']);
    expect((await cli((s) => changeMembership(s, 'claire', 'sales', 'add'))).out).toEqual(['claire is in sales']);
    expect((await cli((s) => setUserStatus(s, 'claire', 'disabled', 'on leave'))).out).toEqual(['claire is disabled']);
    expect((await cli((s) => setUserStatus(s, 'claire', 'active'))).out).toEqual(['claire is active']);
    expect((await cli((s) => revokeToken(s, tokenId, { reason: 'laptop stolen' }))).out).toEqual([`revoked token ${tokenId} of claire`]);
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await suivi!.as(token).graphql(ME)).status;
    }
    expect(status).toBe(401);
    await expect(cli((s) => revokeToken(s, 'ffffffffffffffffffffffff', {}))).rejects.toThrow('API token ffffffffffffffffffffffff does not exist');
  });
});
