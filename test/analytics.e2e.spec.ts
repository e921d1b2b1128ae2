import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { permissions } from '#domain';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection } from './support/suivi-client.js';

const DAY_MS = 86_400_000;

const CONVERSION = `query($from: DateTime!, $to: DateTime!, $groupBy: MetricsGroupBy!, $asOf: DateTime) {
  conversionMetrics(from: $from, to: $to, groupBy: $groupBy, asOf: $asOf) {
    from to asOf groupBy
    total { key prospects conversions conversionRate exchangesPerConversion timeToConvert { count medianDays p75Days meanDays } }
    groups { key prospects conversions conversionRate }
  }
}`;
const PIPELINE = `query($groupBy: MetricsGroupBy!, $asOf: DateTime) {
  prospectPipeline(groupBy: $groupBy, asOf: $asOf) { asOf groupBy total { openProspects converted lost } groups { key openProspects converted lost } }
}`;
const FOLLOW_UPS = `query($from: DateTime!, $to: DateTime!) {
  followUpEffectiveness(from: $from, to: $to) {
    quotes { documents succeeded succeededWithoutReminder steps { step reminded succeeded rate } }
    invoices { documents succeeded succeededWithoutReminder }
  }
}`;
const LAST_CONTACT = `query($asOf: DateTime) { lastContactDistribution(asOf: $asOf) { at total buckets { bucket count } } }`;
const FREQUENCY = `query($from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
  exchangeFrequency(from: $from, to: $to, first: $first, after: $after) {
    totalCount edges { cursor node { thirdPartyId customer exchanges perMonth firstExchangeAt lastExchangeAt } } pageInfo { hasNextPage endCursor }
  }
}`;

type Conversion = {
  conversionMetrics: {
    asOf: string | null;
    total: { prospects: number; conversions: number; conversionRate: number | null; exchangesPerConversion: number | null; timeToConvert: { count: number; medianDays: number | null } };
    groups: { key: string | null; prospects: number; conversions: number; conversionRate: number | null }[];
  };
};

/**
 * Conversion metrics over HTTP: a small history written through the API (the
 * server's own clock; exchanges dated in the past), read now from the metrics
 * read model and as of an instant before the conversion from the log; the
 * permission and a scoped user's view.
 */
