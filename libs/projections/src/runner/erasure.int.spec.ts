import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  commercialDocumentDecider,
  contactDecider,
  dataSubjects,
  defaultCatalogue,
  ERASED,
  exchangeDecider,
  noteDecider,
  streams,
  thirdPartyDecider,
  type Catalogue,
  type CommandContext,
  type Decider,
  type Message,
} from '#domain';
import { handleCommand } from '#event-store';
import type { Doc } from '#read-store';
import { auditChainProjection, type AuditChainLink } from '../audit-chain/audit-chain.projection.js';
import { verifyAuditJournal } from '../audit-chain/audit-chain.verification.js';
import { auditJournalProjection } from '../audit-journal/audit-journal.projection.js';
import { contactsProjection, type ContactEntry } from '../contacts/contacts.projection.js';
import { directoryProjection, type DirectoryEntry } from '../directory/directory.projection.js';
import { exchangesProjection, type ExchangeEntry } from '../exchanges/exchanges.projection.js';
import type { Projection } from '../projection.js';
import { allDocs, fixedClock, openStores, RecordingLogger, T0, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { timelineProjection, type TimelineEntry } from '../timeline/timeline.projection.js';
import { parkedEventsCollection } from './parked-events.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * Forgetting a third party and a contact, end to end on the real stores: the
 * events recorded through the deciders and encrypted per subject, the keys
 * destroyed, the read models erased by the runner's fan-out; then every read
 * model rebuilt from the log, which must give the very same documents.
 */

const catalogue: Catalogue = { ...defaultCatalogue, customFields: [{ key: 'remark', label: 'Remark', type: 'STRING' }] };

const id = (kind: string, n: number): string => `00000000-0000-4000-${kind}-${n.toString(16).padStart(12, '0')}`;
const JEANNE = thirdPartyId(1);
const PIVERT = thirdPartyId(2);
const OCTAVE = id('c000', 1);
const LUCIE = id('c000', 2);
const E_JEANNE = id('e000', 1);
const E_BOTH = id('e000', 2);
const E_LUCIE = id('e000', 3);
const Q_JEANNE = id('f000', 1);

/** What must be nowhere once Jeanne and Octave are forgotten; Lucie and the company stay. */
const FORGOTTEN = ['Jeanne', 'Dupont', 'Lefèvre', 'Lefe\u0300vre', 'lefevre', 'Glycines', 'glycines', '12 34 56', 'Octave', 'octave', 'Brissac', 'brissac'];

const projections: Projection[] = [
  directoryProjection,
  contactsProjection,
  exchangesProjection,
  timelineProjection,
  auditJournalProjection,
  auditChainProjection,
];

let stores: Stores;
let runner: ProjectionRunner;
const logger = new RecordingLogger();
let step = 0;
let head = 0n;

const run = async <S, C extends Message, E extends Message>(decider: Decider<S, C, E>, stream: string, command: C): Promise<void> => {
  step += 1;
  const commandId = stores.ids.next();
  const context: CommandContext = {
    actorId: step % 2 === 0 ? 'bob' : 'alice',
    now: new Date(T0 + step * 60_000),
    commandId,
    correlationId: commandId,
    causationId: null,
    source: 'api',
  };
  const result = await handleCommand({ store: stores.eventStore, codec: stores.codec, ids: stores.ids }, decider, stream, command, context);
  if (result.position === null || result.events.length === 0) throw new Error(`${command.type} appended nothing`);
  head = result.position;
};

const active = (thirdPartyIdValue: string) => ({ thirdPartyId: thirdPartyIdValue, status: 'active' as const });
const contactRef = (contactId: string, archived = false) => ({ contactId, thirdPartyId: PIVERT, archived });

const snapshot = async (): Promise<Record<string, Doc[]>> => {
  const docs: Record<string, Doc[]> = {};
  for (const projection of projections) docs[projection.name] = await allDocs(await stores.readStore.collection<Doc>(projection.collection));
  return docs;
};

const textOf = (docs: Record<string, Doc[]>): string => JSON.stringify(docs);

const filesOf = (dir: string): Buffer => Buffer.concat(fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name))));

