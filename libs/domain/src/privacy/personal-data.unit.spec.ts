import { describe, expect, it } from '@jest/globals';
import type { FieldChange } from '../shared/values.js';
import { dataSubjects, personalDataEventTypes, personalDataRuleOf, type PersonalDataEvent } from './personal-data.js';

type Samples = { readonly [T in PersonalDataEvent['type']]: Extract<PersonalDataEvent, { type: T }>['data'] };

// Every string that describes a person holds "Dupont" (or is Marie Dupont's address,
// phone, site); nothing kept in clear may.
const followUpRef = { followUpId: 'QUOTE_NO_RESPONSE-d-1', kind: 'QUOTE_NO_RESPONSE', thirdPartyId: 'tp-1', documentId: 'd-1', cycle: 1 } as const;
const address = { street: '3 rue des Lilas', postalCode: '69003', city: 'Lyon', region: null, country: 'FR' };
const samples: Samples = {
  ThirdPartyRegistered: {
    thirdPartyId: 'tp-1',
    name: 'Marie Dupont',
    kind: 'INDIVIDUAL',
    roles: ['PROSPECT'],
    prospectStatus: 'NEVER_CONTACTED',
    leadSource: 'met Dupont at the fair',
    territory: 'FR-69',
    vatNumber: 'FR00Dupont',
    email: 'marie@dupont.example',
    phone: '+33 4 00 00 00 01',
    website: 'https://dupont.example',
    address,
    paymentTerms: 'Dupont pays on receipt',
    customFields: { nickname: 'la Dupont' },
    registeredAt: '2026-03-01T08:00:00.000Z',
    ownerId: 'user-1',
    categories: ['bakery'],
    tags: ['vip'],
  },
  ThirdPartyUpdated: {
    thirdPartyId: 'tp-1',
    name: 'Marie Dupont-Martin',
    changes: [
      { field: 'name', from: 'Marie Dupont', to: 'Marie Dupont-Martin' },
      { field: 'territory', from: 'FR-69', to: 'FR-75' },
      { field: 'address', from: address, to: null },
      { field: 'customFields.nickname', from: 'la Dupont', to: null },
    ],
  },
  ThirdPartyOwnerAssigned: { thirdPartyId: 'tp-1', name: 'Marie Dupont', changes: [{ field: 'ownerId', from: null, to: 'user-2' }] },
  ThirdPartyCategorised: { thirdPartyId: 'tp-1', name: 'Marie Dupont', changes: [{ field: 'tags', from: [], to: ['vip'] }] },
  ThirdPartyArchived: { thirdPartyId: 'tp-1', name: 'Marie Dupont', reason: 'Dupont moved abroad', archivedAt: '2026-03-05T08:00:00.000Z' },
  ProspectConverted: {
    thirdPartyId: 'tp-1',
    name: 'Marie Dupont',
    convertedAt: '2026-03-04T08:00:00.000Z',
    convertedBy: 'user-1',
    firstExchangeAt: null,
    msSinceFirstExchange: null,
    changes: [{ field: 'roles', from: ['PROSPECT'], to: ['CUSTOMER'] }],
  },
  ContactAdded: {
    contactId: 'c-1',
    thirdPartyId: 'tp-1',
    addedAt: '2026-03-01T08:00:00.000Z',
    firstName: 'Paul',
    lastName: 'Dupont',
    jobTitle: 'Dupont & fils, manager',
    email: 'paul@dupont.example',
    phone: '+33 4 00 00 00 02',
    mobile: '+33 6 00 00 00 02',
    preferredLanguage: 'fr',
    preferredChannel: 'EMAIL',
    notes: 'Dupont prefers mornings',
  },
  ContactUpdated: {
    contactId: 'c-1',
    thirdPartyId: 'tp-1',
    displayName: 'Paul Dupont',
    changes: [
      { field: 'email', from: 'paul@dupont.example', to: 'p@dupont.example' },
      { field: 'preferredChannel', from: 'EMAIL', to: 'PHONE' },
    ],
  },
  ContactArchived: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName: 'Paul Dupont', reason: 'Dupont retired' },
  ThirdPartyForgotten: {
    thirdPartyId: 'tp-1',
    reason: 'SUBJECT_REQUEST',
    reference: 'GDPR-2026-0042',
    forgottenAt: '2026-03-09T08:00:00.000Z',
    contactIds: ['c-1'],
  },
  ContactForgotten: { contactId: 'c-1', thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2026-03-09T08:00:00.000Z' },
  ThirdPartyMerged: {
    thirdPartyId: 'tp-2',
    survivorId: 'tp-1',
    name: 'Dupont SARL',
    reason: 'Same company, registered twice by Paul Dupont',
    mergedAt: '2026-03-10T08:00:00.000Z',
    moved: { contactIds: ['c-2'], exchangeIds: ['e-2'], documentIds: [], followUpIds: [], activityIds: [] },
  },
  ThirdPartyUnmerged: {
    thirdPartyId: 'tp-2',
    survivorId: 'tp-1',
    name: 'Dupont SARL',
    reason: 'Not the same company after all',
    unmergedAt: '2026-03-11T08:00:00.000Z',
    moved: { contactIds: ['c-2'], exchangeIds: ['e-2'], documentIds: [], followUpIds: [], activityIds: [] },
  },
  ExchangeLogged: {
    exchangeId: 'e-1',
    authorId: 'user-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    occurredAt: '2026-03-02T08:00:00.000Z',
    mode: 'PHONE',
    subject: 'QUOTE',
    comment: 'Called Paul Dupont about the quote',
    status: 'CLOSED',
    confidentialComment: 'Dupont is in debt',
    confidentialGroupId: 'g-1',
    collaboratorIds: ['user-2'],
    notifyCollaborators: false,
    linkedDocument: { type: 'QUOTE', ref: 'PR2411-0042' },
    contactedBy: 'user-1',
  },
  ExchangeUpdated: {
    exchangeId: 'e-1',
    thirdPartyId: 'tp-1',
    contactIds: [],
    previousContactIds: ['c-1'],
    subject: 'QUOTE',
    occurredAt: '2026-03-02T08:00:00.000Z',
    changes: [
      { field: 'comment', from: 'Called Paul Dupont about the quote', to: 'Called about the quote' },
      { field: 'contactIds', from: ['c-1'], to: [] },
      { field: 'status', from: 'CLOSED', to: 'IN_PROGRESS' },
    ],
  },
  ExchangeStatusChanged: {
    exchangeId: 'e-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    subject: 'QUOTE',
    occurredAt: '2026-03-02T08:00:00.000Z',
    from: 'IN_PROGRESS',
    to: 'CLOSED',
  },
  ExchangeDeleted: {
    exchangeId: 'e-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    subject: 'QUOTE',
    occurredAt: '2026-03-02T08:00:00.000Z',
    reason: 'logged on Dupont by mistake',
  },
  NoteAdded: { noteId: 'n-1', thirdPartyId: 'tp-1', contactId: 'c-1', text: 'Paul Dupont asked for a call', addedAt: '2026-03-02T08:00:00.000Z', authorId: 'user-1' },
  ConsentRecorded: {
    subjectKind: 'contact',
    subjectId: 'c-1',
    thirdPartyId: 'tp-1',
    purpose: 'MARKETING_EMAIL',
    channel: 'EMAIL',
    decision: 'GIVEN',
    expressedAt: '2026-03-02T08:00:00.000Z',
    method: 'FORM',
    evidence: { formId: 'newsletter-2026', ipAddress: '203.0.113.7', textShown: 'I, Paul Dupont, agree to receive offers', documentRef: null },
    recordedAt: '2026-03-02T08:05:00.000Z',
    recordedBy: 'user-1',
  },
  CommercialDocumentRecorded: {
    documentId: 'd-1',
    thirdPartyId: 'tp-1',
    documentType: 'INVOICE',
    ref: 'FA2603-0042',
    label: 'Croissants for the Dupont wedding',
    amount: '1200.00',
    currency: 'EUR',
    issuedAt: '2026-03-02T08:00:00.000Z',
    dueAt: '2026-04-01T08:00:00.000Z',
    status: 'PARTIALLY_PAID',
    statusAt: '2026-03-03T08:00:00.000Z',
    paidAmount: '400.00',
  },
  CommercialDocumentStatusChanged: {
    documentId: 'd-1',
    thirdPartyId: 'tp-1',
    documentType: 'INVOICE',
    ref: 'FA2603-0042',
    from: 'PARTIALLY_PAID',
    to: 'PAID',
    at: '2026-03-20T08:00:00.000Z',
    paidAmount: '1200.00',
  },
  ActivityScheduled: {
    activityId: 'a-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    kind: 'CALL',
    title: 'Call Paul Dupont back',
    description: 'Dupont asked about the wedding order',
    assigneeId: 'user-1',
    dueAt: null,
    startAt: '2026-03-03T09:00:00.000Z',
    endAt: '2026-03-03T09:30:00.000Z',
    reminders: ['PT15M'],
    scheduledBy: 'user-1',
  },
  ActivityUpdated: {
    activityId: 'a-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    previousContactIds: ['c-1'],
    changes: [
      { field: 'title', from: 'Call Paul Dupont back', to: 'Call the Duponts back' },
      { field: 'startAt', from: '2026-03-03T09:00:00.000Z', to: '2026-03-03T10:00:00.000Z' },
    ],
  },
  ActivityCompleted: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], doneAt: '2026-03-03T10:30:00.000Z' },
  ActivityReopened: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'] },
  ActivityCancelled: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], reason: 'Dupont cancelled' },
  FollowUpScheduled: {
    ...followUpRef,
    anchorAt: '2026-03-02T08:00:00.000Z',
    ownerId: 'user-1',
    language: 'fr',
    steps: [{ step: 1, mode: 'APPROVAL', dueAt: '2026-03-05T08:00:00.000Z' }],
    scheduledAt: '2026-03-02T08:00:01.000Z',
  },
  FollowUpSendDecided: { ...followUpRef, step: 1, messageId: '<followup.x.c1.s1@suivi>', decidedAt: '2026-03-05T08:00:00.000Z' },
  FollowUpStepSent: { ...followUpRef, step: 1, messageId: '<followup.x.c1.s1@suivi>', recipients: 1, sentAt: '2026-03-05T08:00:01.000Z' },
  FollowUpStepFailed: { ...followUpRef, step: 1, messageId: '<followup.x.c1.s1@suivi>', error: 'SMTP_ERROR', attempt: 1, failedAt: '2026-03-05T08:00:01.000Z' },
  FollowUpStepSkipped: { ...followUpRef, step: 1, reason: 'MANUAL', skippedAt: '2026-03-05T08:00:00.000Z', skippedBy: 'user-1' },
  FollowUpStepSnoozed: { ...followUpRef, step: 1, until: '2026-03-09T08:00:00.000Z', snoozedAt: '2026-03-05T08:00:00.000Z', snoozedBy: 'user-1' },
  FollowUpStepApproved: {
    ...followUpRef,
    step: 1,
    approvedAt: '2026-03-05T08:00:00.000Z',
    approvedBy: 'user-1',
    subject: 'Madame Dupont, your quote {DOCUMENT_REF}',
    text: 'Dear Marie Dupont, as we said on the phone…',
    html: null,
  },
  FollowUpCancelled: { ...followUpRef, reason: 'DOCUMENT_CLOSED', cancelledAt: '2026-03-06T08:00:00.000Z', cancelledBy: 'system' },
};

