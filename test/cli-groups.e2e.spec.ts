import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Command } from 'commander';
import { permissions } from '#domain';
import {
  changeGroupPermissions,
  createGroup,
  createUser,
  issueToken,
  listGroups,
  registerAccessCommands,
  withAccessSession,
  type AccessSession,
} from '../apps/cli/src/access.commands.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';

const JOURNAL = '{ auditJournal(first: 1) { edges { node { action } } } }';

/**
 * `suivi groups permissions`, run in-process as the command line runs it,
 * against the data directory a server is running on: the group's members hold
 * the new permissions once the server's worker has applied the change.
 */
describe.each(e2eBackends())("changing a group's permissions from the command line (%s)", (_label, mongodbUrl) => {
  let dataDir: string;
  let suivi: SuiviApp | null = null;
  let noa: SuiviApp;

  const useStores = () => {
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    if (mongodbUrl) process.env['MONGODB_URL'] = mongodbUrl;
    else delete process.env['MONGODB_URL'];
  };

  const cli = async (work: (session: AccessSession) => Promise<void>) => {
    const out: string[] = [];
    useStores();
    await withAccessSession(work, { out: (line) => out.push(line), note: () => undefined });
    return out;
  };

  /** What noa's request to the audit journal gets: OK, or the error code. */
  const journalCode = async (): Promise<string> => {
    const { body } = await noa.graphql(JOURNAL);
    return (body.errors?.[0]?.extensions?.['code'] as string | undefined) ?? 'OK';
  };

  /**
   * The answer once the server's worker has applied what the command line wrote
   * (permissions are checked before any read-your-writes wait, so: polled).
   */
  const journalCodeBecomes = async (expected: string): Promise<string> => {
    const deadline = Date.now() + 10_000;
    let code = await journalCode();
    while (code !== expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      code = await journalCode();
    }
    return code;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-groups-'));
    await cli((s) => createGroup(s, 'field', { name: 'Field', permission: ['thirdParties.read'] }));
    await cli((s) => createGroup(s, 'admin', { name: 'Administrators', permission: [...permissions] }));
    await cli((s) => createUser(s, 'noa', { group: ['field'] }));
    const issued = await cli((s) => issueToken(s, 'noa', {}));
    suivi = await SuiviApp.start({ dataDir, ...(mongodbUrl ? { mongodbUrl } : {}) });
    noa = suivi.as(issued[0]!);
  });
  afterAll(async () => {
    await suivi?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('grants and withdraws a permission, keeping the others, and says when nothing changed', async () => {
    expect(await journalCode()).toBe('FORBIDDEN');
    expect(await cli((s) => changeGroupPermissions(s, 'Field', { add: ['auditJournal.read', 'notes.read'] }))).toEqual([
      'group field: thirdParties.read notes.read auditJournal.read',
    ]);
    expect(await journalCodeBecomes('OK')).toBe('OK');
    expect(await cli((s) => changeGroupPermissions(s, 'field', { remove: ['notes.read'] }))).toEqual(['group field: thirdParties.read auditJournal.read']);
    expect(await cli((s) => changeGroupPermissions(s, 'field', { add: ['auditJournal.read'] }))).toEqual([
      'group field: thirdParties.read auditJournal.read (unchanged)',
    ]);
  });

  it('replaces the whole list with `suivi groups permissions <code> --permission …`', async () => {
    const program = new Command().exitOverride();
    registerAccessCommands(program);
    useStores();
    await program.parseAsync(['groups', 'permissions', 'field', '--permission', 'contacts.read', '--permission', 'thirdParties.read'], { from: 'user' });
    expect(await journalCodeBecomes('FORBIDDEN')).toBe('FORBIDDEN');
    expect(await cli((s) => listGroups(s))).toContainEqual(expect.stringMatching(/^field\s+Field\s+thirdParties.read contacts.read$/));
  });

  it('says what is wrong, in the words of the command line', async () => {
    await expect(cli((s) => changeGroupPermissions(s, 'field', {}))).rejects.toThrow(/^give --permission <code> \(repeatable: the whole new list\), or --add/);
    await expect(cli((s) => changeGroupPermissions(s, 'field', { permission: ['notes.read'], add: ['notes.read'] }))).rejects.toThrow(
      /^--permission gives the whole new list: give it alone/,
    );
    await expect(cli((s) => changeGroupPermissions(s, 'sailors', { add: ['notes.read'] }))).rejects.toThrow('group sailors does not exist');
    await expect(cli((s) => changeGroupPermissions(s, 'field', { permission: ['notes.fly'] }))).rejects.toThrow(/^permissions\[0\]: must be one of/);
    await expect(cli((s) => changeGroupPermissions(s, 'field', { add: ['notes.fly'] }))).rejects.toThrow(/^add\[0\]: must be one of/);
    await expect(cli((s) => changeGroupPermissions(s, 'admin', { remove: ['admin.usersAndGroups'] }))).rejects.toThrow(
      /the admin group keeps admin\.usersAndGroups/,
    );
  });
});
