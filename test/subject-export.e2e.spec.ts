import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportSubject, withExportSession } from '../apps/cli/src/privacy-export.commands.js';
import { SecurityJournal, type Denial } from '../apps/api/src/auth/security-journal.js';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const EXPORT = `query($kind: DataSubjectKind!, $id: ID!) { exportDataSubject(subjectKind: $kind, subjectId: $id) { format json html generatedAt } }`;

type Exported = { exportDataSubject: { format: string; json: string; html: string; generatedAt: string } | null };
type Event = { type: string; at: string; by: string; confidential: boolean; data: Json };
type Record = { id: string; confidential: boolean; events: Event[] };

/**
 * The subject access export over HTTP: everything about one person, from the
 * event history, and nothing about anyone else; the HTML page escapes what
 * it shows; out of scope, a person is as unknown as an id that never existed.
 */
describe.each(e2eBackends())('exporting what Suivi holds about a person (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let company: string; // territory Sud
  let paul: string; // the subject: a contact of the company
  let anne: string; // another contact of the same company
  let marie: string; // a third party that is a person, territory Nord
  let paulExchange: string;
  let anneExchange: string;
  let paulNote: string;
  let anneNote: string;

  const exportOf = async (client: SuiviClient, kind: string, id: string) => client.query<Exported>(EXPORT, { kind, id });
  const jsonOf = async (kind: string, id: string): Promise<Json> => {
    const { data, errors } = await exportOf(admin, kind, id);
    expect(errors).toBeUndefined();
    return JSON.parse(data!.exportDataSubject!.json) as Json;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    company = (await admin.must('registerThirdParty', { name: 'Radium SARL', kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'Sud' })).thirdParty.id;
    paul = (await admin.must('addContact', { thirdPartyId: company, firstName: 'Paul', lastName: 'Langevin', email: 'paul@radium.example' })).contact.id;
    anne = (await admin.must('addContact', { thirdPartyId: company, firstName: 'Anne', lastName: 'Ambre', email: 'anne@radium.example' })).contact.id;
    marie = (
      await admin.must('registerThirdParty', { name: 'Marie <script>alert(1)</script> Curie', kind: 'INDIVIDUAL', roles: ['PROSPECT'], territory: 'Nord' })
    ).thirdParty.id;
    await admin.must('updateContact', { contactId: paul, jobTitle: 'Physicist' });
    paulExchange = (
      await admin.must('logExchange', {
        thirdPartyId: company,
        contactIds: [paul],
        mode: 'phone',
        subject: 'prospecting',
        comment: 'Paul asked for a quote',
        confidentialComment: 'Paul is hard to reach',
      })
    ).exchange.id;
    anneExchange = (await admin.must('logExchange', { thirdPartyId: company, contactIds: [anne], mode: 'email', subject: 'support', comment: 'Ambre ticket' }))
      .exchange.id;
    paulNote = (await admin.must('addNote', { thirdPartyId: company, contactId: paul, text: 'Paul prefers mornings' })).note.id;
    anneNote = (await admin.must('addNote', { thirdPartyId: company, contactId: anne, text: 'Ambre prefers evenings' })).note.id;
    const document = 'mutation($input: RecordCommercialDocumentInput!) { recordCommercialDocument(input: $input) { position } }';
    for (const [thirdPartyId, ref] of [
      [company, 'PR-RADIUM-1'],
      [marie, 'FA-CURIE-1'],
    ] as const) {
      const recorded = await suivi.graphql(document, { input: { thirdPartyId, type: 'QUOTE', ref, amount: '120.00', currency: 'EUR', issuedAt: '2026-01-04T09:00:00Z' } });
      expect(recorded.body.errors).toBeUndefined();
    }
    const { body } = await suivi.graphql<{ recordContactConsent: { position: string } }>(
      'mutation($input: RecordContactConsentInput!) { recordContactConsent(input: $input) { position } }',
      { input: { contactId: paul, purpose: 'NEWSLETTER', channel: 'EMAIL', decision: 'GIVEN', at: '2026-01-05T09:00:00Z', method: 'FORM', evidence: { ipAddress: '198.51.100.4' } } },
    );
    admin.lastPosition = body.data!.recordContactConsent.position;
  });
  afterAll(async () => {
    await suivi?.stop();
  });

  it('holds the profile, its changes, consents, exchanges, notes and audit entries of the subject', async () => {
    const exported = await jsonOf('CONTACT', paul);
    expect(exported).toMatchObject({
      format: 'suivi.subject-export.v1',
      subject: { kind: 'contact', id: paul, status: 'active', thirdPartyId: company, organisation: { thirdPartyId: company, name: 'Radium SARL' } },
      profile: { firstName: 'Paul', lastName: 'Langevin', email: 'paul@radium.example', jobTitle: 'Physicist' },
      // The company's quote is the company's: a contact has no documents of their own.
      documents: { recordedBySuivi: true, items: [] },
      followUps: { recordedBySuivi: false, items: [] },
    });
    const changes = exported['changes'] as Event[];
    expect(changes.map((event) => event.type)).toEqual(['ContactAdded', 'ContactUpdated']);
    expect(changes[1]).toMatchObject({ by: ADMIN_USER_ID, data: { changes: [{ field: 'jobTitle', from: null, to: 'Physicist' }] } });
    expect(exported['consents']).toMatchObject({
      current: [{ purpose: 'NEWSLETTER', channel: 'EMAIL', decision: 'GIVEN', evidence: { ipAddress: '198.51.100.4' } }],
      history: [{ purpose: 'NEWSLETTER' }],
    });
    const exchanges = exported['exchanges'] as Record[];
    expect(exchanges.map((exchange) => exchange.id)).toEqual([paulExchange]);
    // The confidential comment is about Paul: included, flagged for the controller's review.
    expect(exchanges[0]).toMatchObject({ confidential: true, events: [{ type: 'ExchangeLogged', confidential: true, data: { confidentialComment: 'Paul is hard to reach' } }] });
    expect(exported['notices']).toEqual([expect.stringContaining('confidential')]);
    const notes = exported['notes'] as Record[];
    expect(notes.map((note) => note.id)).toEqual([paulNote]);
    expect(notes[0]?.events[0]?.data).toMatchObject({ text: 'Paul prefers mornings' });
    const audit = exported['auditEntries'] as Json[];
    expect(audit.map((entry) => `${entry['entityType']}:${entry['action']}`)).toEqual(['contact:ContactAdded', 'contact:ContactUpdated', 'consent:ConsentRecorded']);
  });

  it('holds nothing of another person', async () => {
    const text = JSON.stringify(await jsonOf('CONTACT', paul));
    for (const other of [anne, anneExchange, anneNote, marie, 'Ambre', 'anne@radium.example', 'Curie', 'PR-RADIUM-1']) expect(text).not.toContain(other);
    const hers = JSON.stringify(await jsonOf('CONTACT', anne));
    for (const other of [paul, paulExchange, paulNote, 'Langevin', 'Physicist', '198.51.100.4']) expect(hers).not.toContain(other);
  });

  it('renders a self-contained HTML page that escapes what it shows', async () => {
    const { data } = await exportOf(admin, 'THIRD_PARTY', marie);
    const { html, json } = data!.exportDataSubject!;
    const exported = JSON.parse(json) as Json;
    expect(exported).toMatchObject({ subject: { kind: 'thirdParty', id: marie }, profile: { name: 'Marie <script>alert(1)</script> Curie', kind: 'INDIVIDUAL' } });
    expect(exported['documents']).toMatchObject({ recordedBySuivi: true, items: [{ events: [{ type: 'CommercialDocumentRecorded', data: { ref: 'FA-CURIE-1' } }] }] });
    expect(html).toContain('FA-CURIE-1');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toContain('<script');
    expect(html).toContain('Marie &lt;script&gt;alert(1)&lt;/script&gt; Curie');
    // Nothing to fetch: no link, image or style sheet from elsewhere, and a policy that forbids any.
    expect(html).not.toMatch(/<[^>]*\b(?:src|href)=/);
    expect(html).toContain(`default-src 'none'`);
    const paulHtml = (await exportOf(admin, 'CONTACT', paul)).data!.exportDataSubject!.html;
    expect(paulHtml).toContain('Paul prefers mornings');
    expect(paulHtml).toContain('confidential');
  });

  it('answers an unknown subject with null', async () => {
    const { data, errors } = await exportOf(admin, 'CONTACT', randomUUID());
    expect(errors).toBeUndefined();
    expect(data).toEqual({ exportDataSubject: null });
    expect((await exportOf(admin, 'THIRD_PARTY', paul)).data).toEqual({ exportDataSubject: null });
  });

  it('needs privacy.manage, and answers a subject out of scope as an unknown one', async () => {
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { position } }', {
      input: { code: 'dpo', name: 'Data protection', permissions: ['thirdParties.read', 'contacts.read', 'privacy.manage'] },
    });
    const tokenFor = async (login: string, groupCodes: string[], territories: string[] | null) => {
      const created = await admin.read<{ createUser: { user: { id: string } } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
        { input: { login, groupCodes } },
      );
      const userId = created.createUser.user.id;
      await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', { input: { userId, territories, ownedOnly: false } });
      const issued = await admin.read<{ issueApiToken: { token: string } }>('mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }', {
        input: { userId },
      });
      const client = new SuiviClient(suivi.as(issued.issueApiToken.token));
      client.lastPosition = admin.lastPosition;
      return client;
    };
    const sales = await tokenFor('export-sales', ['sales'], null);
    const refused = await exportOf(sales, 'CONTACT', paul);
    expect(refused.data?.exportDataSubject ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringContaining('privacy.manage'), extensions: { code: 'FORBIDDEN' } });

    const nord = await tokenFor('export-nord', ['dpo'], ['Nord']);
    const denials: Denial[] = [];
    const spy = jest.spyOn(suivi.app.get(SecurityJournal), 'record').mockImplementation((denial: Denial) => void denials.push(denial));
    const unknownId = randomUUID();
    const out = await exportOf(nord, 'CONTACT', paul);
    const none = await exportOf(nord, 'CONTACT', unknownId);
    spy.mockRestore();
    expect(out).toEqual({ data: { exportDataSubject: null }, errors: undefined });
    expect(none).toEqual(out);
    expect(denials.map((denial) => `${denial.reason} ${denial.operation}`)).toEqual(['outOfScope Query.exportDataSubject']);
    const mine = await exportOf(nord, 'THIRD_PARTY', marie);
    expect(JSON.parse(mine.data!.exportDataSubject!.json)).toMatchObject({ subject: { id: marie } });
  });
});

