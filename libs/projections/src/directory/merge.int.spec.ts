import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  activityDecider,
  commercialDocumentDecider,
  consentDecider,
  contactDecider,
  dataSubjects,
  defaultCatalogue,
  ERASED,
  exchangeDecider,
  followUpDecider,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type Decider,
  type MergeMoved,
  type Message,
} from '#domain';
import { handleCommand } from '#event-store';
import type { Doc } from '#read-store';
import { activitiesProjection } from '../activities/activities.projection.js';
import { auditChainProjection } from '../audit-chain/audit-chain.projection.js';
import { verifyAuditJournal } from '../audit-chain/audit-chain.verification.js';
import { auditJournalProjection, type AuditEntry } from '../audit-journal/audit-journal.projection.js';
import { AuditJournalQueries } from '../audit-journal/audit-journal.queries.js';
import { commercialDocumentsProjection } from '../commercial-documents/commercial-documents.projection.js';
import { consentsEntryId, consentsProjection } from '../consents/consents.projection.js';
import { contactsProjection } from '../contacts/contacts.projection.js';
import { ContactQueries } from '../contacts/contacts.queries.js';
import { exchangesProjection } from '../exchanges/exchanges.projection.js';
import { followUpsProjection } from '../follow-ups/follow-ups.projection.js';
import type { Projection } from '../projection.js';
import { parkedEventsCollection } from '../runner/parked-events.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { allDocs, fixedClock, openStores, RecordingLogger, T0, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { timelineProjection } from '../timeline/timeline.projection.js';
import { TimelineQueries } from '../timeline/timeline.queries.js';
import { directoryProjection } from './directory.projection.js';
import { DirectoryQueries } from './directory.queries.js';

/**
 * Merging a duplicate into the third party that stays, and undoing it, on the
 * real stores through the deciders: the children re-keyed by the runner's
 * fan-out, the round trip back to the very same documents, later events of a
 * moved record, and a rebuild from position 0 equal to live application.
 */

const catalogue = defaultCatalogue;
const id = (kind: string, n: number): string => `00000000-0000-4000-${kind}-${n.toString(16).padStart(12, '0')}`;
const PIVERT = thirdPartyId(1);
const DUPLICATE = thirdPartyId(2);
const OTHER = thirdPartyId(3);
const C_DUP = id('c000', 1);
const C_PIVERT = id('c000', 2);
const E_DUP = id('e000', 1);
const E_PIVERT = id('e000', 2);
const E_AFTER = id('e000', 3);
const Q_DUP = id('f000', 1);
const A_DUP = id('b000', 1);
const FOLLOW_UP = `QUOTE_NO_RESPONSE-${Q_DUP}`;

