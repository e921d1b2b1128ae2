import type { ActivityEvent } from '../activity/activity.events.js';
import type { ConsentEvent } from '../consent/consent.events.js';
import type { CommercialDocumentEvent } from '../commercial-document/commercial-document.events.js';
import type { ContactEvent } from '../contact/contact.events.js';
import type { ExchangeEvent } from '../exchange/exchange.events.js';
import type { FollowUpEvent } from '../follow-up/follow-up.events.js';
import type { NoteEvent } from '../note/note.events.js';
import type { Message } from '../shared/event.js';
import type { ThirdPartyEvent } from '../third-party/third-party.events.js';

/**
 * What a personal string reads as once its data subject's key is destroyed
 * (crypto-shredding). Erased numbers, booleans and objects read as null, erased
 * arrays as [].
 */
export const ERASED = '[erased]';

/**
 * The people personal data is about, as the key store names them. A third party
 * is one subject whatever its kind: a company's name is not personal, but an
 * individual's is, and the rules do not depend on a field that can change.
 */
export const dataSubjects = {
  thirdParty: (id: string): string => `thirdParty:${id}`,
  contact: (id: string): string => `contact:${id}`,
} as const;

/** The events of the streams that hold personal data. */
export type PersonalDataEvent = ThirdPartyEvent | ContactEvent | ExchangeEvent | NoteEvent | ConsentEvent | CommercialDocumentEvent | ActivityEvent | FollowUpEvent;

/**
 * How the codec protects one event type. A whitelist: every top-level field not
 * in `clear` is personal, so a field added later is encrypted until someone
 * decides it need not be. In a `changes` list (FieldChange[]), the `field` names
 * stay clear, and `from`/`to` stay clear only for fields named in `clear`.
 */
export interface PersonalDataRule<Data = Record<string, unknown>> {
  /**
   * Whose keys protect the personal fields. Every one is needed to read them, so
   * destroying any one erases them: an exchange's comment describes its third
   * party and its contacts alike.
   */
  readonly subjects: (data: Data) => string[];
  /** Fields kept in clear: ids, dates, statuses, catalogue codes, roles, owners, counts… */
  readonly clear: readonly string[];
}

/** Every event type of those streams, by stream kind. The compiler checks that none is missing. */
export const personalDataEventTypes = {
  thirdParty: [
    'ThirdPartyRegistered',
    'ThirdPartyUpdated',
    'ThirdPartyOwnerAssigned',
    'ThirdPartyCategorised',
    'ThirdPartyArchived',
    'ProspectConverted',
    'ThirdPartyForgotten',
    'ThirdPartyMerged',
    'ThirdPartyUnmerged',
  ],
  contact: ['ContactAdded', 'ContactUpdated', 'ContactArchived', 'ContactForgotten'],
  exchange: ['ExchangeLogged', 'ExchangeUpdated', 'ExchangeStatusChanged', 'ExchangeDeleted'],
  note: ['NoteAdded'],
  consent: ['ConsentRecorded'],
  commercialDocument: ['CommercialDocumentRecorded', 'CommercialDocumentStatusChanged'],
  activity: ['ActivityScheduled', 'ActivityUpdated', 'ActivityCompleted', 'ActivityReopened', 'ActivityCancelled'],
  followUp: [
    'FollowUpScheduled',
    'FollowUpSendDecided',
    'FollowUpStepSent',
    'FollowUpStepFailed',
    'FollowUpStepSkipped',
    'FollowUpStepSnoozed',
    'FollowUpStepApproved',
    'FollowUpCancelled',
  ],
} as const satisfies {
  readonly thirdParty: readonly ThirdPartyEvent['type'][];
  readonly contact: readonly ContactEvent['type'][];
  readonly exchange: readonly ExchangeEvent['type'][];
  readonly note: readonly NoteEvent['type'][];
  readonly consent: readonly ConsentEvent['type'][];
  readonly commercialDocument: readonly CommercialDocumentEvent['type'][];
  readonly activity: readonly ActivityEvent['type'][];
  readonly followUp: readonly FollowUpEvent['type'][];
};

type Unlisted<E extends Message, Listed extends readonly string[]> = Exclude<E['type'], Listed[number]>;
type MustBeEmpty<T extends never> = T;
/** Fails to compile when an event type of those streams is missing from personalDataEventTypes. */
export type EveryPersonalDataEventListed = MustBeEmpty<
  | Unlisted<ThirdPartyEvent, typeof personalDataEventTypes.thirdParty>
  | Unlisted<ContactEvent, typeof personalDataEventTypes.contact>
  | Unlisted<ExchangeEvent, typeof personalDataEventTypes.exchange>
  | Unlisted<NoteEvent, typeof personalDataEventTypes.note>
  | Unlisted<ConsentEvent, typeof personalDataEventTypes.consent>
  | Unlisted<CommercialDocumentEvent, typeof personalDataEventTypes.commercialDocument>
  | Unlisted<ActivityEvent, typeof personalDataEventTypes.activity>
  | Unlisted<FollowUpEvent, typeof personalDataEventTypes.followUp>
