import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { categoryOf, permissions } from '#domain';
import type { EventStore } from '#event-store';
import { SecurityJournal, type Denial } from '../apps/api/src/auth/security-journal.js';
import { EVENT_STORE } from '../apps/api/src/infrastructure/tokens.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { CONTACT_FIELDS, SuiviClient, THIRD_PARTY_FIELDS, type Connection, type Json, type MutationName } from './support/suivi-client.js';

const THIRD_PARTY = `query($id: ID!, $asOf: DateTime) { thirdParty(id: $id, asOf: $asOf) { ${THIRD_PARTY_FIELDS} contacts { id } } }`;
const THIRD_PARTIES = `query($filter: ThirdPartyFilter, $first: Int) {
  thirdParties(first: $first, filter: $filter) { totalCount edges { node { id name } } pageInfo { hasNextPage } }
}`;
const CONTACT = `query($id: ID!) { contact(id: $id) { ${CONTACT_FIELDS} thirdParty { id name } } }`;
const SET_SCOPE = `mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position user { id login scope { territories ownedOnly } } } }`;

/**
 * Scope, over HTTP: a user limited to a territory, another to what they own.
 * Out of scope must be indistinguishable from nonexistent: every answer about
 * an out-of-scope third party (or something under it) is compared, whole, to
 * the answer about a random id, and nothing is written.
 */
