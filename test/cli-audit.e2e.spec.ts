import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { auditJournalCollection } from '#projections';
import { parseAnchor, verifyAudit, withAuditSession, type VerifyCommandOptions } from '../apps/cli/src/audit.commands.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

/**
 * `suivi audit verify`, run in-process as the command line runs it (stores
 * opened from the environment), on the data directory a server wrote and left.
 */
describe('verifying the audit journal from the command line', () => {
  let dataDir: string;
  let head: bigint;

  const cli = async (options: VerifyCommandOptions = {}) => {
    const out: string[] = [];
    const notes: string[] = [];
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
    const code = await withAuditSession((session) => verifyAudit(session, options, { out: (line) => out.push(line), note: (line) => notes.push(line) }));
    return { code, out, notes };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-audit-'));
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const client = new SuiviClient(suivi);
      const { thirdParty } = await client.must('registerThirdParty', { name: 'Atelier Dubois', kind: 'COMPANY', roles: ['SUPPLIER'] });
      await client.must('addContact', { thirdPartyId: thirdParty.id, firstName: 'Luc', lastName: 'Dubois' });
      await client.must('updateThirdParty', { thirdPartyId: thirdParty.id, name: 'Atelier Dubois SARL' });
      // Reading with the last position waits for the journal and the chain; stopping saves their checkpoints.
      await client.read('query { verifyAuditJournal { ok } }');
      head = (await suivi.headPosition())!;
    } finally {
      await suivi.stop();
    }
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  let anchor: string;

  it('says the journal is intact, exits 0, and prints the anchor to keep', async () => {
    const { code, out, notes } = await cli();
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const match = /^audit journal intact: (\d+) events checked up to position (\d+); head hash ([0-9a-f]{64})$/.exec(out[0]!);
    expect(match?.slice(1, 3)).toEqual([String(head), String(head)]);
    anchor = `${head}:${match![3]}`;
    expect(notes.join('\n')).toContain(`suivi audit verify --anchor ${anchor}`);
  });

  it('checks an anchor given back, and refuses a malformed one', async () => {
    const { code, out } = await cli({ anchor: [anchor] });
    expect(code).toBe(0);
    expect(out[1]).toBe('the anchor matches.');
    const wrong = await cli({ anchor: [`${head}:${'a'.repeat(64)}`] });
    expect(wrong.code).toBe(1);
    expect(wrong.out[0]).toMatch(new RegExp(`^audit journal BROKEN at position ${head} .*differs from the one anchored`));
    await expect(cli({ anchor: ['12:not-a-hash'] })).rejects.toThrow('--anchor must be <position>:<64 hex digits>');
    expect(parseAnchor(` 7:${'AB'.repeat(32)} `)).toEqual({ position: 7n, hash: 'ab'.repeat(32) });
  });

  it('exits 1 on an altered journal entry, naming its position and what to do next', async () => {
    const db = new Database(path.join(dataDir, 'read.sqlite'));
    let position: string;
    try {
      const row = db.prepare(`SELECT id, doc FROM ${auditJournalCollection.name} WHERE json_extract(doc, '$.action') = 'ThirdPartyUpdated'`).get() as { id: string; doc: string };
      const doc = JSON.parse(row.doc) as { actorId: string; position: string };
      position = doc.position;
      db.prepare(`UPDATE ${auditJournalCollection.name} SET doc = ? WHERE id = ?`).run(JSON.stringify({ ...doc, actorId: 'someone-else' }), row.id);
    } finally {
      db.close();
    }
    const { code, out, notes } = await cli();
    expect(code).toBe(1);
    expect(out[0]).toMatch(new RegExp(`^audit journal BROKEN at position ${position} \\(event [0-9a-f-]{36}\\): .*the stored journal entry was altered$`));
    expect(out[1]).toBe(`${Number(position) - 1} events before it matched their journal entries and chain links.`);
    expect(notes.join('\n')).toContain('Do not rebuild the audit journal or the audit chain');
  });
});
