import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { permissions } from '#domain';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, THIRD_PARTY_FIELDS, TIMELINE_FIELDS, type Connection, type Json } from './support/suivi-client.js';

const MOVED = 'moved { contactIds exchangeIds documentIds followUpIds activityIds }';
const MERGE = `mutation($input: MergeThirdPartiesInput!) {
  mergeThirdParties(input: $input) { position ${MOVED} thirdParty { id mergedInto archived } }
}`;
const UNMERGE = `mutation($input: UnmergeThirdPartiesInput!) {
  unmergeThirdParties(input: $input) { position ${MOVED} thirdParty { id mergedInto } }
}`;
const THIRD_PARTY = `query($id: ID!) { thirdParty(id: $id) { ${THIRD_PARTY_FIELDS} mergedInto contacts { id } } }`;
const THIRD_PARTIES = '{ thirdParties(first: 50) { totalCount edges { node { id name } } } }';
const CONTACT = 'query($id: ID!) { contact(id: $id) { id thirdPartyId } }';
const TIMELINE = `query($id: ID!) { timeline(thirdPartyId: $id, first: 100) { totalCount edges { node { ${TIMELINE_FIELDS} } } } }`;
const JOURNAL = `query($filter: AuditJournalFilter) {
  auditJournal(first: 100, filter: $filter) { edges { node { action entityType entityId changes { field from to } } } }
}`;
const CANDIDATES = `query($first: Int, $after: String, $minScore: Float) {
  duplicateCandidates(first: $first, after: $after, minScore: $minScore) {
    totalCount edges { cursor node { a { id name } b { id name } score reasons } } pageInfo { hasNextPage endCursor }
  }
}`;

type Candidate = { a: { id: string; name: string }; b: { id: string; name: string }; score: number; reasons: string[] };

/**
 * Duplicates and merges over HTTP: candidates as the caller's scope shows them,
 * a merge (records move, the journal and the survivor's timeline show it, the
 * absorbed third party refuses changes), its refusals out of scope, and the
 * unmerge that gives everything back.
 */