const projections: Projection[] = [
  directoryProjection,
  contactsProjection,
  exchangesProjection,
  commercialDocumentsProjection,
  followUpsProjection,
  activitiesProjection,
  consentsProjection,
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
    actorId: 'alice',
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
const snapshot = async (): Promise<Record<string, Doc[]>> => {
  const docs: Record<string, Doc[]> = {};
  for (const projection of projections) docs[projection.name] = await allDocs(await stores.readStore.collection<Doc>(projection.collection));
  return docs;
};
const docOf = (docs: Record<string, Doc[]>, projection: Projection, docId: string): Doc | undefined =>
  docs[projection.name]!.find((doc) => doc.id === docId);

const moved: MergeMoved = { contactIds: [C_DUP], exchangeIds: [E_DUP], documentIds: [Q_DUP], followUpIds: [FOLLOW_UP], activityIds: [A_DUP] };
const movedDocs: readonly [Projection, string][] = [
  [contactsProjection, C_DUP],
  [exchangesProjection, E_DUP],
  [commercialDocumentsProjection, Q_DUP],
  [followUpsProjection, FOLLOW_UP],
  [activitiesProjection, A_DUP],
  [consentsProjection, consentsEntryId('contact', C_DUP)],
];

const merge = (reason = 'Registered twice'): Promise<void> =>
  run(thirdPartyDecider, streams.thirdParty(DUPLICATE), {
    type: 'MergeThirdParties',
    data: { thirdPartyId: DUPLICATE, survivor: active(PIVERT), reason, moved, mergedIntoAbsorbed: [] },
  });
const unmerge = (): Promise<void> =>
  run(thirdPartyDecider, streams.thirdParty(DUPLICATE), {
    type: 'UnmergeThirdParties',
    data: { thirdPartyId: DUPLICATE, survivor: active(PIVERT), reason: 'Two workshops after all' },
  });

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
  for (const [n, name] of [
    [PIVERT, 'Atelier Pivert'],
    [DUPLICATE, 'Atelier Pivert SARL'],
    [OTHER, 'Menuiserie Garnier'],
  ] as const) {
    await run(thirdPartyDecider, streams.thirdParty(n), {
      type: 'RegisterThirdParty',
      data: { thirdPartyId: n, name, kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'FR-69', catalogue },
    });
  }
  await run(contactDecider, streams.contact(C_DUP), {
    type: 'AddContact',
    data: { contactId: C_DUP, thirdParty: active(DUPLICATE), firstName: 'Octave', lastName: 'Brissac' },
  });
  await run(contactDecider, streams.contact(C_PIVERT), {
    type: 'AddContact',
    data: { contactId: C_PIVERT, thirdParty: active(PIVERT), firstName: 'Lucie', lastName: 'Fontaine' },
  });
  for (const [exchangeId, owner, contact] of [
    [E_DUP, DUPLICATE, C_DUP],
    [E_PIVERT, PIVERT, C_PIVERT],
  ] as const) {
    await run(exchangeDecider, streams.exchange(exchangeId), {
      type: 'LogExchange',
      data: {
        exchangeId,
        thirdParty: active(owner),
        contacts: [{ contactId: contact, thirdPartyId: owner, archived: false }],
        occurredAt: new Date(T0 + 3_600_000).toISOString(),
        mode: 'visit',
        subject: 'quote',
        comment: `Visit ${exchangeId}`,
        catalogue,
      },
    });
  }
  await run(commercialDocumentDecider, streams.commercialDocument(Q_DUP), {
    type: 'RecordCommercialDocument',
    data: {
      documentId: Q_DUP,
      thirdParty: active(DUPLICATE),
      documentType: 'QUOTE',
      ref: 'DV-2025-017',
      label: 'Workbench',
      amount: '1200',
      currency: 'EUR',
      issuedAt: new Date(T0 + 10_000_000).toISOString(),
    },
  });
  await run(followUpDecider, streams.followUp(FOLLOW_UP), {
    type: 'ScheduleFollowUp',
    data: {
      followUpId: FOLLOW_UP,
      kind: 'QUOTE_NO_RESPONSE',
      thirdPartyId: DUPLICATE,
      documentId: Q_DUP,
      anchorAt: new Date(T0 + 10_000_000).toISOString(),
      ownerId: 'alice',
      language: 'fr',
      steps: [{ offsetDays: 7, mode: 'AUTO' }],
    },
  });
  await run(activityDecider, streams.activity(A_DUP), {
    type: 'ScheduleActivity',
    data: {
      activityId: A_DUP,
      thirdParty: active(DUPLICATE),
      contacts: [],
      kind: 'TASK',
      title: 'Send the workbench plans',
      dueAt: new Date(T0 + 20_000_000).toISOString(),
    },
  });
  await recordConsent('GIVEN');
  await runner.waitFor(head);
});

/** A decision of the duplicate's contact: its stream names the duplicate, merged or not. */
const recordConsent = (decision: string): Promise<void> =>
  run(consentDecider, streams.consent('contact', C_DUP), {
    type: 'RecordConsent',
    data: {
      subject: { kind: 'contact', id: C_DUP, status: 'active', underThirdParty: DUPLICATE, person: true },
      purpose: 'MARKETING_EMAIL',
      channel: 'EMAIL',
      decision,
      at: new Date(T0 + step * 60_000).toISOString(),
      method: 'FORM',
    },
  });

afterAll(async () => {
  await runner.stop();
  await stores.close();
});

