import {
  ERASED,
  type CommercialDocumentEvent,
  type CommercialDocumentStatus,
  type CommercialDocumentType,
  type ExchangeEvent,
  type FieldChange,
  type FollowUpStepSent,
  type JsonValue,
  type ThirdPartyEvent,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import { eventSelection } from '../shared/event-selection.js';
import { utcInstant } from '../shared/read-model-keys.js';

/*
 * The facts conversion metrics are computed from, one document per third party,
 * built by a pure fold over the log (docs/decisions/0031-conversion-metrics.md).
 * The live read model and the replay "as of" an instant run this same fold, so
 * a metric of the past and of today can only differ by the events they saw.
 * Ids, dates, codes and counts only: the lead source is the one personal value,
 * and it is dropped when the third party is forgotten.
 */

/** An exchange as metrics count it: when it happened. Deleted exchanges leave the list. */
export type MetricsExchangeFact = { readonly id: string; readonly at: string };

/** A reminder (follow-up step) whose mail the mail server accepted. */
export type MetricsStepFact = { readonly step: number; readonly sentAt: string };

/** A quote or invoice (the documents follow-ups chase) and what became of it. */
export type MetricsDocumentFact = {
  readonly id: string;
  readonly type: CommercialDocumentType;
  readonly issuedAt: string | null;
  readonly status: CommercialDocumentStatus | null;
  /** When the quote was accepted or the invoice paid (the business instant); null while it is not. */
  readonly succeededAt: string | null;
  /** The first sending of each step, all cycles together, in step order. */
  readonly steps: MetricsStepFact[];
};

/** A type alias (not an interface) so it is a `Doc`. */
export type MetricsFactsEntry = {
  /** The third party's id. */
  readonly id: string;
  /** Business date of the registration; null when only later events were seen. */
  readonly registeredAt: string | null;
  readonly roles: string[];
  /** Ever a prospect: registered as one, made one by an update, or converted. */
  readonly wasProspect: boolean;
  readonly prospectStatus: string | null;
  /** Null when unknown or erased. */
  readonly leadSource: string | null;
  readonly territory: string | null;
  readonly ownerId: string | null;
  readonly archivedAt: string | null;
  readonly forgotten: boolean;
  /** The survivor while this third party is merged into it: its facts count as the survivor's. */
  readonly mergedInto: string | null;
  readonly convertedAt: string | null;
  /** The owner when the prospect converted: conversions count for the salesperson of the time. */
  readonly convertedOwnerId: string | null;
  /** As the conversion recorded it: the first exchange Suivi knew of then. */
  readonly firstExchangeAt: string | null;
  readonly msSinceFirstExchange: number | null;
  /** Sorted by date, then id. */
  readonly exchanges: MetricsExchangeFact[];
  readonly documents: MetricsDocumentFact[];
  /** Reminders of an inactive prospect. */
  readonly prospectSteps: MetricsStepFact[];
  readonly lastPosition: string;
};

export type MetricsEvent = ThirdPartyEvent | ExchangeEvent | CommercialDocumentEvent | FollowUpStepSent;

const selection = eventSelection<MetricsEvent>([
  'ThirdPartyRegistered',
  'ThirdPartyUpdated',
  'ThirdPartyOwnerAssigned',
  'ThirdPartyCategorised',
  'ThirdPartyArchived',
  'ProspectConverted',
  'ThirdPartyForgotten',
  'ThirdPartyMerged',
  'ThirdPartyUnmerged',
  'ExchangeLogged',
  'ExchangeUpdated',
  'ExchangeStatusChanged',
  'ExchangeDeleted',
  'CommercialDocumentRecorded',
  'CommercialDocumentStatusChanged',
  // Only what was sent is a reminder the client received.
  'FollowUpStepSent',
]);

/** Whether the metrics fold reads events of this type. */
export const metricsCanHandle = selection.canHandle;

/** The third party an event's facts belong to; null for events the fold ignores. */
export const metricsFactsId = (event: EventEnvelope): string | null => {
  const selected = selection.select(event);
  if (selected === null) return null;
  const id = (selected.data as { readonly thirdPartyId?: unknown }).thirdPartyId;
  return typeof id === 'string' ? id : null;
};

export const emptyMetricsFacts = (id: string): MetricsFactsEntry => ({
  id,
  registeredAt: null,
  roles: [],
  wasProspect: false,
  prospectStatus: null,
  leadSource: null,
  territory: null,
  ownerId: null,
  archivedAt: null,
  forgotten: false,
  mergedInto: null,
  convertedAt: null,
  convertedOwnerId: null,
  firstExchangeAt: null,
  msSinceFirstExchange: null,
  exchanges: [],
  documents: [],
  prospectSteps: [],
  lastPosition: '0',
});

// An erased value reads as the marker: for metrics it is no longer a known source.
const codeOf = (value: JsonValue | undefined): string | null => (typeof value === 'string' && value.length > 0 && value !== ERASED ? value : null);

const rolesOf = (value: JsonValue | undefined): string[] | null =>
  Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : null;

/** The order of a third party's exchanges: by date, then id. */
export const byDateThenId = (a: MetricsExchangeFact, b: MetricsExchangeFact): number =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The exchanges with `id` at `at` (null: without it), kept in order by inserting rather than sorting. */
const withExchange = (facts: MetricsFactsEntry, id: string, at: string | null): MetricsExchangeFact[] => {
  const others = facts.exchanges.some((exchange) => exchange.id === id) ? facts.exchanges.filter((exchange) => exchange.id !== id) : facts.exchanges;
  if (at === null) return [...others];
  const fact = { id, at: utcInstant(at) };
  // Exchanges are mostly logged in date order: the new one usually goes last.
  const index = others.findLastIndex((exchange) => byDateThenId(exchange, fact) < 0) + 1;
  return [...others.slice(0, index), fact, ...others.slice(index)];
};

const withStep = (steps: readonly MetricsStepFact[], step: number, sentAt: string): MetricsStepFact[] =>
  steps.some((known) => known.step === step) ? [...steps] : [...steps, { step, sentAt: utcInstant(sentAt) }].sort((a, b) => a.step - b.step);

/** The document, created empty when a follow-up event arrives first (it cannot in practice). */
const documentOf = (facts: MetricsFactsEntry, id: string, type: CommercialDocumentType): MetricsDocumentFact =>
  facts.documents.find((document) => document.id === id) ?? { id, type, issuedAt: null, status: null, succeededAt: null, steps: [] };

const withDocument = (facts: MetricsFactsEntry, document: MetricsDocumentFact): MetricsDocumentFact[] => {
  const index = facts.documents.findIndex((known) => known.id === document.id);
  if (index < 0) return [...facts.documents, document];
  return facts.documents.map((known, at) => (at === index ? document : known));
};

/** The status a quote or an invoice succeeds by: what follow-ups chase it for. */
const succeeds = (type: CommercialDocumentType, status: CommercialDocumentStatus): boolean =>
  (type === 'QUOTE' && status === 'ACCEPTED') || (type === 'INVOICE' && status === 'PAID');

const withStatus = (document: MetricsDocumentFact, status: CommercialDocumentStatus, at: string): MetricsDocumentFact => ({
  ...document,
  status,
  // The first success counts: a document paid, cancelled then paid again was paid first.
  succeededAt: document.succeededAt ?? (succeeds(document.type, status) ? utcInstant(at) : null),
});

const applyProfileChanges = (facts: MetricsFactsEntry, changes: readonly FieldChange[]): MetricsFactsEntry => {
  let next = facts;
  for (const change of changes) {
    switch (change.field) {
      case 'roles': {
        const roles = rolesOf(change.to);
        if (roles !== null) next = { ...next, roles, wasProspect: next.wasProspect || roles.includes('PROSPECT') };
        break;
      }
      case 'prospectStatus':
        next = { ...next, prospectStatus: codeOf(change.to) };
        break;
      case 'leadSource':
        next = { ...next, leadSource: next.forgotten ? null : codeOf(change.to) };
        break;
      case 'territory':
        next = { ...next, territory: codeOf(change.to) };
        break;
      case 'ownerId':
        next = { ...next, ownerId: codeOf(change.to) };
        break;
      default:
        break;
    }
  }
  return next;
};

/**
 * One step of the fold: the facts after `event`. Pure; `doc` is null for a
 * third party not seen yet. Returns `doc` itself when nothing changed.
 */
export const evolveMetricsFacts = (doc: MetricsFactsEntry | null, event: EventEnvelope): MetricsFactsEntry | null => {
  const selected = selection.select(event);
  const id = metricsFactsId(event);
  if (selected === null || id === null) return doc;
  const facts = doc ?? emptyMetricsFacts(id);
  const next = applyEvent(facts, selected);
  return next === facts ? doc : { ...next, lastPosition: event.position.toString() };
};

const applyEvent = (facts: MetricsFactsEntry, event: ReturnType<typeof selection.select> & object): MetricsFactsEntry => {
  switch (event.type) {
    case 'ThirdPartyRegistered': {
      const data = event.data;
      return {
        ...facts,
        registeredAt: utcInstant(data.registeredAt),
        roles: [...data.roles],
        wasProspect: facts.wasProspect || data.roles.includes('PROSPECT'),
        prospectStatus: data.prospectStatus,
        leadSource: codeOf(data.leadSource),
        territory: codeOf(data.territory),
        ownerId: data.ownerId,
      };
    }
    case 'ThirdPartyUpdated':
    case 'ThirdPartyOwnerAssigned':
      return applyProfileChanges(facts, event.data.changes);
    case 'ThirdPartyCategorised':
      return facts;
    case 'ThirdPartyArchived':
      return { ...facts, archivedAt: utcInstant(event.data.archivedAt) };
    case 'ProspectConverted': {
      const data = event.data;
      const changed = applyProfileChanges(facts, data.changes);
      return {
        ...changed,
        wasProspect: true,
        convertedAt: utcInstant(data.convertedAt),
        convertedOwnerId: facts.ownerId,
        firstExchangeAt: data.firstExchangeAt === null ? null : utcInstant(data.firstExchangeAt),
        msSinceFirstExchange: data.msSinceFirstExchange,
      };
    }
    case 'ThirdPartyForgotten':
      return { ...facts, forgotten: true, leadSource: null };
    case 'ThirdPartyMerged':
      return { ...facts, mergedInto: event.data.survivorId };
    case 'ThirdPartyUnmerged':
      return { ...facts, mergedInto: null };
    case 'ExchangeLogged':
      return { ...facts, exchanges: withExchange(facts, event.data.exchangeId, event.data.occurredAt) };
    case 'ExchangeUpdated':
    case 'ExchangeStatusChanged': {
      // Every exchange event repeats its date: the last one read is the exchange's.
      const known = facts.exchanges.find((exchange) => exchange.id === event.data.exchangeId);
      if (known === undefined || known.at === utcInstant(event.data.occurredAt)) return facts;
      return { ...facts, exchanges: withExchange(facts, event.data.exchangeId, event.data.occurredAt) };
    }
    case 'ExchangeDeleted':
      return facts.exchanges.some((exchange) => exchange.id === event.data.exchangeId)
        ? { ...facts, exchanges: withExchange(facts, event.data.exchangeId, null) }
        : facts;
    case 'CommercialDocumentRecorded': {
      const data = event.data;
      if (data.documentType !== 'QUOTE' && data.documentType !== 'INVOICE') return facts;
      const recorded = { ...documentOf(facts, data.documentId, data.documentType), issuedAt: utcInstant(data.issuedAt) };
      return { ...facts, documents: withDocument(facts, withStatus(recorded, data.status, data.statusAt)) };
    }
    case 'CommercialDocumentStatusChanged': {
      const data = event.data;
      if (data.documentType !== 'QUOTE' && data.documentType !== 'INVOICE') return facts;
      return { ...facts, documents: withDocument(facts, withStatus(documentOf(facts, data.documentId, data.documentType), data.to, data.at)) };
    }
    case 'FollowUpStepSent': {
      const data = event.data;
      if (data.kind === 'INACTIVE_PROSPECT' || data.documentId === null) {
        return { ...facts, prospectSteps: withStep(facts.prospectSteps, data.step, data.sentAt) };
      }
      const document = documentOf(facts, data.documentId, data.kind === 'QUOTE_NO_RESPONSE' ? 'QUOTE' : 'INVOICE');
      return { ...facts, documents: withDocument(facts, { ...document, steps: withStep(document.steps, data.step, data.sentAt) }) };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/**
 * The fold over a whole log: the facts of every third party after `events`,
 * in log order. What the read model holds, computed in memory.
 */
export class MetricsFold {
  private readonly facts = new Map<string, MetricsFactsEntry>();

  apply(event: EventEnvelope): void {
    const id = metricsFactsId(event);
    if (id === null) return;
    const previous = this.facts.get(id) ?? null;
    const next = evolveMetricsFacts(previous, event);
    if (next !== null && next !== previous) this.facts.set(id, next);
  }

  entries(): MetricsFactsEntry[] {
    return [...this.facts.values()];
  }
}
