import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyAudit, withAuditSession } from '../apps/cli/src/audit.commands.js';
import { forgetSubject, showCertificate, withErasureSession, type ErasureSession } from '../apps/cli/src/privacy.commands.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

/**
 * `suivi privacy forget` and `suivi privacy certificate`, run in-process as the
 * command line runs them, on the data directory a server wrote and left; then
 * `suivi audit verify`, before and after the server's worker applies the erasure.
 */
describe('forgetting a person from the command line', () => {
  let dataDir: string;
  let thirdPartyId: string;
  let contactId: string;

  const useDataDir = (): void => {
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
  };

  const cli = async (work: (session: ErasureSession) => Promise<number>) => {
    const out: string[] = [];
    const notes: string[] = [];
    useDataDir();
    const code = await withErasureSession(work, { out: (line) => out.push(line), note: (line) => notes.push(line) });
    return { code, out, notes };
  };

  const verify = async () => {
    const out: string[] = [];
    useDataDir();
    const code = await withAuditSession((session) => verifyAudit(session, {}, { out: (line) => out.push(line), note: () => undefined }));
    return { code, out };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-erasure-'));
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const client = new SuiviClient(suivi);
      thirdPartyId = (await client.must('registerThirdParty', { name: 'Menuiserie Aubert', kind: 'COMPANY', roles: ['CUSTOMER'] })).thirdParty.id;
      contactId = (await client.must('addContact', { thirdPartyId, firstName: 'Rosalie', lastName: 'Aubert', email: 'rosalie@aubert.example' })).contact.id;
      await client.must('logExchange', { thirdPartyId, contactIds: [contactId], mode: 'phone', subject: 'quote', comment: 'Rosalie wants oak' });
      await client.read('query { verifyAuditJournal { ok } }');
    } finally {
      await suivi.stop();
    }
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('forgets a company with its contact, shows each step and writes the certificate', async () => {
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}-certificate.json`);
    const { code, out, notes } = await cli((s) => forgetSubject(s, 'third-party', thirdPartyId, { reason: 'subject-request', reference: 'TICKET-9', out: file }));
    expect(code).toBe(0);
    expect(out).toEqual([]);
    expect(notes.slice(0, 6)).toEqual([
      `forgetting third party ${thirdPartyId} (SUBJECT_REQUEST):`,
      expect.stringMatching(/^ {2}scanned \d+ events of the log: 1 contact\(s\) to forget with it$/),
      `  contact ${contactId}: forgotten`,
      `  third party ${thirdPartyId}: erasure recorded`,
      `  key thirdParty:${thirdPartyId}: destroyed`,
      `  key contact:${contactId}: destroyed`,
    ]);
    const certificate = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    rmSync(file);
    expect(certificate).toMatchObject({
      subject: { kind: 'thirdParty', id: thirdPartyId },
      reason: 'SUBJECT_REQUEST',
      reference: 'TICKET-9',
      forgottenBy: `cli:${os.userInfo().username}`,
      keysDestroyed: [`thirdParty:${thirdPartyId}`, `contact:${contactId}`],
      contactsForgotten: [contactId],
      eventsNowUnreadable: 3,
    });
  });

  it('keeps the audit journal verifiable while the worker has not applied the erasure yet, and after', async () => {
    const before = await verify();
    expect(before.code).toBe(0);
    expect(before.out[0]).toMatch(/^audit journal intact: /);
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const client = new SuiviClient(suivi);
      // Read once the worker has applied the erasure the command line recorded.
      client.lastPosition = (await suivi.headPosition())!.toString();
      const { thirdParty } = await client.read<{ thirdParty: { name: string } }>('query($id: ID!) { thirdParty(id: $id) { name } }', { id: thirdPartyId });
      expect(thirdParty.name).toBe('[erased]');
      const { verifyAuditJournal } = await client.read<{ verifyAuditJournal: { ok: boolean } }>('query { verifyAuditJournal { ok } }');
      expect(verifyAuditJournal.ok).toBe(true);
    } finally {
      await suivi.stop();
    }
    const after = await verify();
    expect(after.code).toBe(0);
    expect(after.out[0]).toMatch(/^audit journal intact: /);
  });

  it('prints the certificate again, the same, and says when a person was not forgotten', async () => {
    const shown = await cli((s) => showCertificate(s, 'contact', contactId, {}));
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out[0]!)).toMatchObject({ subject: { kind: 'contact', id: contactId }, keysDestroyed: [`contact:${contactId}`] });
    const again = await cli((s) => forgetSubject(s, 'contact', contactId, { reason: 'OTHER' }));
    expect(again.notes).toContain(`  contact ${contactId}: already forgotten, nothing recorded again`);
    expect(again.out).toEqual(shown.out);
    const unknown = await cli((s) => showCertificate(s, 'contact', '00000000-0000-4000-8000-000000000000', {}));
    expect(unknown.code).toBe(1);
    expect(unknown.notes.at(-1)).toContain('was not forgotten');
    await expect(cli((s) => forgetSubject(s, 'user', 'x', { reason: 'OTHER' }))).rejects.toThrow('contact or third-party');
    await expect(cli((s) => forgetSubject(s, 'contact', contactId, { reason: 'BORED' }))).rejects.toThrow('--reason must be one of');
    expect(existsSync(path.join(dataDir, 'keys.sqlite'))).toBe(true);
  });
});