describe.each(e2eBackends())('analytics (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let nord: string;
  let customer: string;
  let beforeConversion: string;
  const ago = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString();
  const period = (): { from: string; to: string } => ({ from: ago(365), to: ago(-1) });

  const userWith = async (login: string, groupPermissions: readonly string[], scope: { territories: string[] | null; ownedOnly: boolean } | null) => {
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
      input: { code: login, name: login, permissions: groupPermissions },
    });
    const created = await admin.read<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
      input: { login, groupCodes: [login] },
    });
    const userId = created.createUser.user.id;
    if (scope !== null) {
      await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', { input: { userId, ...scope } });
    }
    const issued = await admin.read<{ issueApiToken: { token: string } }>('mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }', {
      input: { userId },
    });
    const client = new SuiviClient(suivi.as(issued.issueApiToken.token));
    client.lastPosition = admin.lastPosition;
    return client;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    const register = async (name: string, roles: string[], territory: string, leadSource: string | null) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles, territory, leadSource })).thirdParty.id;
    nord = await register('Boulangerie du Nord', ['PROSPECT'], 'Nord', 'fair');
    await register('Fromagerie du Sud', ['PROSPECT'], 'Sud', 'web');
    customer = await register('Épicerie Centrale', ['CUSTOMER'], 'Nord', null);
    const log = (thirdPartyId: string, daysAgo: number) => admin.must('logExchange', { thirdPartyId, occurredAt: ago(daysAgo), mode: 'phone', subject: 'prospecting' });
    await log(nord, 10);
    await log(nord, 5);
    await log(customer, 120);
    const quote = await admin.read<{ recordCommercialDocument: { position: string; commercialDocument: { id: string } } }>(
      'mutation($input: RecordCommercialDocumentInput!) { recordCommercialDocument(input: $input) { position commercialDocument { id } } }',
      { input: { thirdPartyId: customer, type: 'QUOTE', ref: 'Q-1', amount: '100', currency: 'EUR', issuedAt: ago(3) } },
    );
    const accepted = await admin.read<{ changeCommercialDocumentStatus: { position: string } }>(
      'mutation($input: ChangeCommercialDocumentStatusInput!) { changeCommercialDocumentStatus(input: $input) { position } }',
      { input: { documentId: quote.recordCommercialDocument.commercialDocument.id, status: 'ACCEPTED', at: ago(2) } },
    );
    admin.lastPosition = accepted.changeCommercialDocumentStatus.position;
    // As of this instant, nothing had converted yet.
    await new Promise((resolve) => setTimeout(resolve, 20));
    beforeConversion = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await admin.must('convertProspect', { thirdPartyId: nord });
  }, 60_000);

  afterAll(async () => {
    await suivi.stop();
  });

  it('computes conversion now, from the read model', async () => {
    const { conversionMetrics } = await admin.read<Conversion>(CONVERSION, { ...period(), groupBy: 'TERRITORY' });
    expect(conversionMetrics.asOf).toBeNull();
    expect(conversionMetrics.total).toMatchObject({ prospects: 2, conversions: 1, conversionRate: 0.5, exchangesPerConversion: 2 });
    // From the first exchange, ten days ago, to the conversion, just now.
    expect(conversionMetrics.total.timeToConvert.count).toBe(1);
    expect(conversionMetrics.total.timeToConvert.medianDays).toBeCloseTo(10, 2);
    expect(conversionMetrics.groups).toEqual([
      { key: 'Nord', prospects: 1, conversions: 1, conversionRate: 1 },
      { key: 'Sud', prospects: 1, conversions: 0, conversionRate: 0 },
    ]);
  });

  it('computes them as of an instant, from the history', async () => {
    const { conversionMetrics } = await admin.read<Conversion>(CONVERSION, { ...period(), groupBy: 'SOURCE', asOf: beforeConversion });
    expect(conversionMetrics.asOf).toBe(beforeConversion);
    expect(conversionMetrics.total).toMatchObject({ prospects: 2, conversions: 0, conversionRate: 0, exchangesPerConversion: null });
    const pipeline = await admin.read<{ prospectPipeline: { total: unknown; groups: unknown[] } }>(PIPELINE, { groupBy: 'SOURCE', asOf: beforeConversion });
    expect(pipeline.prospectPipeline.total).toEqual({ openProspects: 2, converted: 0, lost: 0 });
    const now = await admin.read<{ prospectPipeline: { total: unknown; groups: unknown[] } }>(PIPELINE, { groupBy: 'SOURCE' });
    expect(now.prospectPipeline.groups).toEqual([
      { key: 'fair', openProspects: 0, converted: 1, lost: 0 },
      { key: 'web', openProspects: 1, converted: 0, lost: 0 },
    ]);
  });

  it('answers follow-up effectiveness, last contacts and exchange frequency', async () => {
    const effect = await admin.read<{ followUpEffectiveness: unknown }>(FOLLOW_UPS, period());
    expect(effect.followUpEffectiveness).toEqual({
      quotes: { documents: 1, succeeded: 1, succeededWithoutReminder: 1, steps: [] },
      invoices: { documents: 0, succeeded: 0, succeededWithoutReminder: 0 },
    });
    const lastContact = await admin.read<{ lastContactDistribution: { total: number; buckets: { bucket: string; count: number }[] } }>(LAST_CONTACT);
    expect(lastContact.lastContactDistribution.total).toBe(3);
    expect(lastContact.lastContactDistribution.buckets.filter((bucket) => bucket.count > 0)).toEqual([
      { bucket: 'UNDER_30_DAYS', count: 1 },
      { bucket: 'DAYS_90_TO_180', count: 1 },
      { bucket: 'NEVER', count: 1 },
    ]);
    const first = await admin.read<{ exchangeFrequency: Connection<{ thirdPartyId: string; exchanges: number; customer: boolean }> }>(FREQUENCY, { ...period(), first: 1 });
    expect(first.exchangeFrequency.totalCount).toBe(2);
    expect(first.exchangeFrequency.edges.map((edge) => edge.node)).toMatchObject([{ thirdPartyId: nord, exchanges: 2, customer: true }]);
    const second = await admin.read<{ exchangeFrequency: Connection<{ thirdPartyId: string; exchanges: number }> }>(FREQUENCY, {
      ...period(),
      first: 1,
      after: first.exchangeFrequency.pageInfo.endCursor,
    });
    expect(second.exchangeFrequency.edges.map((edge) => edge.node)).toMatchObject([{ thirdPartyId: customer, exchanges: 1 }]);
    expect(second.exchangeFrequency.pageInfo.hasNextPage).toBe(false);
  });

  it("runs the README's query as written", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Conversion metrics over GraphQL'));
    const query = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(query).toContain('conversionMetrics');
    const data = await admin.read<{ exchangeFrequency: Connection }>(query!);
    expect(Object.keys(data).sort()).toEqual(['conversionMetrics', 'exchangeFrequency', 'followUpEffectiveness', 'lastContactDistribution', 'prospectPipeline']);
  });

  it('refuses a period that ends before it starts, naming the argument', async () => {
    const { errors } = await admin.query(CONVERSION, { from: ago(1), to: ago(2), groupBy: 'OWNER' });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('needs analytics.read, and counts for a scoped user only their third parties', async () => {
    const without = await userWith('no-analytics', permissions.filter((permission) => permission !== 'analytics.read'), null);
    const refused = await without.query(CONVERSION, { ...period(), groupBy: 'OWNER' });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(refused.data?.conversionMetrics ?? null).toBeNull();
    const south = await userWith('south', ['thirdParties.read', 'analytics.read'], { territories: ['Sud'], ownedOnly: false });
    const { conversionMetrics } = await south.read<Conversion>(CONVERSION, { ...period(), groupBy: 'TERRITORY' });
    expect(conversionMetrics.total).toMatchObject({ prospects: 1, conversions: 0 });
    expect(conversionMetrics.groups.map((group) => group.key)).toEqual(['Sud']);
    const asOf = await south.read<Conversion>(CONVERSION, { ...period(), groupBy: 'TERRITORY', asOf: beforeConversion });
    expect(asOf.conversionMetrics.groups.map((group) => group.key)).toEqual(['Sud']);
    const frequency = await south.read<{ exchangeFrequency: Connection }>(FREQUENCY, period());
    expect(frequency.exchangeFrequency.totalCount).toBe(0);
    const lastContact = await south.read<{ lastContactDistribution: { total: number; buckets: { bucket: string; count: number }[] } }>(LAST_CONTACT);
    expect(lastContact.lastContactDistribution.buckets.filter((bucket) => bucket.count > 0)).toEqual([{ bucket: 'NEVER', count: 1 }]);
  });
});
