import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, writeTestCatalogue, type Json } from './support/suivi-client.js';

const REGISTER = `
  mutation Register($input: RegisterThirdPartyInput!) {
    registerThirdParty(input: $input) {
      position
      thirdParty { id name kind roles registeredAt version }
    }
  }`;

const LIST = `
  query List($first: Int, $after: String, $filter: ThirdPartyFilter) {
    thirdParties(first: $first, after: $after, filter: $filter) {
      totalCount
      edges { cursor node { id name kind roles } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

interface RegisterData {
  registerThirdParty: {
    position: string;
    thirdParty: { id: string; name: string; kind: string; roles: string[]; registeredAt: string; version: string };
  };
}
interface ListData {
  thirdParties: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; name: string; kind: string; roles: string[] } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

describe.each(e2eBackends())('third parties over GraphQL (%s, inline worker)', (_label, mongoUrl) => {
  let suivi: SuiviApp;
  let lastPosition = '0';

  const register = async (input: Record<string, unknown>) => {
    const response = await suivi.graphql<RegisterData>(REGISTER, { input });
    const position = response.body.data?.registerThirdParty.position;
    if (position) lastPosition = position;
    return response;
  };
  // Reads wait until the read model has applied our last write.
  const list = (variables: Record<string, unknown>) =>
    suivi.graphql<ListData>(LIST, variables, { 'x-suivi-consistent-with': lastPosition });

  let catalogueDir: string;

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-catalogue-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), ...(mongoUrl ? { mongodbUrl: mongoUrl } : {}) });
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  it('registers a third party and returns it with the global position', async () => {
    const { status, body } = await register({ name: ' Boulangerie Martin ', kind: 'COMPANY', roles: ['PROSPECT'] });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payload = body.data!.registerThirdParty;
    expect(payload.thirdParty).toMatchObject({ name: 'Boulangerie Martin', kind: 'COMPANY', roles: ['PROSPECT'], version: '0' });
    expect(payload.position).toMatch(/^\d+$/);
    expect(new Date(payload.thirdParty.registeredAt).getTime()).not.toBeNaN();
  });

  it('lists the directory as a Relay connection, filtered and paginated', async () => {
    for (const [name, kind, roles] of [
      ['Élise Durand', 'INDIVIDUAL', ['PROSPECT']],
      ['Atelier Bois', 'COMPANY', ['CUSTOMER']],
      ['Fournitures Lyon', 'COMPANY', ['SUPPLIER', 'CUSTOMER']],
      ['eliott conseil', 'COMPANY', ['PROSPECT']],
    ] as const) {
      const { body } = await register({ name, kind, roles });
      expect(body.errors).toBeUndefined();
    }

    const all = await list({ first: 2 });
    expect(all.body.errors).toBeUndefined();
    const first = all.body.data!.thirdParties;
    expect(first.totalCount).toBe(5);
    expect(first.edges.map((e) => e.node.name)).toEqual(['Atelier Bois', 'Boulangerie Martin']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const names: string[] = first.edges.map((e) => e.node.name);
    let after = first.pageInfo.endCursor;
    while (after) {
      const page = (await list({ first: 2, after })).body.data!.thirdParties;
      names.push(...page.edges.map((e) => e.node.name));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    expect(names).toEqual(['Atelier Bois', 'Boulangerie Martin', 'eliott conseil', 'Élise Durand', 'Fournitures Lyon']);

    const customers = (await list({ first: 10, filter: { role: 'CUSTOMER' } })).body.data!.thirdParties;
    expect(customers.edges.map((e) => e.node.name)).toEqual(['Atelier Bois', 'Fournitures Lyon']);
    expect(customers.totalCount).toBe(2);

    const eli = (await list({ first: 10, filter: { nameStartsWith: 'ELI' } })).body.data!.thirdParties;
    expect(eli.edges.map((e) => e.node.name)).toEqual(['eliott conseil', 'Élise Durand']);

    const individualProspects = (await list({ first: 10, filter: { kind: 'INDIVIDUAL', role: 'PROSPECT' } })).body.data!
      .thirdParties;
    expect(individualProspects.edges.map((e) => e.node.name)).toEqual(['Élise Durand']);
  });

  it('returns the original result for a retried mutation and records it once', async () => {
    const input = { name: 'Garage Petit', kind: 'COMPANY', roles: ['PROSPECT'], idempotencyKey: 'import-42' };
    const attempts = await Promise.all(Array.from({ length: 10 }, () => register(input)));
    const payloads = attempts.map((a) => a.body.data!.registerThirdParty);
    expect(new Set(payloads.map((p) => JSON.stringify(p))).size).toBe(1);

    const found = (await list({ first: 10, filter: { nameStartsWith: 'garage' } })).body.data!.thirdParties;
    expect(found.totalCount).toBe(1);
    expect(found.edges[0]!.node.id).toBe(payloads[0]!.thirdParty.id);
  });

  it('rejects bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const before = (await list({ first: 1 })).body.data!.thirdParties.totalCount;

    const empty = await register({ name: '   ', kind: 'COMPANY', roles: [] });
    expect(empty.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });

    const tooLong = await register({ name: 'x'.repeat(201), kind: 'COMPANY', roles: [] });
    expect(tooLong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });

    const badKind = await register({ name: 'Robot', kind: 'ROBOT', roles: [] });
    expect(badKind.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(badKind.body.errors?.[0]?.message).toContain('kind');

    const tooMany = await list({ first: 101 });
    expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });

    const badCursor = await list({ first: 5, after: 'not-a-cursor' });
    expect(badCursor.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });

    expect((await list({ first: 1 })).body.data!.thirdParties.totalCount).toBe(before);
  });

  it('answers thirdParty(id), and null for an unknown id', async () => {
    const { body } = await register({ name: 'Cave Rousseau', kind: 'COMPANY', roles: ['CUSTOMER'] });
    const id = body.data!.registerThirdParty.thirdParty.id;
    const query = 'query One($id: ID!) { thirdParty(id: $id) { id name roles } }';
    const found = await suivi.graphql(query, { id }, { 'x-suivi-consistent-with': lastPosition });
    expect(found.body.data).toEqual({ thirdParty: { id, name: 'Cave Rousseau', roles: ['CUSTOMER'] } });
    const missing = await suivi.graphql(query, { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.body.data).toEqual({ thirdParty: null });
  });

  it('segments the directory: territory, owner, categories, tags, custom fields, words, last interaction, archive', async () => {
    const client = new SuiviClient(suivi);
    client.lastPosition = lastPosition;
    const register = async (input: Json) =>
      (await client.must('registerThirdParty', { kind: 'COMPANY', roles: ['PROSPECT'], territory: 'Alpes', ...input })).thirdParty.id;
    const dupont = await register({
      name: 'Dupont-Martin SA',
      leadSource: 'website',
      categories: ['wholesale'],
      tags: ['vip'],
      customFields: [
        { key: 'sector', value: '"retail"' },
        { key: 'employees', value: '40' },
      ],
    });
    const alpine = await register({ name: 'Menuiserie Alpine' });
    const owned = await client.must('assignThirdPartyOwner', { thirdPartyId: dupont, ownerId: 'bob' });
    expect(owned.thirdParty).toMatchObject({ owner: { id: 'bob' }, version: '1' });
    const categorised = await client.must('categoriseThirdParty', { thirdPartyId: alpine, categories: ['crafts'], tags: ['vip', 'new'] });
    expect(categorised.thirdParty).toMatchObject({ categories: ['crafts'], tags: ['new', 'vip'] });
    await client.must('logExchange', { thirdPartyId: dupont, occurredAt: '2025-01-10T10:00:00Z', mode: 'phone', subject: 'prospecting' });

    const names = async (filter: Json): Promise<string[]> => {
      const { thirdParties } = await client.read<ListData>(LIST, { first: 20, filter });
      return thirdParties.edges.map((e) => e.node.name);
    };
    expect(await names({ territory: 'Alpes' })).toEqual(['Dupont-Martin SA', 'Menuiserie Alpine']);
    expect(await names({ ownerId: 'bob' })).toEqual(['Dupont-Martin SA']);
    expect(await names({ category: 'crafts' })).toEqual(['Menuiserie Alpine']);
    expect(await names({ tag: 'vip' })).toEqual(['Dupont-Martin SA', 'Menuiserie Alpine']);
    expect(await names({ leadSource: 'website' })).toEqual(['Dupont-Martin SA']);
    expect(await names({ customFields: [{ key: 'sector', value: 'retail' }] })).toEqual(['Dupont-Martin SA']);
    expect(await names({ customFields: [{ key: 'employees', value: '40' }, { key: 'sector', value: '"retail"' }] })).toEqual([
      'Dupont-Martin SA',
    ]);
    expect(await names({ customFields: [{ key: 'employees', value: '41' }] })).toEqual([]);
    expect(await names({ search: 'mar dup' })).toEqual(['Dupont-Martin SA']);
    expect(await names({ territory: 'Alpes', lastInteractionBefore: '2025-02-01T00:00:00Z' })).toEqual([
      'Dupont-Martin SA',
      'Menuiserie Alpine',
    ]);
    expect(await names({ territory: 'Alpes', lastInteractionBefore: '2025-01-01T00:00:00Z' })).toEqual(['Menuiserie Alpine']);
    expect(await names({ lastInteractionAfter: '2025-01-01T00:00:00Z' })).toEqual(['Dupont-Martin SA']);

    await client.must('archiveThirdParty', { thirdPartyId: alpine, reason: 'closed down' });
    expect(await names({ territory: 'Alpes' })).toEqual(['Dupont-Martin SA']);
    expect(await names({ territory: 'Alpes', includeArchived: true })).toEqual(['Dupont-Martin SA', 'Menuiserie Alpine']);
    const archived = await client.read<{ thirdParty: Json }>('query($id: ID!) { thirdParty(id: $id) { archived tags } }', { id: alpine });
    expect(archived.thirdParty).toEqual({ archived: true, tags: ['new', 'vip'] });
    const refused = await client.mutate('logExchange', { thirdPartyId: alpine, mode: 'phone', subject: 'prospecting' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.thirdPartyId' });
  });

  it('serves health endpoints', async () => {
    expect((await fetch(`${suivi.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${suivi.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
  });
});
