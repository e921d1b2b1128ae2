import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser, issueToken, setUserScope, withAccessSession, type AccessSession } from '../apps/cli/src/access.commands.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';

const ME = '{ me { login scope { territories ownedOnly } } }';

/** `suivi users scope`, run in-process as the command line runs it, then seen by a server on the same stores. */
describe.each(e2eBackends())('limiting a user from the command line (%s)', (_label, mongodbUrl) => {
  let dataDir: string;
  let suivi: SuiviApp | null = null;

  const cli = async (work: (session: AccessSession) => Promise<void>) => {
    const out: string[] = [];
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    if (mongodbUrl) process.env['MONGODB_URL'] = mongodbUrl;
    else delete process.env['MONGODB_URL'];
    await withAccessSession(work, { out: (line) => out.push(line), note: () => undefined });
    return out;
  };

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-scope-'));
  });
  afterAll(async () => {
    await suivi?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let token: string;

  it('sets the whole scope at once, and says when nothing changed', async () => {
    await cli((s) => createUser(s, 'Lea', {}));
    token = (await cli((s) => issueToken(s, 'lea', {})))[0]!;
    expect(await cli((s) => setUserScope(s, 'LEA', { territory: [' Nord', 'Sud', 'Nord'] }))).toEqual(['lea sees third parties of territories Nord, Sud']);
    expect(await cli((s) => setUserScope(s, 'lea', { territory: ['Sud', 'Nord'] }))).toEqual(['lea sees third parties of territories Nord, Sud (unchanged)']);
    expect(await cli((s) => setUserScope(s, 'lea', { ownedOnly: true }))).toEqual(['lea sees third parties of any territory that they own']);
    expect(await cli((s) => setUserScope(s, 'lea', { territory: ['Nord'], ownedOnly: true }))).toEqual([
      'lea sees third parties of territory Nord that they own',
    ]);
  });

  it('says what is wrong, in the words of the command line', async () => {
    await expect(cli((s) => setUserScope(s, 'lea', {}))).rejects.toThrow(/^give --territory <territory> \(repeatable\) and\/or --owned-only, or --clear/);
    await expect(cli((s) => setUserScope(s, 'lea', { clear: true, ownedOnly: true }))).rejects.toThrow(/^--clear lifts every limit: give it alone/);
    await expect(cli((s) => setUserScope(s, 'nobody', { ownedOnly: true }))).rejects.toThrow('no user with login nobody');
    await expect(cli((s) => setUserScope(s, 'lea', { territory: ['Nord', '  '] }))).rejects.toThrow('territories[1]: must not be empty');
  });

  it('is what the server applies to the user, until cleared', async () => {
    suivi = await SuiviApp.start({ dataDir, ...(mongodbUrl ? { mongodbUrl } : {}) });
    const me = await suivi.as(token).graphql<{ me: { login: string; scope: unknown } }>(ME);
    expect(me.body.data?.me).toEqual({ login: 'lea', scope: { territories: ['Nord'], ownedOnly: true } });
    expect(await cli((s) => setUserScope(s, 'lea', { clear: true }))).toEqual(['lea sees every third party']);
    const deadline = Date.now() + 10_000;
    let scope: unknown = 'not yet';
    while (scope !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      scope = (await suivi.as(token).graphql<{ me: { scope: unknown } }>(ME)).body.data?.me.scope;
    }
    expect(scope).toBeNull();
  });
});