describe('merging a duplicate and unmerging it', () => {
  let before: Record<string, Doc[]>;
  let merged: Record<string, Doc[]>;

  beforeAll(async () => {
    before = await snapshot();
    await merge();
    await runner.waitFor(head);
    merged = await snapshot();
  });

  it('re-keys every moved record to the survivor, remembering where it came from', () => {
    for (const [projection, docId] of movedDocs) {
      expect(docOf(merged, projection, docId)).toEqual({ ...docOf(before, projection, docId), thirdPartyId: PIVERT, mergedFrom: DUPLICATE });
    }
    // The survivor's own records and the other third parties' are untouched.
    expect(docOf(merged, contactsProjection, C_PIVERT)).toEqual(docOf(before, contactsProjection, C_PIVERT));
    expect(docOf(merged, exchangesProjection, E_PIVERT)).toEqual(docOf(before, exchangesProjection, E_PIVERT));
    expect(docOf(merged, directoryProjection, PIVERT)).toEqual(docOf(before, directoryProjection, PIVERT));
  });

  it('lists the survivor with both contacts, and hides the absorbed one but by id', async () => {
    const contacts = await ContactQueries.open(stores.readStore);
    const list = await contacts.listByThirdParty(PIVERT);
    expect(list.map((contact) => contact.id).sort()).toEqual([C_DUP, C_PIVERT].sort());
    expect(await contacts.listByThirdParty(DUPLICATE)).toEqual([]);
    const directory = await DirectoryQueries.open(stores.readStore);
    const names = (await directory.list({ first: 10 })).items.map((item) => item.doc.name);
    expect(names).toEqual(['Atelier Pivert', 'Menuiserie Garnier']);
    expect(await directory.get(DUPLICATE)).toMatchObject({ mergedInto: PIVERT, mergedAt: expect.any(String) });
    expect(await directory.mergedInto(PIVERT)).toEqual([DUPLICATE]);
  });

  it("shows the absorbed one's history on the survivor's timeline", async () => {
    const timeline = await TimelineQueries.open(stores.readStore);
    const page = await timeline.list({ thirdPartyId: PIVERT, mergedThirdPartyIds: [DUPLICATE], first: 100 });
    const kinds = page.items.map((item) => [item.doc.kind, item.doc.exchangeId ?? item.doc.contactId ?? item.doc.documentId]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['EXCHANGE_LOGGED', E_DUP],
        ['EXCHANGE_LOGGED', E_PIVERT],
        ['CONTACT_ADDED', C_DUP],
        ['COMMERCIAL_DOCUMENT_RECORDED', Q_DUP],
        ['THIRD_PARTY_MERGED', null],
      ]),
    );
    const alone = await timeline.list({ thirdPartyId: PIVERT, first: 100 });
    expect(alone.items.some((item) => item.doc.exchangeId === E_DUP)).toBe(false);
  });

  it('journals the merge on both third parties, with what moved', async () => {
    const journal = await AuditJournalQueries.open(stores.readStore);
    const entry = (docs: readonly Doc[]) => (docs as AuditEntry[]).find((doc) => doc.action === 'ThirdPartyMerged');
    const found = entry(merged[auditJournalProjection.name]!);
    expect(found).toMatchObject({ entityType: 'thirdParty', entityId: DUPLICATE, scope: PIVERT, subjects: [`thirdParty:${DUPLICATE}`, `thirdParty:${PIVERT}`] });
    expect(found?.changes).toEqual(
      expect.arrayContaining([
        { field: 'survivorId', from: null, to: PIVERT },
        { field: 'moved', from: null, to: moved as never },
        { field: 'reason', from: null, to: 'Registered twice' },
      ]),
    );
    const ofSurvivor = await journal.list({ first: 100, filter: { thirdPartyId: PIVERT }, visibility: { security: false, thirdPartyIds: null } });
    expect(ofSurvivor.items.some((item) => item.doc.action === 'ThirdPartyMerged')).toBe(true);
    const ofAbsorbed = await journal.list({ first: 100, filter: { entityType: 'thirdParty', entityId: DUPLICATE }, visibility: { security: false, thirdPartyIds: null } });
    expect(ofAbsorbed.items.some((item) => item.doc.action === 'ThirdPartyMerged')).toBe(true);
  });

  it('returns every moved record to exactly its pre-merge document on unmerge', async () => {
    await unmerge();
    await runner.waitFor(head);
    const after = await snapshot();
    for (const [projection, docId] of movedDocs) expect(docOf(after, projection, docId)).toEqual(docOf(before, projection, docId));
    expect(docOf(after, contactsProjection, C_PIVERT)).toEqual(docOf(before, contactsProjection, C_PIVERT));
    const directory = await DirectoryQueries.open(stores.readStore);
    const entry = await directory.get(DUPLICATE);
    expect(entry).not.toHaveProperty('mergedInto');
    expect(entry).not.toHaveProperty('mergedAt');
    expect((await directory.list({ first: 10 })).items).toHaveLength(3);
    expect(await directory.mergedInto(PIVERT)).toEqual([]);
  });
});