describe.each(e2eBackends())('duplicates and merges (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let nina: SuiviClient; // territory Nord
  let survivor: string; // Nord
  let absorbed: string; // Sud, the duplicate
  let unrelated: string;
  let contact: string;
  let exchange: string;

  const read = async <T = Json>(client: SuiviClient, document: string, variables: Json = {}): Promise<T> => {
    const data = await client.read<T>(document, variables);
    const payload = Object.values(data as Json)[0] as { position?: string } | null;
    if (payload?.position && BigInt(payload.position) > BigInt(client.lastPosition)) client.lastPosition = payload.position;
    return data;
  };
  const attempt = (client: SuiviClient, document: string, variables: Json) => client.query(document, variables);

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
      input: { code: 'field', name: 'Field', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') },
    });
    const created = await admin.read<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login: 'nina', groupCodes: ['field'] } },
    );
    await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', {
      input: { userId: created.createUser.user.id, territories: ['Nord'], ownedOnly: false },
    });
    const issued = await admin.read<{ issueApiToken: { token: string } }>(
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
      { input: { userId: created.createUser.user.id } },
    );
    nina = new SuiviClient(suivi.as(issued.issueApiToken.token));

    const register = async (name: string, territory: string, extra: Json = {}) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['CUSTOMER'], territory, ...extra })).thirdParty.id;
    survivor = await register('Atelier Pivert', 'Nord', { email: 'contact@pivert.example', vatNumber: 'FR40303265045' });
    absorbed = await register('Atelier Pivert SARL', 'Sud', { email: 'ventes@pivert.example', vatNumber: 'FR 40 303 265 045' });
    unrelated = await register('Menuiserie Garnier', 'Nord', { phone: '+33 4 78 00 00 00' });
    await register('Garnier Menuiserie Lyon', 'Sud', { phone: '04 78 00 00 00', address: { country: 'FR' } });
    contact = (await admin.must('addContact', { thirdPartyId: absorbed, lastName: 'Brissac' })).contact.id;
    exchange = (await admin.must('logExchange', { thirdPartyId: absorbed, contactIds: [contact], mode: 'visit', subject: 'quote' })).exchange.id;
    nina.lastPosition = admin.lastPosition;
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('lists likely duplicates, best first, with their reasons, within the caller\'s scope', async () => {
    const all = (await read<{ duplicateCandidates: Connection<Candidate> }>(admin, CANDIDATES, { first: 10 })).duplicateCandidates;
    const pair = all.edges.find(({ node }) => [node.a.id, node.b.id].sort().join() === [survivor, absorbed].sort().join())?.node;
    // The VAT numbers are written differently, the legal form is set aside, the e-mail domain is a company's.
    expect(pair?.reasons).toEqual(['VAT_NUMBER', 'DOMAIN_AND_NAME', 'SIMILAR_NAME']);
    expect(pair?.score).toBeGreaterThan(0.99);
    // The same phone, one written nationally: a weaker reason alone.
    const phones = all.edges.find(({ node }) => node.reasons.includes('PHONE'))?.node;
    expect(phones && { names: [phones.a.name, phones.b.name].sort(), reasons: phones.reasons, score: phones.score }).toEqual({
      names: ['Garnier Menuiserie Lyon', 'Menuiserie Garnier'],
      reasons: ['PHONE'],
      score: 0.7,
    });
    expect(all.totalCount).toBe(2);
    expect(all.edges.map(({ node }) => node.score)).toEqual([...all.edges.map(({ node }) => node.score)].sort((x, y) => y - x));
    // Paging: one pair per page reaches the same pairs.
    const first = (await read<{ duplicateCandidates: Connection<Candidate> }>(admin, CANDIDATES, { first: 1 })).duplicateCandidates;
    expect(first.totalCount).toBe(all.totalCount);
    const second = (await read<{ duplicateCandidates: Connection<Candidate> }>(admin, CANDIDATES, { first: 1, after: first.pageInfo.endCursor }))
      .duplicateCandidates;
    expect([first.edges[0]?.node, second.edges[0]?.node]).toEqual(all.edges.slice(0, 2).map((edge) => edge.node));
    // Nina sees the Nord third parties only: no pair names one of Sud.
    const scoped = (await read<{ duplicateCandidates: Connection<Candidate> }>(nina, CANDIDATES, { first: 10 })).duplicateCandidates;
    expect(scoped).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const strict = (await read<{ duplicateCandidates: Connection<Candidate> }>(admin, CANDIDATES, { minScore: 0.99 })).duplicateCandidates;
    expect(strict.edges.every(({ node }) => node.score >= 0.99)).toBe(true);
    for (const [variables, field] of [
      [{ minScore: 1.5 }, 'minScore'],
      [{ after: 'nope' }, 'after'],
      [{ first: 0 }, 'first'],
    ] as const) {
      const { errors } = await attempt(admin, CANDIDATES, variables);
      expect(errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(errors?.[0]?.message).toContain(field);
    }
  });

  it('refuses a merge unless the caller may write both third parties', async () => {
    const hidden = await attempt(nina, MERGE, { input: { survivorId: survivor, absorbedId: absorbed, reason: 'Same workshop' } });
    const unknown = await attempt(nina, MERGE, { input: { survivorId: survivor, absorbedId: randomUUID(), reason: 'Same workshop' } });
    expect(hidden.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(hidden.errors?.[0]?.extensions?.['code']).toBe(unknown.errors?.[0]?.extensions?.['code']);
    const survivorHidden = await attempt(nina, MERGE, { input: { survivorId: absorbed, absorbedId: unrelated, reason: 'Same' } });
    expect(survivorHidden.errors?.[0]).toMatchObject({
      message: `input.survivorId: no third party with id ${absorbed}`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const itself = await attempt(admin, MERGE, { input: { survivorId: survivor, absorbedId: survivor, reason: 'Same' } });
    expect(itself.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const noReason = await attempt(admin, MERGE, { input: { survivorId: survivor, absorbedId: absorbed, reason: ' ' } });
    expect(noReason.errors?.[0]?.message).toBe('input.reason: must not be empty');
  });

  it('merges: records move to the survivor, the absorbed one leaves the lists and refuses changes', async () => {
    const input = { survivorId: survivor, absorbedId: absorbed, reason: 'Same workshop, registered twice', idempotencyKey: 'merge-pivert' };
    const merged = (await read<{ mergeThirdParties: { position: string; moved: Json; thirdParty: Json } }>(admin, MERGE, { input }))
      .mergeThirdParties;
    expect(merged.thirdParty).toEqual({ id: absorbed, mergedInto: survivor, archived: false });
    expect(merged.moved).toEqual({ contactIds: [contact], exchangeIds: [exchange], documentIds: [], followUpIds: [], activityIds: [] });
    // A retry with the same key appends nothing and answers the same.
    const again = (await read<{ mergeThirdParties: { position: string } }>(admin, MERGE, { input })).mergeThirdParties;
    expect(again.position).toBe(merged.position);

    expect((await read<{ contact: Json }>(admin, CONTACT, { id: contact })).contact).toEqual({ id: contact, thirdPartyId: survivor });
    const listed = (await read<{ thirdParties: Connection }>(admin, THIRD_PARTIES)).thirdParties;
    expect(listed.edges.map((edge) => edge.node['id'])).not.toContain(absorbed);
    expect((await read<{ thirdParty: Json }>(admin, THIRD_PARTY, { id: absorbed })).thirdParty).toMatchObject({ id: absorbed, mergedInto: survivor });
    expect((await read<{ thirdParty: { contacts: Json[] } }>(admin, THIRD_PARTY, { id: survivor })).thirdParty.contacts).toEqual([{ id: contact }]);

    // A merged third party is no candidate any more.
    const candidates = (await read<{ duplicateCandidates: Connection<Candidate> }>(admin, CANDIDATES, {})).duplicateCandidates;
    expect(candidates.edges.flatMap(({ node }) => [node.a.id, node.b.id])).not.toContain(absorbed);

    const refusedUpdate = await attempt(admin, 'mutation($input: UpdateThirdPartyInput!) { updateThirdParty(input: $input) { position } }', {
      input: { thirdPartyId: absorbed, name: 'Renamed' },
    });
    expect(refusedUpdate.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(refusedUpdate.errors?.[0]?.message).toContain(`was merged into ${survivor}`);
    for (const [name, input] of [
      ['addContact', { thirdPartyId: absorbed, lastName: 'Late' }],
      ['logExchange', { thirdPartyId: absorbed, mode: 'phone', subject: 'order' }],
    ] as const) {
      const refused = await admin.mutate(name, input);
      expect(refused.errors?.[0]).toMatchObject({
        message: `input.thirdPartyId: third party ${absorbed} was merged into ${survivor}: record it on ${survivor}`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });

  it("shows the merge in the journal of both, and the absorbed one's exchanges on the survivor's timeline", async () => {
    nina.lastPosition = admin.lastPosition;
    const timeline = (await read<{ timeline: Connection }>(admin, TIMELINE, { id: survivor })).timeline;
    const kinds = timeline.edges.map(({ node }) => [node['kind'], node['exchangeId'] ?? null]);
    expect(kinds).toEqual(expect.arrayContaining([['EXCHANGE_LOGGED', exchange], ['THIRD_PARTY_MERGED', null], ['CONTACT_ADDED', null]]));
    // Nina sees the survivor (Nord): its timeline includes what came from Sud with the merge.
    const ninas = (await read<{ timeline: Connection }>(nina, TIMELINE, { id: survivor })).timeline;
    expect(ninas.edges.some(({ node }) => node['exchangeId'] === exchange)).toBe(true);

    const merges = (filter: Json) =>
      read<{ auditJournal: Connection }>(admin, JOURNAL, { filter }).then(({ auditJournal }) =>
        auditJournal.edges.map(({ node }) => node).filter((node) => node['action'] === 'ThirdPartyMerged'),
      );
    const ofSurvivor = await merges({ thirdPartyId: survivor });
    const ofAbsorbed = await merges({ entityType: 'thirdParty', entityId: absorbed });
    expect(ofSurvivor).toHaveLength(1);
    expect(ofAbsorbed).toEqual(ofSurvivor);
    expect(ofSurvivor[0]).toMatchObject({ entityType: 'thirdParty', entityId: absorbed });
    // Values are JSON texts.
    const changes = (ofSurvivor[0]?.['changes'] as { field: string; to: string }[]).map(({ field, to }) => [field, JSON.parse(to) as unknown]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['survivorId', survivor],
        ['reason', 'Same workshop, registered twice'],
        ['moved', { contactIds: [contact], exchangeIds: [exchange], documentIds: [], followUpIds: [], activityIds: [] }],
      ]),
    );
  });

  it("judges a moved record's scope on the survivor", async () => {
    nina.lastPosition = admin.lastPosition;
    expect((await read<{ contact: Json | null }>(nina, CONTACT, { id: contact })).contact).toEqual({ id: contact, thirdPartyId: survivor });
    const changed = await nina.mutate('changeExchangeStatus', { exchangeId: exchange, status: 'TO_DO' });
    expect(changed.errors).toBeUndefined();
    expect(changed.payload?.exchange).toMatchObject({ id: exchange, status: 'TO_DO' });
    admin.lastPosition = nina.lastPosition;
    // Unmerging needs the absorbed one, out of her scope.
    const refused = await attempt(nina, UNMERGE, { input: { absorbedId: absorbed, reason: 'Not the same' } });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('unmerges: exactly what moved goes back, and the absorbed one is listed again', async () => {
    const unmerged = (await read<{ unmergeThirdParties: { moved: Json; thirdParty: Json } }>(admin, UNMERGE, {
      input: { absorbedId: absorbed, reason: 'Two workshops after all' },
    })).unmergeThirdParties;
    expect(unmerged.thirdParty).toEqual({ id: absorbed, mergedInto: null });
    expect(unmerged.moved).toMatchObject({ contactIds: [contact], exchangeIds: [exchange] });
    expect((await read<{ contact: Json }>(admin, CONTACT, { id: contact })).contact).toEqual({ id: contact, thirdPartyId: absorbed });
    const listed = (await read<{ thirdParties: Connection }>(admin, THIRD_PARTIES)).thirdParties;
    expect(listed.edges.map((edge) => edge.node['id'])).toContain(absorbed);
    const timeline = (await read<{ timeline: Connection }>(admin, TIMELINE, { id: survivor })).timeline;
    expect(timeline.edges.some(({ node }) => node['exchangeId'] === exchange)).toBe(false);
    const journal = (await read<{ auditJournal: Connection }>(admin, JOURNAL, { filter: { thirdPartyId: survivor } })).auditJournal;
    expect(journal.edges.map(({ node }) => node['action'])).toEqual(expect.arrayContaining(['ThirdPartyMerged', 'ThirdPartyUnmerged']));
    // And the absorbed one takes changes again.
    expect((await admin.mutate('addContact', { thirdPartyId: absorbed, lastName: 'Back' })).errors).toBeUndefined();
    const twice = await attempt(admin, UNMERGE, { input: { absorbedId: absorbed, reason: 'Again' } });
    expect(twice.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
  });
});
