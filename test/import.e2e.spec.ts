import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { permissions } from '#domain';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const REPORT = `position fileSha256 delimiter dryRun created updated unchanged rejected skipped suggested columns { column field }
  lines { line outcome id name matchedBy { kind value line } changes { field from to } problems { field column reason } suggestions { id name score } }`;
const IMPORT_THIRD_PARTIES = `mutation($input: ImportThirdPartiesInput!) { importThirdParties(input: $input) { ${REPORT} } }`;
const IMPORT_CONTACTS = `mutation($input: ImportContactsInput!) { importContacts(input: $input) { ${REPORT} } }`;

interface Line {
  line: number;
  outcome: string;
  id: string | null;
  name: string | null;
  matchedBy: { kind: string; value: string; line: number | null } | null;
  changes: { field: string; from: string | null; to: string | null }[];
  problems: { field: string; column: string | null; reason: string }[];
  suggestions: { id: string; name: string; score: number }[];
}
interface Report {
  position: string;
  fileSha256: string;
  delimiter: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  skipped: number;
  suggested: number;
  lines: Line[];
}

/** Spreadsheets arrive as text in a GraphQL string: the Windows-1252 fixture is what a browser reads of it. */
const fixtureText = (name: string, encoding: BufferEncoding = 'utf8'): string => readFileSync(path.join('test/fixtures/import', name)).toString(encoding);

/** importThirdParties and importContacts over HTTP: the pipeline of `suivi import`, for small inline files. */
describe.each(e2eBackends())('importing inline CSV over GraphQL (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;

  const run = async <T = Report>(client: SuiviClient, document: string, input: Json) => {
    const { data, errors } = await client.query<Record<string, T>>(document, { input });
    const report = data ? (Object.values(data)[0] as T) : null;
    if (report && typeof report === 'object' && 'position' in report) client.lastPosition = String((report as { position: string }).position);
    return { report, errors };
  };

  const clientWith = async (login: string, groupPermissions: string[]): Promise<SuiviClient> => {
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
      input: { code: `g-${login}`, name: login, permissions: groupPermissions },
    });
    const created = await admin.read<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
      input: { login, groupCodes: [`g-${login}`] },
    });
    const issued = await admin.read<{ issueApiToken: { token: string } }>('mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }', {
      input: { userId: created.createUser.user.id },
    });
    return new SuiviClient(suivi.as(issued.issueApiToken.token));
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    await admin.must('registerThirdParty', { name: 'Atelier Dubois', kind: 'COMPANY', roles: ['SUPPLIER'], email: 'contact@atelier-dubois.fr' });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('a dry run reports each line and writes nothing; the real run does it; the same text again changes nothing', async () => {
    const csv = fixtureText('third-parties-excel-fr.csv', 'latin1');
    const before = await suivi.headPosition();
    const { report: dry, errors } = await run(admin, IMPORT_THIRD_PARTIES, { csv, dryRun: true, country: 'FR' });
    expect(errors).toBeUndefined();
    expect(await suivi.headPosition()).toBe(before);
    expect(dry).toMatchObject({ delimiter: ';', created: 6, updated: 2, rejected: 2, suggested: 1 });
    const line4 = dry!.lines.find((l) => l.line === 4)!;
    expect(line4).toMatchObject({ outcome: 'UPDATED', matchedBy: { kind: 'vatNumber', value: 'FR40303265045', line: 2 } });
    expect(line4.changes).toContainEqual({ field: 'phone', from: '"+33142685300"', to: '"+33142685301"' });
    expect(dry!.lines.find((l) => l.line === 5)).toMatchObject({ outcome: 'REJECTED', problems: [{ field: 'email', column: 'E-mail' }] });

    const { report } = await run(admin, IMPORT_THIRD_PARTIES, { csv, country: 'FR' });
    expect(report!.lines.map((l) => [l.line, l.outcome])).toEqual(dry!.lines.map((l) => [l.line, l.outcome]));
    const dubois = report!.lines.find((l) => l.line === 9)!;
    expect(dubois).toMatchObject({ outcome: 'UPDATED', name: 'Atelier Dubois', matchedBy: { kind: 'domainAndName', line: null } });
    // The journal shows who imported, field by field.
    const found = await admin.read<{ thirdParty: { id: string; email: string; address: { city: string } } }>(
      'query($id: ID!) { thirdParty(id: $id) { id email address { city } } }',
      { id: dubois.id },
    );
    expect(found.thirdParty).toEqual({ id: dubois.id, email: 'compta@atelier-dubois.fr', address: { city: 'Lyon' } });

    const head = await suivi.headPosition();
    const { report: again } = await run(admin, IMPORT_THIRD_PARTIES, { csv, country: 'FR' });
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 10 });
    expect(await suivi.headPosition()).toBe(head);
  });

  it('contacts: attached to the third party a column names, matched within it', async () => {
    const { report, errors } = await run(admin, IMPORT_CONTACTS, { csv: fixtureText('contacts-it.csv'), country: 'IT' });
    expect(errors).toBeUndefined();
    expect(report).toMatchObject({ delimiter: '|', created: 2, updated: 1, rejected: 2 });
    expect(report!.lines.find((l) => l.line === 5)).toMatchObject({ outcome: 'UPDATED', matchedBy: { kind: 'email', line: 2 } });
  });

  it('names what is wrong: a malformed file, an unknown field, a file too large', async () => {
    const malformed = await run(admin, IMPORT_THIRD_PARTIES, { csv: fixtureText('malformed-quote.csv') });
    expect(malformed.report).toBeNull();
    expect(malformed.errors?.[0]).toMatchObject({
      message: 'input.csv: line 4, column 1 (Raison sociale): text follows a closing quote: a quote inside a quoted field must be doubled ("")',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.csv' },
    });
    const unknown = await run(admin, IMPORT_THIRD_PARTIES, { csv: 'Nom;Secteur\nAcme;BTP\n', mapping: [{ column: 'Secteur', field: 'sector' }] });
    expect(unknown.errors?.[0]?.message).toMatch(/^input\.mapping: "sector" is not a field of thirdParties/);
    const lines = ['Nom', ...Array.from({ length: 1001 }, (_, i) => `Entreprise ${i}`)].join('\n');
    const tooMany = await run(admin, IMPORT_THIRD_PARTIES, { csv: lines, dryRun: true });
    expect(tooMany.errors?.[0]?.message).toBe('input.csv: has 1,001 lines; inline CSV is limited to 1,000 (import larger files with `suivi import`)');
  });

  it('needs the update permission as well as create, and an unscoped user', async () => {
    const creator = await clientWith('creator', ['thirdParties.read', 'thirdParties.create']);
    const refused = await run(creator, IMPORT_THIRD_PARTIES, { csv: 'Nom\nAcme\n', dryRun: true });
    expect(refused.errors?.[0]).toMatchObject({
      message: 'importThirdParties: an import updates what matches, which needs the permission thirdParties.update as well',
      extensions: { code: 'FORBIDDEN' },
    });
    const reader = await clientWith('reader', ['thirdParties.read']);
    const denied = await run(reader, IMPORT_THIRD_PARTIES, { csv: 'Nom\nAcme\n', dryRun: true });
    expect(denied.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const editor = await clientWith('editor', permissions.filter((p) => p.startsWith('thirdParties.')));
    const { report } = await run(editor, IMPORT_THIRD_PARTIES, { csv: 'Nom\nAcme Nouvelle\n' });
    expect(report).toMatchObject({ created: 1 });
  });
});
