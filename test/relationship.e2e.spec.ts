import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import {
  AUDIT_FIELDS,
  CONTACT_FIELDS,
  SuiviClient,
  THIRD_PARTY_FIELDS,
  TIMELINE_FIELDS,
  writeTestCatalogue,
  type Connection,
  type Json,
  type Node,
  type Payload,
} from './support/suivi-client.js';

const THIRD_PARTY = `query($id: ID!, $asOf: DateTime) {
  thirdParty(id: $id, asOf: $asOf) {
    ${THIRD_PARTY_FIELDS}
    contacts { id displayName }
    timeline(first: 10) { totalCount edges { node { ${TIMELINE_FIELDS} } } }
  }
}`;
const TIMELINE = `query($thirdPartyId: ID, $contactId: ID, $first: Int, $after: String, $filter: TimelineFilter) {
  timeline(thirdPartyId: $thirdPartyId, contactId: $contactId, first: $first, after: $after, filter: $filter) {
    totalCount edges { node { ${TIMELINE_FIELDS} } } pageInfo { hasNextPage endCursor }
  }
}`;
const AUDIT = `query($first: Int, $filter: AuditJournalFilter) {
  auditJournal(first: $first, filter: $filter) { totalCount edges { node { ${AUDIT_FIELDS} } } }
}`;
const CONTACT = `query($id: ID!) { contact(id: $id) { ${CONTACT_FIELDS} thirdParty { id name }
  timeline(first: 10) { edges { node { kind exchangeId contactId } } } } }`;
const EXCHANGES_OF = `query($thirdPartyId: ID!) { exchanges(first: 10, filter: { thirdPartyId: $thirdPartyId }) { totalCount edges { node { id } } } }`;

type TimelineNode = { kind: string; summary: string; actor: { id: string }; changes: { field: string; from: string | null; to: string | null }[] } & Json;
type AuditNode = { action: string; entityType: string; entityId: string; at: string; actor: { id: string }; source: string; changes: { field: string; from: string | null; to: string | null }[] };

const SECRET = 'They might switch suppliers in spring';