describe('a merge that holds while the records live on', () => {
  let live: Record<string, Doc[]>;

  beforeAll(async () => {
    await merge('Registered twice, for good');
    // A moved exchange changes: its stream still names the absorbed third party.
    await run(exchangeDecider, streams.exchange(E_DUP), { type: 'ChangeExchangeStatus', data: { exchangeId: E_DUP, status: 'TO_DO' } });
    await run(contactDecider, streams.contact(C_DUP), { type: 'UpdateContact', data: { contactId: C_DUP, jobTitle: 'Foreman' } });
    await recordConsent('WITHDRAWN');
    await run(exchangeDecider, streams.exchange(E_AFTER), {
      type: 'LogExchange',
      data: {
        exchangeId: E_AFTER,
        thirdParty: active(PIVERT),
        contacts: [],
        occurredAt: new Date(T0 + 30_000_000).toISOString(),
        mode: 'phone',
        subject: 'order',
        comment: 'Ordered after the merge',
        catalogue,
      },
    });
    await runner.waitFor(head);
    live = await snapshot();
  });

  it("keeps a moved record the survivor's when its own stream changes it", () => {
    expect(docOf(live, exchangesProjection, E_DUP)).toMatchObject({ thirdPartyId: PIVERT, mergedFrom: DUPLICATE, status: 'TO_DO' });
    expect(docOf(live, contactsProjection, C_DUP)).toMatchObject({ thirdPartyId: PIVERT, mergedFrom: DUPLICATE, jobTitle: 'Foreman' });
    expect(docOf(live, consentsProjection, consentsEntryId('contact', C_DUP))).toMatchObject({
      thirdPartyId: PIVERT,
      mergedFrom: DUPLICATE,
      current: [expect.objectContaining({ decision: 'WITHDRAWN' })],
    });
    expect(docOf(live, exchangesProjection, E_AFTER)).toMatchObject({ thirdPartyId: PIVERT });
    expect(docOf(live, exchangesProjection, E_AFTER)).not.toHaveProperty('mergedFrom');
  });

  it('gives the same documents when every read model is rebuilt from the log, without parking anything', async () => {
    for (const projection of projections) await runner.rebuild(projection.name);
    await runner.waitFor(head);
    expect(await snapshot()).toEqual(live);
    expect(await allDocs(await stores.readStore.collection<Doc>(parkedEventsCollection))).toEqual([]);
    expect(logger.errors()).toEqual([]);
    const verification = await verifyAuditJournal({ store: stores.eventStore, readStore: stores.readStore, codec: stores.codec });
    expect(verification.ok).toBe(true);
  });

  it('gives back on unmerge what moved, with its later changes, and keeps what the survivor gained', async () => {
    await unmerge();
    await runner.waitFor(head);
    const after = await snapshot();
    expect(docOf(after, exchangesProjection, E_DUP)).toEqual({ ...docOf(live, exchangesProjection, E_DUP), thirdPartyId: DUPLICATE, mergedFrom: undefined });
    expect(docOf(after, exchangesProjection, E_DUP)).not.toHaveProperty('mergedFrom');
    expect(docOf(after, exchangesProjection, E_AFTER)).toEqual(docOf(live, exchangesProjection, E_AFTER));
  });
});

describe('forgetting a third party while it is merged', () => {
  let forgotten: Record<string, Doc[]>;

  beforeAll(async () => {
    await merge('Merged before the erasure');
    await run(contactDecider, streams.contact(C_DUP), { type: 'ForgetContact', data: { contactId: C_DUP, reason: 'SUBJECT_REQUEST', reference: null } });
    await run(thirdPartyDecider, streams.thirdParty(DUPLICATE), {
      type: 'ForgetThirdParty',
      data: { thirdPartyId: DUPLICATE, reason: 'SUBJECT_REQUEST', reference: null, contactIds: [C_DUP] },
    });
    await stores.keys.destroy(dataSubjects.thirdParty(DUPLICATE));
    await stores.keys.destroy(dataSubjects.contact(C_DUP));
    await runner.waitFor(head);
    forgotten = await snapshot();
  });

  it('gives its records back first, so that they are erased with it', () => {
    // Nothing about the forgotten contact stays in the consents read model.
    expect(docOf(forgotten, consentsProjection, consentsEntryId('contact', C_DUP))).toBeUndefined();
    for (const [projection, docId] of movedDocs.filter(([projection]) => projection !== consentsProjection)) {
      expect(docOf(forgotten, projection, docId)).toMatchObject({ thirdPartyId: DUPLICATE });
      expect(docOf(forgotten, projection, docId)).not.toHaveProperty('mergedFrom');
    }
    expect(docOf(forgotten, exchangesProjection, E_DUP)).toMatchObject({ comment: ERASED });
    expect(docOf(forgotten, commercialDocumentsProjection, Q_DUP)).toMatchObject({ label: ERASED });
    expect(docOf(forgotten, directoryProjection, DUPLICATE)).toMatchObject({ name: ERASED });
    expect(docOf(forgotten, directoryProjection, DUPLICATE)).not.toHaveProperty('mergedInto');
    // The survivor's own records are untouched.
    expect(docOf(forgotten, exchangesProjection, E_PIVERT)).toMatchObject({ comment: `Visit ${E_PIVERT}`, thirdPartyId: PIVERT });
  });

  it('gives the same documents when rebuilt from the erased log', async () => {
    for (const projection of projections) await runner.rebuild(projection.name);
    await runner.waitFor(head);
    expect(await snapshot()).toEqual(forgotten);
    expect(await allDocs(await stores.readStore.collection<Doc>(parkedEventsCollection))).toEqual([]);
  });
});