>;

type DataOf<T extends PersonalDataEvent['type']> = Extract<PersonalDataEvent, { type: T }>['data'];

const ofThirdParty = (data: { readonly thirdPartyId: string }): string[] => [dataSubjects.thirdParty(data.thirdPartyId)];
const ofMerge = (data: { readonly thirdPartyId: string; readonly survivorId: string }): string[] => [
  dataSubjects.thirdParty(data.thirdPartyId),
  dataSubjects.thirdParty(data.survivorId),
];
const ofContact = (data: { readonly contactId: string }): string[] => [dataSubjects.contact(data.contactId)];
const ofExchange = (data: { readonly thirdPartyId: string; readonly contactIds: readonly string[]; readonly previousContactIds?: readonly string[] }): string[] => [
  dataSubjects.thirdParty(data.thirdPartyId),
  // The text before an update may describe a contact the update removed.
  ...[...new Set([...data.contactIds, ...(data.previousContactIds ?? [])])].map(dataSubjects.contact),
];

// The profile fields a third party's events keep in clear: they classify, they do not describe.
const thirdPartyClear = ['kind', 'roles', 'prospectStatus', 'territory', 'ownerId', 'categories', 'tags'];
// preferredLanguage and preferredChannel say nothing of who a contact is once the name is gone.
const contactClear = ['preferredLanguage', 'preferredChannel'];
const exchangeContext = ['exchangeId', 'thirdPartyId', 'contactIds', 'subject', 'occurredAt'];
// Everything of an exchange but its texts (comment, confidentialComment).
const exchangeClear = [
  ...exchangeContext,
  'mode',
  'status',
  'confidentialGroupId',
  'collaboratorIds',
  'notifyCollaborators',
  'linkedDocument',
  'contactedBy',
];

// An activity's schedule (kind, assignee, times, reminders, done) stays clear: the reminder
// automation and the calendar feed route by it. Its title, description and cancellation
// reason are free text about the third party and the contacts, so personal.
const activityClear = ['activityId', 'thirdPartyId', 'contactIds'];
const activityScheduleClear = [...activityClear, 'kind', 'assigneeId', 'dueAt', 'startAt', 'endAt', 'reminders'];
// What every follow-up event repeats (FollowUpRef).
const followUpRef = ['followUpId', 'kind', 'thirdPartyId', 'documentId', 'cycle'];

/**
 * The rule of every event type of the third-party, contact, exchange, note and consent
 * streams. Names, e-mail addresses, phones, addresses, websites, VAT numbers, custom
 * fields and free text are personal; the denormalised `name` and `displayName`
 * too. Users, groups and security events have no rule: they concern staff
 * accounts, and stay in clear.
 */
