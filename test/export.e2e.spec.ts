import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { permissions } from '#domain';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const EXPORT_THIRD_PARTIES = `query($filter: ThirdPartyFilter, $format: ExportFormatInput) {
  exportThirdParties(filter: $filter, format: $format) { filename contentType content rows }
}`;
const EXPORT_EXCHANGES = `query($filter: ExchangeFilter, $format: ExportFormatInput) {
  exportExchanges(filter: $filter, format: $format) { filename contentType content rows }
}`;

interface ExportFile {
  filename: string;
  contentType: string;
  content: string;
  rows: number;
}

const records = (file: ExportFile, delimiter = ','): Record<string, string>[] =>
  parse(file.content, { columns: true, delimiter, bom: true }) as Record<string, string>[];

/**
 * exportThirdParties and exportExchanges over HTTP: the lists' own read paths,
 * so a user limited to a territory exports that territory, and a confidential
 * comment appears only for whom the exchange list shows it.
 */
describe.each(e2eBackends())('exporting the directory and the exchanges as CSV (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let nina: SuiviClient; // territory Nord
  let nord: string;
  let sud: string;

  const exportOf = async (client: SuiviClient, document: string, variables: Json = {}): Promise<ExportFile> =>
    Object.values(await client.read<Record<string, ExportFile>>(document, variables))[0]!;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
      input: { code: 'field', name: 'Field', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') },
    });
    const created = await admin.read<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
      input: { login: 'nina', groupCodes: ['field'] },
    });
    const userId = created.createUser.user.id;
    await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', { input: { userId, territories: ['Nord'], ownedOnly: false } });
    const issued = await admin.read<{ issueApiToken: { token: string } }>('mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }', { input: { userId } });
    nina = new SuiviClient(suivi.as(issued.issueApiToken.token));

    nord = (await admin.must('registerThirdParty', { name: 'Boulangerie du Nord', kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'Nord', email: 'nord@boulangerie.fr', tags: ['pain', 'bio'] })).thirdParty.id;
    sud = (await admin.must('registerThirdParty', { name: 'Garage du Sud; Fils', kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Sud' })).thirdParty.id;
    await admin.must('logExchange', { thirdPartyId: nord, mode: 'phone', subject: 'quote', comment: 'Devis "pain bio"\nà rappeler', confidentialComment: 'Marge serrée' });
    await admin.must('logExchange', { thirdPartyId: sud, mode: 'email', subject: 'prospecting', comment: 'Premier contact' });
    nina.lastPosition = admin.lastPosition;
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('exports the directory as the list shows it: all of it for an administrator, the territory for a scoped user', async () => {
    const all = await exportOf(admin, EXPORT_THIRD_PARTIES);
    expect(all).toMatchObject({ contentType: 'text/csv; charset=utf-8', rows: 2 });
    expect(all.filename).toMatch(/^suivi-third-parties-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(all.content.startsWith('id,name,kind,roles,')).toBe(true);
    const rows = records(all);
    expect(rows.map((r) => [r['name'], r['territory'], r['tags']])).toEqual([
      ['Boulangerie du Nord', 'Nord', 'bio, pain'],
      ['Garage du Sud; Fils', 'Sud', ''],
    ]);
    const scoped = records(await exportOf(nina, EXPORT_THIRD_PARTIES));
    expect(scoped.map((r) => r['id'])).toEqual([nord]);
    // A filter naming what the scope leaves out finds nothing, as in the list.
    expect((await exportOf(nina, EXPORT_THIRD_PARTIES, { filter: { territory: 'Sud' } })).rows).toBe(0);
    expect((await exportOf(admin, EXPORT_THIRD_PARTIES, { filter: { territory: 'Sud' } })).rows).toBe(1);
  });

  it('the Excel flavour: a UTF-8 byte-order mark, semicolons, CRLF, quoting where needed', async () => {
    const file = await exportOf(admin, EXPORT_THIRD_PARTIES, { format: { excel: true } });
    expect(file.content.startsWith('\uFEFFid;name;kind;roles;')).toBe(true);
    expect(file.content).toContain('\r\n');
    expect(file.content).toContain('"Garage du Sud; Fils"');
    expect(records(file, ';').map((r) => r['name'])).toEqual(['Boulangerie du Nord', 'Garage du Sud; Fils']);
  });

  it('exports exchanges as the exchanges list shows them, confidential comments only to whom may read them', async () => {
    const all = records(await exportOf(admin, EXPORT_EXCHANGES));
    expect(all.map((r) => [r['thirdPartyName'], r['subject'], r['comment'], r['confidentialComment']])).toEqual([
      ['Garage du Sud; Fils', 'prospecting', 'Premier contact', ''],
      ['Boulangerie du Nord', 'quote', 'Devis "pain bio"\nà rappeler', 'Marge serrée'],
    ]);
    const scoped = records(await exportOf(nina, EXPORT_EXCHANGES));
    expect(scoped.map((r) => [r['thirdPartyId'], r['comment'], r['confidentialComment']])).toEqual([[nord, 'Devis "pain bio"\nà rappeler', '']]);
    expect((await exportOf(nina, EXPORT_EXCHANGES, { filter: { thirdPartyId: sud } })).rows).toBe(0);
  });

  it('refuses an import to a scoped user: matching reads the whole directory', async () => {
    const { errors } = await nina.query('mutation($input: ImportThirdPartiesInput!) { importThirdParties(input: $input) { created } }', {
      input: { csv: 'Nom\nAcme\n', dryRun: true },
    });
    expect(errors?.[0]).toMatchObject({
      message: 'importThirdParties: an import matches against the whole directory, which a user limited to some third parties may not see',
      extensions: { code: 'FORBIDDEN' },
    });
  });
});