beforeAll(async () => {
  stores = openStores();
  runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections,
    logger,
    clock: fixedClock,
    keys: stores.keys,
    idleFlushMs: 5,
    fanOutPageSize: 2,
  });
  await runner.start();

  await run(thirdPartyDecider, streams.thirdParty(JEANNE), {
    type: 'RegisterThirdParty',
    data: {
      thirdPartyId: JEANNE,
      name: 'Jeanne Dupont-Lefèvre',
      kind: 'INDIVIDUAL',
      roles: ['PROSPECT'],
      territory: 'FR-74',
      email: 'jeanne.dupont-lefevre@example.fr',
      phone: '+33 6 12 34 56 78',
      address: { street: '12 rue des Glycines', postalCode: '74000', city: 'Annecy', country: 'FR' },
      customFields: { remark: 'Jeanne loves wisteria' },
      tags: ['kitchen'],
      catalogue,
    },
  });
  await run(thirdPartyDecider, streams.thirdParty(JEANNE), {
    type: 'UpdateThirdParty',
    data: { thirdPartyId: JEANNE, email: 'jeanne@dupont-lefevre.example', address: { city: 'Annecy-le-Vieux' }, catalogue },
  });
  await run(thirdPartyDecider, streams.thirdParty(PIVERT), {
    type: 'RegisterThirdParty',
    data: { thirdPartyId: PIVERT, name: 'Atelier Pivert', kind: 'COMPANY', roles: ['CUSTOMER'], catalogue },
  });
  await run(contactDecider, streams.contact(OCTAVE), {
    type: 'AddContact',
    data: { contactId: OCTAVE, thirdParty: active(PIVERT), firstName: 'Octave', lastName: 'Brissac', email: 'octave.brissac@pivert.example', preferredLanguage: 'fr' },
  });
  await run(contactDecider, streams.contact(LUCIE), {
    type: 'AddContact',
    data: { contactId: LUCIE, thirdParty: active(PIVERT), firstName: 'Lucie', lastName: 'Fontaine', jobTitle: 'Buyer' },
  });
  await run(exchangeDecider, streams.exchange(E_JEANNE), {
    type: 'LogExchange',
    data: {
      exchangeId: E_JEANNE,
      thirdParty: active(JEANNE),
      contacts: [],
      occurredAt: new Date(T0 + 3_600_000).toISOString(),
      mode: 'visit',
      subject: 'quote',
      comment: 'Visited Jeanne Dupont-Lefèvre about her kitchen',
      confidentialComment: 'Jeanne hesitates because of the price',
      catalogue,
    },
  });
  await run(exchangeDecider, streams.exchange(E_BOTH), {
    type: 'LogExchange',
    data: {
      exchangeId: E_BOTH,
      thirdParty: active(PIVERT),
      contacts: [contactRef(OCTAVE), contactRef(LUCIE)],
      occurredAt: new Date(T0 + 7_200_000).toISOString(),
      mode: 'meeting',
      subject: 'order',
      comment: 'Met Octave Brissac and Lucie Fontaine',
      catalogue,
    },
  });
  // Octave leaves the exchange; the comment written while he was on it stays his too.
  await run(exchangeDecider, streams.exchange(E_BOTH), {
    type: 'UpdateExchange',
    data: { exchangeId: E_BOTH, contacts: [contactRef(LUCIE)], catalogue },
  });
  await run(exchangeDecider, streams.exchange(E_LUCIE), {
    type: 'LogExchange',
    data: {
      exchangeId: E_LUCIE,
      thirdParty: active(PIVERT),
      contacts: [contactRef(LUCIE)],
      occurredAt: new Date(T0 + 9_000_000).toISOString(),
      mode: 'phone',
      subject: 'support',
      comment: 'Lucie Fontaine called about a delivery',
      catalogue,
    },
  });
  await run(noteDecider, streams.note(id('d000', 1)), {
    type: 'AddNote',
    data: { noteId: id('d000', 1), thirdParty: active(JEANNE), contact: null, text: 'Jeanne prefers mornings' },
  });
  await run(noteDecider, streams.note(id('d000', 2)), {
    type: 'AddNote',
    data: { noteId: id('d000', 2), thirdParty: active(PIVERT), contact: contactRef(OCTAVE), text: 'Octave is on holiday in August' },
  });
  await run(contactDecider, streams.contact(OCTAVE), {
    type: 'UpdateContact',
    data: { contactId: OCTAVE, email: 'o.brissac@pivert.example', jobTitle: 'Head of Brissac works' },
  });
  await run(contactDecider, streams.contact(OCTAVE), { type: 'ArchiveContact', data: { contactId: OCTAVE, reason: 'Octave retired' } });
  // Her quote: its facts stay (the timeline shows them), its label, about her, goes.
  await run(commercialDocumentDecider, streams.commercialDocument(Q_JEANNE), {
    type: 'RecordCommercialDocument',
    data: {
      documentId: Q_JEANNE,
      thirdParty: active(JEANNE),
      documentType: 'QUOTE',
      ref: 'DV-2025-017',
      label: 'Kitchen of Jeanne Dupont-Lefèvre',
      amount: '8400',
      currency: 'EUR',
      issuedAt: new Date(T0 + 10_000_000).toISOString(),
    },
  });
  await run(commercialDocumentDecider, streams.commercialDocument(Q_JEANNE), {
    type: 'ChangeCommercialDocumentStatus',
    data: { documentId: Q_JEANNE, status: 'ACCEPTED', at: new Date(T0 + 11_000_000).toISOString() },
  });
  await runner.waitFor(head);
});