const PERSONAL = /Dupont|dupont|rue des Lilas|\+33/;

/** What the codec keeps in clear under a rule, computed the way the rule reads. */
function clearPart(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const rule = personalDataRuleOf(type)!;
  const clear: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (field === 'changes') {
      clear[field] = (value as FieldChange[]).map((change) => (rule.clear.includes(change.field) ? change : { field: change.field }));
    } else if (rule.clear.includes(field)) {
      clear[field] = value;
    }
  }
  return clear;
}

const allTypes = Object.values(personalDataEventTypes).flat();

describe('personal data rules', () => {
  it('cover every event type of the third-party, contact, exchange and note streams', () => {
    const withoutRule = allTypes.filter((type) => personalDataRuleOf(type) === null);
    expect(withoutRule).toEqual([]);
    expect(Object.keys(samples).sort()).toEqual([...allTypes].sort());
  });

  it('give staff accounts and unknown types no rule', () => {
    for (const type of ['UserCreated', 'GroupCreated', 'AccessDenied', 'ApiTokenIssued', 'toString', 'constructor']) {
      expect(personalDataRuleOf(type)).toBeNull();
    }
  });

  it.each(allTypes)('%s keeps nothing that describes a person in clear', (type) => {
    const data = samples[type] as unknown as Record<string, unknown>;
    const clear = clearPart(type, data);
    expect(JSON.stringify(clear)).not.toMatch(PERSONAL);
    // Ids and dates stay readable: projections route and order by them.
    for (const id of ['thirdPartyId', 'contactId', 'exchangeId', 'noteId']) {
      if (id in data) expect(clear[id]).toEqual(data[id]);
    }
  });

  it('keeps the values of classifying fields in clear in a changes list', () => {
    expect(clearPart('ThirdPartyUpdated', samples.ThirdPartyUpdated as unknown as Record<string, unknown>)['changes']).toEqual([
      { field: 'name' },
      { field: 'territory', from: 'FR-69', to: 'FR-75' },
      { field: 'address' },
      { field: 'customFields.nickname' },
    ]);
  });

  it('names the subjects whose keys protect the personal fields', () => {
    const subjects = (type: PersonalDataEvent['type']): string[] =>
      personalDataRuleOf(type)!.subjects(samples[type] as unknown as Record<string, unknown>);
    expect(subjects('ThirdPartyRegistered')).toEqual(['thirdParty:tp-1']);
    expect(subjects('ContactAdded')).toEqual(['contact:c-1']);
    expect(subjects('ExchangeLogged')).toEqual(['thirdParty:tp-1', 'contact:c-1']);
    // A contact the update removed was described by the comment before it.
    expect(subjects('ExchangeUpdated')).toEqual(['thirdParty:tp-1', 'contact:c-1']);
    expect(subjects('NoteAdded')).toEqual([dataSubjects.thirdParty('tp-1'), dataSubjects.contact('c-1')]);
    expect(personalDataRuleOf('NoteAdded')!.subjects({ ...samples.NoteAdded, contactId: null })).toEqual(['thirdParty:tp-1']);
    // A decision is its subject's alone: the third party a contact belongs to has no say in it.
    expect(subjects('ConsentRecorded')).toEqual(['contact:c-1']);
    expect(personalDataRuleOf('ConsentRecorded')!.subjects({ ...samples.ConsentRecorded, subjectKind: 'thirdParty', subjectId: 'tp-1' })).toEqual([
      'thirdParty:tp-1',
    ]);
    expect(subjects('CommercialDocumentRecorded')).toEqual(['thirdParty:tp-1']);
    expect(subjects('ActivityScheduled')).toEqual(['thirdParty:tp-1', 'contact:c-1']);
  });

  it("keeps a commercial document's facts in clear, its label alone personal", () => {
    const data = samples.CommercialDocumentRecorded as unknown as Record<string, unknown>;
    const { label: _label, ...facts } = data;
    expect(clearPart('CommercialDocumentRecorded', data)).toEqual(facts);
    expect(clearPart('CommercialDocumentStatusChanged', samples.CommercialDocumentStatusChanged as unknown as Record<string, unknown>)).toEqual(
      samples.CommercialDocumentStatusChanged,
    );
  });

  it("keeps a follow-up's record in clear, the mail an approver wrote alone personal", () => {
    for (const type of personalDataEventTypes.followUp) {
      const data = samples[type] as unknown as Record<string, unknown>;
      const { subject: _subject, text: _text, html: _html, ...record } = data;
      expect(clearPart(type, data)).toEqual(record);
      expect(personalDataRuleOf(type)!.subjects(data)).toEqual(['thirdParty:tp-1']);
    }
  });

  it('keeps the record of an erasure wholly in clear, under no key', () => {
    for (const type of ['ThirdPartyForgotten', 'ContactForgotten'] as const) {
      const data = samples[type] as unknown as Record<string, unknown>;
      expect(clearPart(type, data)).toEqual(data);
      // No subject: no key is drawn for someone whose key is about to be destroyed.
      expect(personalDataRuleOf(type)!.subjects(data)).toEqual([]);
    }
  });
});