describe.each(e2eBackends())('third parties out of scope (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let nina: SuiviClient; // territory Nord
  let oscar: SuiviClient; // what they own
  let ninaId: string;
  let oscarId: string;
  const denials: Denial[] = [];
  // Nord, Sud, and Nord owned by Oscar; a contact and an exchange under the first two.
  let nord: string;
  let sud: string;
  let oscars: string;
  let nordContact: string;
  let sudContact: string;
  let sudExchange: string;

  const graphql = async (client: SuiviClient, query: string, variables: Json) => {
    const { data, errors } = await client.query(query, variables);
    return { data, errors };
  };

  /** Streams written since `head`, but for the security journal's (which records the refusals themselves). */
  const writtenSince = async (head: bigint | null): Promise<string[]> => {
    const { events } = await suivi.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 1000 });
    return events.map((event) => event.streamName).filter((stream) => categoryOf(stream) !== 'security');
  };

  /** The whole answer, with the id asked about written `<id>`: what tells one answer from another. */
  const shape = (answer: unknown, id: string): unknown => JSON.parse(JSON.stringify(answer ?? null).replaceAll(id, '<id>'));

  const userWithToken = async (login: string, scope: { territories: string[] | null; ownedOnly: boolean }) => {
    const created = await admin.read<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login, groupCodes: ['field'] } },
    );
    const userId = created.createUser.user.id;
    const set = await admin.read<{ setUserScope: { position: string; user: { scope: unknown } } }>(SET_SCOPE, { input: { userId, ...scope } });
    expect(set.setUserScope.user.scope).toEqual(scope);
    const issued = await admin.read<{ issueApiToken: { token: string } }>(
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
      { input: { userId } },
    );
    const client = new SuiviClient(suivi.as(issued.issueApiToken.token));
    return { userId, client };
  };

  beforeAll(async () => {
    // Production answers carry no stack trace: the answers compared are those a client gets.
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}), env: { NODE_ENV: 'production' } });
    const journal = suivi.app.get(SecurityJournal);
    const record = journal.record.bind(journal);
    jest.spyOn(journal, 'record').mockImplementation((denial: Denial) => {
      denials.push(denial);
      record(denial);
    });
    admin = new SuiviClient(suivi);
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
      input: { code: 'field', name: 'Field', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') },
    });
    ({ userId: ninaId, client: nina } = await userWithToken('nina', { territories: ['Nord'], ownedOnly: false }));
    ({ userId: oscarId, client: oscar } = await userWithToken('oscar', { territories: null, ownedOnly: true }));
    const register = async (name: string, territory: string, ownerId: string | null = null) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'], territory, ownerId })).thirdParty.id;
    nord = await register('Boulangerie du Nord', 'Nord');
    sud = await register('Garage du Sud', 'Sud');
    oscars = await register('Ferme Oscar', 'Nord', oscarId);
    nordContact = (await admin.must('addContact', { thirdPartyId: nord, lastName: 'Lenoir' })).contact.id;
    sudContact = (await admin.must('addContact', { thirdPartyId: sud, lastName: 'Dusud' })).contact.id;
    sudExchange = (await admin.must('logExchange', { thirdPartyId: sud, contactIds: [sudContact], mode: 'phone', subject: 'prospecting' })).exchange.id;
    await admin.must('logExchange', { thirdPartyId: nord, mode: 'phone', subject: 'prospecting' });
    nina.lastPosition = admin.lastPosition;
    oscar.lastPosition = admin.lastPosition;
  });
  afterAll(async () => {
    await suivi.stop();
  });

  const names = (connection: Connection) => connection.edges.map((edge) => edge.node['name']);
  const list = async (client: SuiviClient, filter: Json | null) =>
    (await client.read<{ thirdParties: Connection }>(THIRD_PARTIES, { filter, first: 10 })).thirdParties;

  it('lets an administrator set, show and lift a scope, naming bad input', async () => {
    const { data, errors } = await graphql(admin, SET_SCOPE, { input: { userId: ninaId, territories: [] } });
    expect(data).toBeNull();
    expect(errors?.[0]).toMatchObject({ message: 'input.territories: must name at least one territory (null: any territory)', extensions: { code: 'BAD_USER_INPUT' } });
    const me = await nina.read<{ me: { scope: unknown } }>('{ me { scope { territories ownedOnly } } }');
    expect(me.me.scope).toEqual({ territories: ['Nord'], ownedOnly: false });
    const refused = await graphql(nina, SET_SCOPE, { input: { userId: ninaId, territories: null } });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('answers a query by id about an out-of-scope third party or contact as about an unknown id', async () => {
    const unknown = randomUUID();
    for (const [query, hidden, asOf] of [
      [THIRD_PARTY, sud, null],
      [THIRD_PARTY, sud, '2100-01-01T00:00:00Z'],
      [CONTACT, sudContact, null],
    ] as const) {
      const out = await graphql(nina, query, { id: hidden, asOf });
      const none = await graphql(nina, query, { id: unknown, asOf });
      expect(out.data).toEqual(query === CONTACT ? { contact: null } : { thirdParty: null });
      expect(shape(out, hidden)).toEqual(shape(none, unknown));
    }
    expect(denials.filter((d) => d.reason === 'outOfScope').map((d) => d.operation)).toEqual(['Query.thirdParty', 'Query.thirdParty', 'Query.contact']);
    const own = await nina.read<{ thirdParty: Json & { contacts: Json[] } }>(THIRD_PARTY, { id: nord });
    expect(own.thirdParty).toMatchObject({ id: nord, territory: 'Nord', contacts: [{ id: nordContact }] });
    const contact = await nina.read<{ contact: Json }>(CONTACT, { id: nordContact });
    expect(contact.contact).toMatchObject({ id: nordContact, thirdParty: { id: nord, name: 'Boulangerie du Nord' } });
  });

  it('lists and counts only what is in scope, whatever the filter names', async () => {
    const all = await list(nina, null);
    expect(names(all)).toEqual(['Boulangerie du Nord', 'Ferme Oscar']);
    expect(all.totalCount).toBe(2);
    expect((await list(admin, null)).totalCount).toBe(3);
    for (const filter of [{ territory: 'Sud' }, { search: 'garage' }, { nameStartsWith: 'Gar' }, { search: 'sud', includeArchived: true }, { territory: 'Nowhere' }]) {
      const found = await list(nina, filter);
      expect({ filter, found }).toEqual({ filter, found: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } } });
    }
    expect(names(await list(nina, { territory: 'Nord', role: 'PROSPECT' }))).toEqual(['Boulangerie du Nord', 'Ferme Oscar']);
    expect(names(await list(nina, { ownerId: oscarId }))).toEqual(['Ferme Oscar']);
    expect(denials.at(-1)).toMatchObject({ reason: 'outOfScope', operation: 'Query.thirdParties' });
  });

  it('refuses every mutation on an out-of-scope target exactly as on an unknown one, and writes nothing', async () => {
    const unknown = randomUUID();
    const cases: [MutationName, (id: string) => Json][] = [
      ['updateThirdParty', (id) => ({ thirdPartyId: id, name: 'Renamed' })],
      ['updateThirdParty', (id) => ({ thirdPartyId: id, name: 'Renamed', expectedVersion: '0' })],
      ['categoriseThirdParty', (id) => ({ thirdPartyId: id, tags: ['vip'] })],
      ['assignThirdPartyOwner', (id) => ({ thirdPartyId: id, ownerId: ninaId })],
      ['convertProspect', (id) => ({ thirdPartyId: id })],
      ['archiveThirdParty', (id) => ({ thirdPartyId: id })],
      ['addContact', (id) => ({ thirdPartyId: id, lastName: 'Intrus' })],
      ['logExchange', (id) => ({ thirdPartyId: id, mode: 'phone', subject: 'prospecting' })],
      ['addNote', (id) => ({ thirdPartyId: id, text: 'psst' })],
    ];
    const underSud: [MutationName, string, (id: string) => Json][] = [
      ['updateContact', sudContact, (id) => ({ contactId: id, lastName: 'Renamed' })],
      ['archiveContact', sudContact, (id) => ({ contactId: id })],
      ['updateExchange', sudExchange, (id) => ({ exchangeId: id, subject: 'quote' })],
      ['changeExchangeStatus', sudExchange, (id) => ({ exchangeId: id, status: 'CLOSED' })],
      ['deleteExchange', sudExchange, (id) => ({ exchangeId: id })],
      // An out-of-scope contact named inside an in-scope command.
      ['logExchange', sudContact, (id) => ({ thirdPartyId: nord, contactIds: [id], mode: 'phone', subject: 'prospecting' })],
      ['addNote', sudContact, (id) => ({ thirdPartyId: nord, contactId: id, text: 'psst' })],
    ];
    const head = await suivi.headPosition();
    const before = denials.length;
    for (const [name, hidden, input] of [...cases.map(([name, input]) => [name, sud, input] as const), ...underSud]) {
      const out = await nina.mutate(name, input(hidden));
      const none = await nina.mutate(name, input(unknown));
      expect({ name, out: shape(out, hidden) }).toEqual({ name, out: shape(none, unknown) });
      expect(out.payload).toBeUndefined();
    }
    expect(await writtenSince(head)).toEqual([]);
    expect(denials.slice(before).map((d) => `${d.reason} ${d.operation}`)).toEqual(
      [...cases, ...underSud].map(([name]) => `outOfScope Mutation.${name}`),
    );
  });

  it('lets a scoped user work within their scope, and not move a third party out of it', async () => {
    const wrong = await nina.mutate('registerThirdParty', { name: 'Ailleurs', kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Sud' });
    expect(wrong.errors?.[0]).toMatchObject({ message: 'input.territory: must be one of your territories: Nord', extensions: { code: 'BAD_USER_INPUT' } });
    expect((await nina.mutate('registerThirdParty', { name: 'Nulle part', kind: 'COMPANY', roles: [] })).errors?.[0]?.extensions).toMatchObject({
      field: 'input.territory',
    });
    const created = await nina.must('registerThirdParty', { name: 'Moulin du Nord', kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Nord' });
    // Judged on the stream, so a write right after the creation needs no read model.
    const id = created.thirdParty.id;
    await nina.must('updateThirdParty', { thirdPartyId: id, email: 'moulin@example.fr' });
    await nina.must('addContact', { thirdPartyId: id, lastName: 'Meunier' });
    const moved = await nina.mutate('updateThirdParty', { thirdPartyId: id, territory: 'Sud' });
    expect(moved.errors?.[0]).toMatchObject({ message: 'input.territory: must be one of your territories: Nord', extensions: { code: 'BAD_USER_INPUT' } });
    await nina.must('logExchange', { thirdPartyId: nord, contactIds: [nordContact], mode: 'phone', subject: 'prospecting' });
    await nina.must('convertProspect', { thirdPartyId: nord });
  });

  it('keeps a user limited to what they own to it: they own what they register, and cannot give it away', async () => {
    const unknown = randomUUID();
    const out = await graphql(oscar, THIRD_PARTY, { id: nord });
    expect(shape(out, nord)).toEqual(shape(await graphql(oscar, THIRD_PARTY, { id: unknown }), unknown));
    expect(names(await list(oscar, null))).toEqual(['Ferme Oscar']);
    expect((await list(oscar, { ownerId: ninaId })).totalCount).toBe(0);

    const registered = await oscar.must('registerThirdParty', { name: 'Verger Oscar', kind: 'COMPANY', roles: ['CUSTOMER'] });
    expect(registered.thirdParty['owner']).toEqual({ id: oscarId });
    const forOther = await oscar.mutate('registerThirdParty', { name: 'Pour Nina', kind: 'COMPANY', roles: [], ownerId: ninaId });
    expect(forOther.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.ownerId' } });
    const givenAway = await oscar.mutate('assignThirdPartyOwner', { thirdPartyId: oscars, ownerId: ninaId });
    expect(givenAway.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.ownerId' } });
    await oscar.must('categoriseThirdParty', { thirdPartyId: oscars, tags: ['bio'] });
    const head = await suivi.headPosition();
    const refused = await oscar.mutate('updateThirdParty', { thirdPartyId: nord, name: 'Mine now' });
    expect(shape(refused, nord)).toEqual(shape(await oscar.mutate('updateThirdParty', { thirdPartyId: unknown, name: 'Mine now' }), unknown));
    expect(await writtenSince(head)).toEqual([]);
  });
});