afterAll(async () => {
  await runner.stop();
  await stores.close();
});

describe('forgetting a third party and a contact', () => {
  let before: Record<string, Doc[]>;
  let erased: Record<string, Doc[]>;

  beforeAll(async () => {
    before = await snapshot();
    expect(textOf(before)).toContain('Jeanne');
    expect(textOf(before)).toContain('Octave');
    await run(thirdPartyDecider, streams.thirdParty(JEANNE), {
      type: 'ForgetThirdParty',
      data: { thirdPartyId: JEANNE, reason: 'SUBJECT_REQUEST', reference: 'GDPR-2025-001', contactIds: [] },
    });
    await run(contactDecider, streams.contact(OCTAVE), { type: 'ForgetContact', data: { contactId: OCTAVE, reason: 'SUBJECT_REQUEST', reference: null } });
    await stores.keys.destroy(dataSubjects.thirdParty(JEANNE));
    await stores.keys.destroy(dataSubjects.contact(OCTAVE));
    await runner.waitFor(head);
    erased = await snapshot();
  });

  it('leaves no personal data of either in any read model', () => {
    const text = textOf(erased);
    for (const word of FORGOTTEN) expect(text).not.toContain(word);
    // What is not theirs stays: the company, the other contact, her own exchange.
    expect(text).toContain('Atelier Pivert');
    expect(text).toContain('Lucie Fontaine called about a delivery');
  });

  it('replaces their personal fields with markers and keeps the history', () => {
    const byId = <D extends Doc>(name: string, docId: string): D => erased[name]!.find((doc) => doc.id === docId) as D;
    expect(byId<DirectoryEntry>(directoryProjection.name, JEANNE)).toMatchObject({
      name: ERASED,
      nameWords: [],
      email: ERASED,
      phone: ERASED,
      address: null,
      customFields: {},
      customFieldTerms: [],
      vatNumber: null,
      kind: 'INDIVIDUAL',
      territory: 'FR-74',
      tags: ['kitchen'],
      forgottenAt: expect.any(String),
    });
    expect(byId<ContactEntry>(contactsProjection.name, OCTAVE)).toMatchObject({
      firstName: ERASED,
      lastName: ERASED,
      displayName: ERASED,
      email: ERASED,
      jobTitle: ERASED,
      phone: null,
      preferredLanguage: 'fr',
      archived: true,
      forgottenAt: expect.any(String),
    });
    expect(byId<ContactEntry>(contactsProjection.name, LUCIE)).toMatchObject({ displayName: 'Lucie Fontaine' });
    expect(byId<ExchangeEntry>(exchangesProjection.name, E_JEANNE)).toMatchObject({
      comment: ERASED,
      confidentialComment: ERASED,
      hasConfidentialComment: true,
      mode: 'visit',
      authorId: 'bob',
      occurredAt: new Date(T0 + 3_600_000).toISOString(),
    });
    // Octave was removed from it, but the comment he was on is erased with him.
    expect(byId<ExchangeEntry>(exchangesProjection.name, E_BOTH)).toMatchObject({ comment: ERASED, contactIds: [LUCIE], namedContactIds: [OCTAVE, LUCIE] });
    expect(byId<ExchangeEntry>(exchangesProjection.name, E_LUCIE)).toMatchObject({ comment: 'Lucie Fontaine called about a delivery' });
    const timeline = erased[timelineProjection.name] as TimelineEntry[];
    expect(timeline).toHaveLength(before[timelineProjection.name]!.length + 2);
    expect(timeline.find((entry) => entry.thirdPartyId === JEANNE && entry.kind === 'THIRD_PARTY_REGISTERED')?.summary).toBe(`Registered ${ERASED}`);
    expect(timeline.find((entry) => entry.kind === 'THIRD_PARTY_FORGOTTEN')?.summary).toBe('Personal data erased (subject request, GDPR-2025-001)');
    expect(timeline.find((entry) => entry.kind === 'CONTACT_ARCHIVED')?.summary).toBe(`Contact archived: ${ERASED}`);
    // Her quote's entries held nothing about her: the erasure leaves them as they were.
    const quoteEntries = (entries: readonly Doc[]) => (entries as TimelineEntry[]).filter((entry) => entry.documentId === Q_JEANNE);
    expect(quoteEntries(timeline).map((entry) => entry.summary)).toEqual(['Quote DV-2025-017 recorded: 8400.00 EUR, sent', 'Quote DV-2025-017: sent → accepted']);
    expect(quoteEntries(timeline)).toEqual(quoteEntries(before[timelineProjection.name]!));
    const exchangeEntries = timeline.filter((entry) => entry.exchangeId === E_JEANNE);
    expect(exchangeEntries.map((entry) => [entry.kind, entry.actorId])).toEqual([['EXCHANGE_LOGGED', 'bob']]);
  });

  it('keeps every link of the audit chain, whose hashes held no personal value, and verifies', async () => {
    const links = (docs: Record<string, Doc[]>): AuditChainLink[] => docs[auditChainProjection.name] as AuditChainLink[];
    expect(links(erased).slice(0, links(before).length)).toEqual(links(before));
    const verification = await verifyAuditJournal({ store: stores.eventStore, readStore: stores.readStore, codec: stores.codec });
    expect(verification).toMatchObject({ ok: true, checkedUpTo: head, firstBreak: null });
  });

  it('leaves none in the files either: events encrypted, keys destroyed, read models overwritten and compacted', () => {
    const bytes = filesOf(stores.dir);
    for (const word of FORGOTTEN) expect(bytes.includes(Buffer.from(word, 'utf8'))).toBe(false);
    expect(bytes.includes(Buffer.from('Lucie Fontaine', 'utf8'))).toBe(true);
  });

  it('gives the same documents when every read model is rebuilt from the log, without parking anything', async () => {
    for (const projection of projections) await runner.rebuild(projection.name);
    await runner.waitFor(head);
    expect(await snapshot()).toEqual(erased);
    const parked = await allDocs(await stores.readStore.collection<Doc>(parkedEventsCollection));
    expect(parked).toEqual([]);
    expect(logger.errors()).toEqual([]);
    const verification = await verifyAuditJournal({ store: stores.eventStore, readStore: stores.readStore, codec: stores.codec });
    expect(verification.ok).toBe(true);
    const bytes = filesOf(stores.dir);
    for (const word of FORGOTTEN) expect(bytes.includes(Buffer.from(word, 'utf8'))).toBe(false);
  });
});