export const personalDataRules: { readonly [T in PersonalDataEvent['type']]: PersonalDataRule<DataOf<T>> } = {
  ThirdPartyRegistered: { subjects: ofThirdParty, clear: ['thirdPartyId', 'registeredAt', ...thirdPartyClear] },
  ThirdPartyUpdated: { subjects: ofThirdParty, clear: ['thirdPartyId', ...thirdPartyClear] },
  ThirdPartyOwnerAssigned: { subjects: ofThirdParty, clear: ['thirdPartyId', 'ownerId'] },
  ThirdPartyCategorised: { subjects: ofThirdParty, clear: ['thirdPartyId', 'categories', 'tags'] },
  ThirdPartyArchived: { subjects: ofThirdParty, clear: ['thirdPartyId', 'archivedAt'] },
  ProspectConverted: {
    subjects: ofThirdParty,
    clear: ['thirdPartyId', 'convertedAt', 'convertedBy', 'firstExchangeAt', 'msSinceFirstExchange', 'roles', 'prospectStatus'],
  },
  // The reason is free text about both third parties (why they are one), so under both keys;
  // the ids and what moved stay clear: the read models re-key by them, erased or not.
  ThirdPartyMerged: { subjects: ofMerge, clear: ['thirdPartyId', 'survivorId', 'mergedAt', 'moved'] },
  ThirdPartyUnmerged: { subjects: ofMerge, clear: ['thirdPartyId', 'survivorId', 'unmergedAt', 'moved'] },
  ContactAdded: { subjects: ofContact, clear: ['contactId', 'thirdPartyId', 'addedAt', ...contactClear] },
  ContactUpdated: { subjects: ofContact, clear: ['contactId', 'thirdPartyId', ...contactClear] },
  ContactArchived: { subjects: ofContact, clear: ['contactId', 'thirdPartyId'] },
  // An erasure's record holds nothing about the person (ids, a reason code, a case
  // reference documented as "no personal data", the date): all clear, so no key is
  // drawn for a subject whose key is about to be destroyed.
  ThirdPartyForgotten: { subjects: () => [], clear: ['thirdPartyId', 'reason', 'reference', 'forgottenAt', 'contactIds'] },
  ContactForgotten: { subjects: () => [], clear: ['contactId', 'thirdPartyId', 'reason', 'reference', 'forgottenAt'] },
  ExchangeLogged: { subjects: ofExchange, clear: ['authorId', ...exchangeClear] },
  ExchangeUpdated: { subjects: ofExchange, clear: ['previousContactIds', ...exchangeClear] },
  ExchangeStatusChanged: { subjects: ofExchange, clear: [...exchangeContext, 'from', 'to'] },
  ExchangeDeleted: { subjects: ofExchange, clear: exchangeContext },
  NoteAdded: {
    subjects: (data) => [dataSubjects.thirdParty(data.thirdPartyId), ...(data.contactId ? [dataSubjects.contact(data.contactId)] : [])],
    clear: ['noteId', 'thirdPartyId', 'contactId', 'addedAt', 'authorId'],
  },
  // What was decided, when and how stays clear (the follow-up engine must read it); the
  // evidence (IP address, the text shown, form and document references) is personal.
  ConsentRecorded: {
    subjects: (data) => [data.subjectKind === 'contact' ? dataSubjects.contact(data.subjectId) : dataSubjects.thirdParty(data.subjectId)],
    clear: ['subjectKind', 'subjectId', 'thirdPartyId', 'purpose', 'channel', 'decision', 'expressedAt', 'method', 'recordedAt', 'recordedBy'],
  },
  // A commercial document is business facts (type, ref, amounts, dates, statuses), all clear
  // for the follow-ups and the lists; only its label, free text about the third party, is personal.
  CommercialDocumentRecorded: {
    subjects: ofThirdParty,
    clear: ['documentId', 'thirdPartyId', 'documentType', 'ref', 'amount', 'currency', 'issuedAt', 'dueAt', 'status', 'statusAt', 'paidAmount'],
  },
  CommercialDocumentStatusChanged: {
    subjects: ofThirdParty,
    clear: ['documentId', 'thirdPartyId', 'documentType', 'ref', 'from', 'to', 'at', 'paidAmount'],
  },
  ActivityScheduled: { subjects: ofExchange, clear: [...activityScheduleClear, 'scheduledBy'] },
  ActivityUpdated: { subjects: ofExchange, clear: [...activityScheduleClear, 'previousContactIds'] },
  ActivityCompleted: { subjects: ofExchange, clear: [...activityClear, 'doneAt'] },
  ActivityReopened: { subjects: ofExchange, clear: activityClear },
  ActivityCancelled: { subjects: ofExchange, clear: activityClear },
  // A follow-up's events are ids, dates, steps and codes, all clear (they outlive an erasure as
  // the record of what was sent when), but for the mail a person wrote when approving a step:
  // free text about the client. An approval without one draws no key (its override fields are null).
  FollowUpScheduled: { subjects: ofThirdParty, clear: [...followUpRef, 'anchorAt', 'ownerId', 'language', 'steps', 'scheduledAt'] },
  FollowUpSendDecided: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'messageId', 'decidedAt'] },
  FollowUpStepSent: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'messageId', 'recipients', 'sentAt'] },
  FollowUpStepFailed: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'messageId', 'error', 'attempt', 'failedAt'] },
  FollowUpStepSkipped: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'reason', 'skippedAt', 'skippedBy'] },
  FollowUpStepSnoozed: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'until', 'snoozedAt', 'snoozedBy'] },
  FollowUpStepApproved: { subjects: ofThirdParty, clear: [...followUpRef, 'step', 'approvedAt', 'approvedBy'] },
  FollowUpCancelled: { subjects: ofThirdParty, clear: [...followUpRef, 'reason', 'cancelledAt', 'cancelledBy'] },
};

/** The rule of a stored event type; null for the types whose data is not personal. */
export const personalDataRuleOf = (type: string): PersonalDataRule | null =>
  Object.hasOwn(personalDataRules, type) ? (personalDataRules[type as PersonalDataEvent['type']] as unknown as PersonalDataRule) : null;