/** `suivi privacy export`, run in-process as the command line runs it, on the data directory a server wrote and left. */
describe('exporting a person from the command line', () => {
  let dataDir: string;
  let contactId: string;

  const cli = async (kind: string, id: string, html?: string) => {
    const out: string[] = [];
    const notes: string[] = [];
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
    const file = path.join(dataDir, 'export.json');
    const code = await withExportSession((session) =>
      exportSubject(session, { kind, id, out: file, html }, { out: (line) => out.push(line), note: (line) => notes.push(line) }),
    );
    return { code, out, notes, file };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-export-'));
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const client = new SuiviClient(suivi);
      const { thirdParty } = await client.must('registerThirdParty', { name: 'Atelier Dubois', kind: 'COMPANY', roles: ['SUPPLIER'] });
      contactId = (await client.must('addContact', { thirdPartyId: thirdParty.id, firstName: 'Luc', lastName: 'Dubois <b>' })).contact.id;
      await client.must('addNote', { thirdPartyId: thirdParty.id, contactId, text: 'Luc answers on Fridays' });
      // Reading with the last position waits for every read model; stopping saves their checkpoints.
      await client.read('query($id: ID!) { contact(id: $id) { id } }', { id: contactId });
    } finally {
      await suivi.stop();
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the JSON and the HTML export, readable by its owner only', async () => {
    const html = path.join(dataDir, 'export.html');
    const { code, out, notes, file } = await cli('contact', contactId.toUpperCase(), html);
    expect(code).toBe(0);
    expect(out).toEqual([`wrote ${file} (suivi.subject-export.v1) for contact ${contactId}`, `wrote ${html}`]);
    expect(notes).toEqual([]);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as Json;
    expect(exported).toMatchObject({ format: 'suivi.subject-export.v1', subject: { id: contactId }, profile: { lastName: 'Dubois <b>' } });
    expect((exported['notes'] as Record[])[0]?.events[0]?.data).toMatchObject({ text: 'Luc answers on Fridays' });
    expect(readFileSync(html, 'utf8')).toContain('Dubois &lt;b&gt;');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes nothing for an unknown subject, and refuses an unknown kind', async () => {
    const { code, notes } = await cli('third-party', contactId);
    expect(code).toBe(1);
    expect(notes).toEqual([`no third-party with id ${contactId}: nothing written`]);
    await expect(cli('person', contactId)).rejects.toThrow('the subject kind must be contact or third-party, got "person"');
  });
});
