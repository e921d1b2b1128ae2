import {
  dataSubjects,
  decisionsInForce,
  type ConsentChannel,
  type ConsentDecision,
  type ConsentEvent,
  type ConsentEvidence,
  type ConsentMethod,
  type ConsentPurpose,
  type ConsentSubjectKind,
  type ContactForgotten,
  type ThirdPartyForgotten,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import { mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import { eventSelection } from '../shared/event-selection.js';
import type { EnvelopeOf, Projection } from '../projection.js';

/** One decision as the read model keeps it: the event's, plus where it is in the log. */
export type ConsentEntryDecision = {
  readonly purpose: ConsentPurpose;
  readonly channel: ConsentChannel;
  readonly decision: ConsentDecision;
  readonly expressedAt: string;
  readonly method: ConsentMethod;
  /** null when none was given, or once the subject's key is destroyed. */
  readonly evidence: ConsentEvidence | null;
  readonly recordedAt: string;
  readonly recordedBy: string;
  /** Global position of the event, as a decimal string: the history's cursor. */
  readonly position: string;
};

/**
 * The consents and objections of one data subject. A type alias (not an
 * interface) so it is a `Doc`.
 */
export type ConsentsEntry = {
  /** The subject as the key store names it: `contact:<id>` or `thirdParty:<id>`. */
  readonly id: string;
  readonly subjectKind: ConsentSubjectKind;
  readonly subjectId: string;
  /** The third party the subject is or belongs to: what scope is judged on. */
  readonly thirdPartyId: string;
  /** A contact's absorbed third party while a merge makes it the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  /** The decisions in force, one per purpose and channel (see `currentConsents`), in purpose then channel order. */
  readonly current: ConsentEntryDecision[];
  /** Every decision, in the order they were recorded. */
  readonly history: ConsentEntryDecision[];
  /**
   * `PURPOSE:CHANNEL:DECISION` and `PURPOSE:DECISION` of each decision in
   * force: "who objected to marketing e-mail" is one `contains` filter.
   */
  readonly terms: string[];
  /** Global position of the last event applied. */
  readonly lastPosition: string;
};

/** The id of a subject's entry: its key-store name. */
export const consentsEntryId = (subjectKind: ConsentSubjectKind, subjectId: string): string =>
  subjectKind === 'contact' ? dataSubjects.contact(subjectId) : dataSubjects.thirdParty(subjectId);

/** The filter terms of decisions in force (see ConsentsEntry.terms). */
export const consentTerms = (current: readonly Pick<ConsentEntryDecision, 'purpose' | 'channel' | 'decision'>[]): string[] => [
  ...new Set(current.flatMap(({ purpose, channel, decision }) => [`${purpose}:${channel}:${decision}`, `${purpose}:${decision}`])),
];

/** The filter term for "a decision in force for this purpose", on one channel or any. */
export const consentTerm = (purpose: ConsentPurpose, decision: ConsentDecision, channel?: ConsentChannel | null): string =>
  channel ? `${purpose}:${channel}:${decision}` : `${purpose}:${decision}`;

type ConsentsEvent = ConsentEvent | ContactForgotten | ThirdPartyForgotten;

const selection = eventSelection<ConsentsEvent>(['ConsentRecorded', 'ContactForgotten', 'ThirdPartyForgotten']);

export const consentsCollection: CollectionDefinition = {
  name: 'consents',
  indexes: ['subjectKind', 'thirdPartyId', 'terms'],
  listFields: ['terms'],
};

export const evolveConsents = (doc: ConsentsEntry | null, envelope: EventEnvelope): ConsentsEntry | null => {
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = selection.select(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ConsentRecorded': {
      const { subjectKind, subjectId, thirdPartyId, ...record } = event.data;
      const decision: ConsentEntryDecision = { ...record, position: event.position.toString() };
      const history = [...(doc?.history ?? []), decision];
      // The domain's rule decides what is in force, so the read model and the decider never disagree.
      const current = decisionsInForce(history);
      // A moved contact's decision names the third party its own stream knows: the absorbed one.
      const moved = doc?.mergedFrom !== undefined && doc.mergedFrom === thirdPartyId;
      return {
        id: consentsEntryId(subjectKind, subjectId),
        subjectKind,
        subjectId,
        thirdPartyId: moved ? doc.thirdPartyId : thirdPartyId,
        ...(moved ? { mergedFrom: doc.mergedFrom } : {}),
        current,
        history,
        terms: consentTerms(current),
        lastPosition: event.position.toString(),
      };
    }
    case 'ContactForgotten':
    case 'ThirdPartyForgotten':
      // Nothing about a forgotten person stays in the read model; the events keep the decisions, their evidence erased.
      return doc === null ? doc : null;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const subjectOf = (event: EnvelopeOf<ConsentsEvent>): { readonly kind: ConsentSubjectKind; readonly id: string } => {
  switch (event.type) {
    case 'ConsentRecorded':
      return { kind: event.data.subjectKind, id: event.data.subjectId };
    case 'ContactForgotten':
      return { kind: 'contact', id: event.data.contactId };
    case 'ThirdPartyForgotten':
      return { kind: 'thirdParty', id: event.data.thirdPartyId };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const consentsProjection: Projection<ConsentsEntry> = {
  name: 'consents.v1',
  collection: consentsCollection,
  canHandle: (type) => selection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => {
    const event = selection.select(envelope);
    if (event === null) return null;
    const subject = subjectOf(event);
    return consentsEntryId(subject.kind, subject.id);
  },
  evolve: evolveConsents,
  // The decisions of the contacts a merge moved follow them; a third party's own stay its own.
  fanOut: mergeFanOut('contactIds', (contactId) => consentsEntryId('contact', contactId)),
};