describe.each(e2eBackends())('a prospect becomes a customer (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let catalogueDir: string;

  let thirdPartyId: string;
  let claireId: string;
  let paulId: string;
  let exchange: Node;
  let logInput: Json;
  let conversion: Payload<'convertProspect'>;

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-catalogue-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), ...(mongodbUrl ? { mongodbUrl } : {}) });
    client = new SuiviClient(suivi);
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  it('registers a prospect with its profile and custom fields', async () => {
    const { thirdParty } = await client.must('registerThirdParty', {
      name: 'Boulangerie Martin',
      kind: 'COMPANY',
      roles: ['PROSPECT'],
      territory: 'Lyon',
      leadSource: 'trade fair',
      email: 'contact@boulangerie-martin.fr',
      address: { city: 'Lyon', country: 'FR' },
      customFields: [
        { key: 'sector', value: 'bakery' },
        { key: 'employees', value: '12' },
      ],
    });
    expect(thirdParty).toMatchObject({
      name: 'Boulangerie Martin',
      roles: ['PROSPECT'],
      prospectStatus: 'NEVER_CONTACTED',
      territory: 'Lyon',
      address: { city: 'Lyon', country: 'FR', street: null },
      customFields: [
        { key: 'employees', value: '12' },
        { key: 'sector', value: '"bakery"' },
      ],
      archived: false,
      convertedAt: null,
      lastInteractionAt: null,
      version: '0',
    });
    thirdPartyId = thirdParty.id;
  });

  it('adds two contacts', async () => {
    const claire = await client.must('addContact', {
      thirdPartyId,
      firstName: 'Claire',
      lastName: 'Martin',
      jobTitle: 'Gérante',
      preferredChannel: 'PHONE',
    });
    expect(claire.contact).toMatchObject({ thirdPartyId, displayName: 'Claire Martin', jobTitle: 'Gérante', archived: false, version: '0' });
    claireId = claire.contact.id;
    const paul = await client.must('addContact', { thirdPartyId, firstName: 'Paul', lastName: 'Durand', email: 'paul@example.fr' });
    paulId = paul.contact.id;
  });

  it('logs a meeting with both contacts; the confidential comment is returned only when asked for, here to its author', async () => {
    logInput = {
      thirdPartyId,
      contactIds: [claireId, paulId],
      occurredAt: new Date().toISOString(),
      mode: 'meeting',
      subject: 'quote',
      comment: 'Presented the quote for the new oven',
      confidentialComment: SECRET,
      confidentialGroupId: 'sales-managers',
      collaboratorIds: ['bob'],
      notifyCollaborators: true,
      linkedDocument: { type: 'QUOTE', ref: 'PR2411-0042' },
      idempotencyKey: 'meeting-claire-paul',
    };
    const result = await client.mutate('logExchange', logInput);
    expect(result.errors).toBeUndefined();
    exchange = result.payload!.exchange;
    expect(exchange).toMatchObject({
      thirdPartyId,
      contactIds: [claireId, paulId],
      mode: 'meeting',
      subject: 'quote',
      status: 'CLOSED',
      hasConfidentialComment: true,
      confidentialGroupId: 'sales-managers',
      collaborators: [{ id: 'bob' }],
      notifyCollaborators: true,
      linkedDocument: { type: 'QUOTE', ref: 'PR2411-0042' },
      contactedBy: { id: ADMIN_USER_ID },
      author: { id: ADMIN_USER_ID },
      deleted: false,
      version: '0',
    });
    expect(JSON.stringify(result.payload)).not.toContain(SECRET);

    // test/exchange-access.e2e.spec.ts checks who else reads it, and that nobody else does.
    const asked = await client.read<{ exchange: Json }>(`query($id: ID!) { exchange(id: $id) { confidentialComment } }`, { id: exchange.id });
    expect(asked.exchange).toEqual({ confidentialComment: SECRET });
  });

  it('returns the original exchange for a retried logExchange and records it once', async () => {
    const before = await suivi.headPosition();
    const retries = await Promise.all([client.mutate('logExchange', logInput), client.mutate('logExchange', logInput)]);
    for (const retry of retries) {
      expect(retry.errors).toBeUndefined();
      expect(retry.payload!.exchange).toEqual(exchange);
    }
    expect(await suivi.headPosition()).toBe(before);
    const listed = await client.read<{ exchanges: Connection }>(EXCHANGES_OF, { thirdPartyId });
    expect(listed.exchanges.totalCount).toBe(1);
  });

  it('converts the prospect; a retry with the same key is a no-op, another conversion a CONFLICT', async () => {
    const input = { thirdPartyId, idempotencyKey: 'convert-martin' };
    const result = await client.mutate('convertProspect', input);
    expect(result.errors).toBeUndefined();
    conversion = result.payload!;
    const converted = conversion.thirdParty;
    expect(converted).toMatchObject({ roles: ['CUSTOMER'], prospectStatus: null, version: '1' });
    expect(converted['convertedAt']).toEqual(expect.any(String));

    const head = await suivi.headPosition();
    const retry = await client.mutate('convertProspect', input);
    expect(retry.errors).toBeUndefined();
    expect(retry.payload).toEqual(conversion);
    expect(await suivi.headPosition()).toBe(head);

    const again = await client.mutate('convertProspect', { thirdPartyId });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(await suivi.headPosition()).toBe(head);
  });

  it('shows the timeline newest first, with the actor and the changes', async () => {
    const { timeline } = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, { thirdPartyId, first: 10 });
    expect(timeline.edges.map((e) => e.node.kind)).toEqual([
      'PROSPECT_CONVERTED',
      'EXCHANGE_LOGGED',
      'CONTACT_ADDED',
      'CONTACT_ADDED',
      'THIRD_PARTY_REGISTERED',
    ]);
    expect(timeline.totalCount).toBe(5);
    for (const { node } of timeline.edges) {
      expect(node.actor).toEqual({ id: ADMIN_USER_ID });
      expect(node.summary.length).toBeGreaterThan(0);
      expect(node['thirdPartyId']).toBe(thirdPartyId);
    }
    const [convertedEntry, loggedEntry] = timeline.edges.map((e) => e.node);
    expect(convertedEntry!.changes).toEqual(
      expect.arrayContaining([{ field: 'roles', from: '["PROSPECT"]', to: '["CUSTOMER"]' }]),
    );
    expect(loggedEntry).toMatchObject({ exchangeId: exchange.id, contactIds: [claireId, paulId], occurredAt: exchange.occurredAt });
    expect(JSON.stringify(timeline)).not.toContain(SECRET);

    // Pages follow the same order.
    const firstPage = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, { thirdPartyId, first: 2 });
    const nextPage = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, {
      thirdPartyId,
      first: 3,
      after: firstPage.timeline.pageInfo.endCursor,
    });
    expect([...firstPage.timeline.edges, ...nextPage.timeline.edges].map((e) => e.node['id'])).toEqual(
      timeline.edges.map((e) => e.node['id']),
    );
    expect(nextPage.timeline.pageInfo.hasNextPage).toBe(false);

    const onlyExchanges = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, {
      thirdPartyId,
      filter: { kinds: ['EXCHANGE_LOGGED', 'PROSPECT_CONVERTED'] },
    });
    expect(onlyExchanges.timeline.edges.map((e) => e.node.kind)).toEqual(['PROSPECT_CONVERTED', 'EXCHANGE_LOGGED']);
  });

  it("shows a contact's own timeline, as a query and as a field", async () => {
    const { timeline } = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, { contactId: paulId });
    expect(timeline.edges.map((e) => e.node.kind)).toEqual(['EXCHANGE_LOGGED', 'CONTACT_ADDED']);
    expect(timeline.edges[1]!.node['contactId']).toBe(paulId);

    const { contact } = await client.read<{ contact: Json & { timeline: Connection } }>(CONTACT, { id: claireId });
    expect(contact).toMatchObject({ displayName: 'Claire Martin', thirdParty: { id: thirdPartyId, name: 'Boulangerie Martin' } });
    expect(contact.timeline.edges.map((e) => e.node['kind'])).toEqual(['EXCHANGE_LOGGED', 'CONTACT_ADDED']);

    const neither = await client.query(TIMELINE, {});
    expect(neither.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'thirdPartyId' });
  });

  it('journals every change with the actor, the source and field-level values', async () => {
    // The administrator's writes: the journal also holds the first start's own (groups, the administrator), by `system`.
    const { auditJournal } = await client.read<{ auditJournal: Connection<AuditNode> }>(AUDIT, { first: 10, filter: { actorId: ADMIN_USER_ID } });
    const entries = auditJournal.edges.map((e) => e.node);
    expect(entries.map((e) => e.action)).toEqual([
      'ProspectConverted',
      'ExchangeLogged',
      'ContactAdded',
      'ContactAdded',
      'ThirdPartyRegistered',
    ]);
    expect(auditJournal.totalCount).toBe(5);
    for (const entry of entries) expect(entry).toMatchObject({ actor: { id: ADMIN_USER_ID }, source: 'api' });
    expect(entries.map((e) => e.entityType)).toEqual(['thirdParty', 'exchange', 'contact', 'contact', 'thirdParty']);

    const registered = entries[4]!;
    expect(registered.entityId).toBe(thirdPartyId);
    expect(registered.changes).toEqual(expect.arrayContaining([{ field: 'name', from: null, to: '"Boulangerie Martin"' }]));
    const logged = entries[1]!;
    // The administrator wrote it, so reads it; other readers get "[confidential]" (security-journal.e2e.spec.ts).
    expect(logged.changes).toEqual(expect.arrayContaining([{ field: 'confidentialComment', from: null, to: JSON.stringify(SECRET) }]));

    const ofThirdParty = await client.read<{ auditJournal: Connection<AuditNode> }>(AUDIT, {
      filter: { entityType: 'thirdParty', entityId: thirdPartyId },
    });
    expect(ofThirdParty.auditJournal.edges.map((e) => e.node.action)).toEqual(['ProspectConverted', 'ThirdPartyRegistered']);
    const conversions = await client.read<{ auditJournal: Connection<AuditNode> }>(AUDIT, {
      filter: { action: 'ProspectConverted', actorId: ADMIN_USER_ID },
    });
    expect(conversions.auditJournal.totalCount).toBe(1);
  });

  it('shows the third party as it was before the conversion (asOf), and as it is now', async () => {
    const { auditJournal } = await client.read<{ auditJournal: Connection<AuditNode> }>(AUDIT, {
      filter: { action: 'ProspectConverted', entityId: thirdPartyId },
    });
    const convertedAt = auditJournal.edges[0]!.node.at;
    const justBefore = new Date(Date.parse(convertedAt) - 1).toISOString();

    type Read = { thirdParty: (Json & { timeline: Connection<TimelineNode>; contacts: Json[] }) | null };
    const before = (await client.read<Read>(THIRD_PARTY, { id: thirdPartyId, asOf: justBefore })).thirdParty!;
    expect(before).toMatchObject({ roles: ['PROSPECT'], convertedAt: null, version: '0', lastInteractionAt: null });
    expect(before.timeline.edges.map((e) => e.node.kind)).not.toContain('PROSPECT_CONVERTED');

    const at = (await client.read<Read>(THIRD_PARTY, { id: thirdPartyId, asOf: convertedAt })).thirdParty!;
    expect(at).toMatchObject({ roles: ['CUSTOMER'], convertedAt, version: '1' });

    const registeredAt = before['registeredAt'] as string;
    const beforeItExisted = await client.read<Read>(THIRD_PARTY, {
      id: thirdPartyId,
      asOf: new Date(Date.parse(registeredAt) - 1).toISOString(),
    });
    expect(beforeItExisted.thirdParty).toBeNull();

    const now = (await client.read<Read>(THIRD_PARTY, { id: thirdPartyId })).thirdParty!;
    expect(now).toMatchObject({ roles: ['CUSTOMER'], convertedAt, version: '1', lastInteractionAt: exchange.occurredAt });
    expect(now.contacts.map((c) => c['displayName'])).toEqual(['Paul Durand', 'Claire Martin']);
    expect(now.timeline.totalCount).toBe(5);
  });

  it('refuses an update made on a stale version with CONFLICT, and applies it on the current one', async () => {
    const stale = await client.mutate('updateThirdParty', { thirdPartyId, phone: '+33 4 78 00 00 00', expectedVersion: '0' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: '0', actualVersion: '1' });

    const current = await client.mutate('updateThirdParty', {
      thirdPartyId,
      phone: '+33 4 78 00 00 00',
      customFields: [{ key: 'employees', value: '14' }],
      expectedVersion: '1',
    });
    expect(current.errors).toBeUndefined();
    expect(current.payload!.thirdParty).toMatchObject({
      phone: '+33 4 78 00 00 00',
      customFields: [
        { key: 'employees', value: '14' },
        { key: 'sector', value: '"bakery"' },
      ],
      version: '2',
    });

    const staleContact = await client.mutate('updateContact', { contactId: claireId, jobTitle: 'Owner', expectedVersion: '3' });
    expect(staleContact.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const staleExchange = await client.mutate('changeExchangeStatus', { exchangeId: exchange.id, status: 'TO_DO', expectedVersion: '5' });
    expect(staleExchange.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

    const notANumber = await client.mutate('updateContact', { contactId: claireId, jobTitle: 'Owner', expectedVersion: 'latest' });
    expect(notANumber.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expectedVersion' });

    const { timeline } = await client.read<{ timeline: Connection<TimelineNode> }>(TIMELINE, {
      thirdPartyId,
      first: 1,
      filter: { kinds: ['THIRD_PARTY_UPDATED'] },
    });
    expect(timeline.edges[0]!.node.changes).toEqual(
      expect.arrayContaining([
        { field: 'phone', from: null, to: '"+33 4 78 00 00 00"' },
        { field: 'customFields.employees', from: '12', to: '14' },
      ]),
    );
  });
});
