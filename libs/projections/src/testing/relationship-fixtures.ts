import {
  streams,
  type ContactAdded,
  type ContactArchived,
  type ContactUpdated,
  type ExchangeDeleted,
  type ExchangeLogged,
  type ExchangeStatusChanged,
  type ExchangeUpdated,
  type Message,
  type NoteAdded,
  type ProspectConverted,
  type ThirdPartyArchived,
  type ThirdPartyCategorised,
  type ThirdPartyOwnerAssigned,
  type ThirdPartyRegistered,
  type ThirdPartyUpdated,
} from '#domain';
import type { EventEnvelope, EventMetadata } from '#event-store';
import type { Stores } from './third-party-fixtures.js';
import { foldProjection } from './envelope-fixtures.js';
import type { Doc } from '#read-store';
import type { Projection } from '../projection.js';

/**
 * Test support for the timeline and audit journal specs: events of every type of
 * the relationship core, with fixed ids and times, as envelopes (unit specs) or
 * appended to a real event store (integration specs).
 */

export const CONFIDENTIAL_TEXT = 'Budget is tight: never quote above 5k';

export const ids = {
  boulangerie: 'tp-boulangerie',
  atelier: 'tp-atelier',
  marie: 'ct-marie',
  pierre: 'ct-pierre',
  meeting: 'ex-meeting',
  call: 'ex-call',
  contactNote: 'nt-contact',
  thirdPartyNote: 'nt-third-party',
} as const;

export const registered = (data: Partial<ThirdPartyRegistered['data']> = {}): ThirdPartyRegistered => ({
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: ids.boulangerie,
    name: 'Boulangerie Martin',
    kind: 'COMPANY',
    roles: ['PROSPECT'],
    prospectStatus: 'NEVER_CONTACTED',
    leadSource: 'trade fair',
    territory: 'Lyon',
    vatNumber: null,
    email: 'contact@boulangerie-martin.fr',
    phone: null,
    website: null,
    address: { street: '3 rue Mercière', postalCode: '69002', city: 'Lyon', region: null, country: 'FR' },
    paymentTerms: null,
    customFields: { sector: 'bakery', employees: 12 },
    registeredAt: '2025-03-03T09:00:00.000Z',
    ownerId: 'alice',
    categories: [],
    tags: ['artisan'],
    ...data,
  },
});

export const thirdPartyUpdated = (data: Partial<ThirdPartyUpdated['data']> = {}): ThirdPartyUpdated => ({
  type: 'ThirdPartyUpdated',
  data: {
    thirdPartyId: ids.boulangerie,
    name: 'Boulangerie Martin & Fils',
    changes: [
      { field: 'name', from: 'Boulangerie Martin', to: 'Boulangerie Martin & Fils' },
      { field: 'email', from: 'contact@boulangerie-martin.fr', to: 'bonjour@martin-fils.fr' },
    ],
    ...data,
  },
});

export const ownerAssigned = (to: string | null = 'bob'): ThirdPartyOwnerAssigned => ({
  type: 'ThirdPartyOwnerAssigned',
  data: { thirdPartyId: ids.boulangerie, name: 'Boulangerie Martin', changes: [{ field: 'ownerId', from: 'alice', to }] },
});

export const categorised = (): ThirdPartyCategorised => ({
  type: 'ThirdPartyCategorised',
  data: {
    thirdPartyId: ids.boulangerie,
    name: 'Boulangerie Martin',
    changes: [
      { field: 'categories', from: [], to: ['retail'] },
      { field: 'tags', from: ['artisan'], to: ['artisan', 'bio'] },
    ],
  },
});

export const thirdPartyArchived = (reason: string | null = 'closed down'): ThirdPartyArchived => ({
  type: 'ThirdPartyArchived',
  data: { thirdPartyId: ids.boulangerie, name: 'Boulangerie Martin', reason, archivedAt: '2025-03-03T14:00:00.000Z' },
});

export const converted = (msSinceFirstExchange: number | null = 12 * 86_400_000 + 5_000): ProspectConverted => ({
  type: 'ProspectConverted',
  data: {
    thirdPartyId: ids.boulangerie,
    name: 'Boulangerie Martin & Fils',
    convertedAt: '2025-03-03T13:00:00.000Z',
    convertedBy: 'alice',
    firstExchangeAt: msSinceFirstExchange === null ? null : '2025-03-03T11:00:00.000Z',
    msSinceFirstExchange,
    changes: [
      { field: 'roles', from: ['PROSPECT'], to: ['CUSTOMER'] },
      { field: 'prospectStatus', from: 'CONTACTED', to: null },
    ],
  },
});

export const contactAdded = (data: Partial<ContactAdded['data']> = {}): ContactAdded => ({
  type: 'ContactAdded',
  data: {
    contactId: ids.marie,
    thirdPartyId: ids.boulangerie,
    firstName: 'Marie',
    lastName: 'Curie',
    jobTitle: 'Buyer',
    email: 'marie@boulangerie-martin.fr',
    phone: null,
    mobile: null,
    preferredLanguage: 'fr',
    preferredChannel: 'EMAIL',
    notes: null,
    addedAt: '2025-03-03T09:10:00.000Z',
    ...data,
  },
});

export const contactUpdated = (data: Partial<ContactUpdated['data']> = {}): ContactUpdated => ({
  type: 'ContactUpdated',
  data: {
    contactId: ids.marie,
    thirdPartyId: ids.boulangerie,
    displayName: 'Marie Curie',
    changes: [
      { field: 'email', from: 'marie@boulangerie-martin.fr', to: 'marie.curie@martin-fils.fr' },
      { field: 'phone', from: null, to: '+33 4 78 00 00 00' },
    ],
    ...data,
  },
});

export const contactArchived = (data: Partial<ContactArchived['data']> = {}): ContactArchived => ({
  type: 'ContactArchived',
  data: { contactId: ids.pierre, thirdPartyId: ids.boulangerie, displayName: 'Pierre Curie', reason: null, ...data },
});

export const exchangeLogged = (data: Partial<ExchangeLogged['data']> = {}): ExchangeLogged => ({
  type: 'ExchangeLogged',
  data: {
    exchangeId: ids.meeting,
    authorId: 'alice',
    thirdPartyId: ids.boulangerie,
    contactIds: [ids.marie, ids.pierre],
    occurredAt: '2025-03-03T11:00:00.000Z',
    mode: 'phone',
    subject: 'quote',
    comment: 'Asked for a quote for 200 croissants a day',
    status: 'TO_DO',
    confidentialComment: CONFIDENTIAL_TEXT,
    confidentialGroupId: 'sales-managers',
    collaboratorIds: ['bob'],
    notifyCollaborators: false,
    linkedDocument: { type: 'QUOTE', ref: 'PR2503-0042' },
    contactedBy: 'alice',
    ...data,
  },
});

const exchangeContext = {
  exchangeId: ids.meeting,
  thirdPartyId: ids.boulangerie,
  contactIds: [ids.marie, ids.pierre],
  subject: 'quote',
  occurredAt: '2025-03-03T11:00:00.000Z',
};

export const exchangeUpdated = (data: Partial<ExchangeUpdated['data']> = {}): ExchangeUpdated => ({
  type: 'ExchangeUpdated',
  data: {
    ...exchangeContext,
    contactIds: [ids.marie],
    previousContactIds: [ids.marie, ids.pierre],
    changes: [
      { field: 'contactIds', from: [ids.marie, ids.pierre], to: [ids.marie] },
      { field: 'confidentialComment', from: CONFIDENTIAL_TEXT, to: `${CONFIDENTIAL_TEXT} (confirmed)` },
    ],
    ...data,
  },
});

export const statusChanged = (data: Partial<ExchangeStatusChanged['data']> = {}): ExchangeStatusChanged => ({
  type: 'ExchangeStatusChanged',
  data: { ...exchangeContext, from: 'TO_DO', to: 'CLOSED', ...data },
});

export const exchangeDeleted = (data: Partial<ExchangeDeleted['data']> = {}): ExchangeDeleted => ({
  type: 'ExchangeDeleted',
  data: { ...exchangeContext, contactIds: [ids.marie], reason: null, ...data },
});

export const noteAdded = (data: Partial<NoteAdded['data']> = {}): NoteAdded => ({
  type: 'NoteAdded',
  data: {
    noteId: ids.contactNote,
    thirdPartyId: ids.boulangerie,
    contactId: ids.marie,
    text: 'Prefers to be called in the morning',
    addedAt: '2025-03-03T12:05:00.000Z',
    ...data,
  },
});

/** An event type this build does not know, on a stream category it does not know either. */
export const unknownEvent = (): Message => ({
  type: 'InvoiceIssued',
  data: {
    invoiceId: 'inv-1',
    changes: [
      { field: 'total', from: null, to: 1250.5 },
      { field: 'confidentialComment', from: null, to: CONFIDENTIAL_TEXT },
      'not a change',
      { from: 1, to: 2 },
    ],
  },
});

/** The stream an event of the relationship core is appended to. */
export const streamOf = (event: Message): string => {
  const data = event.data as Record<string, string>;
  if (event.type.startsWith('ThirdParty') || event.type === 'ProspectConverted') return streams.thirdParty(data.thirdPartyId!);
  if (event.type.startsWith('Contact')) return streams.contact(data.contactId!);
  if (event.type.startsWith('Exchange')) return streams.exchange(data.exchangeId!);
  if (event.type === 'NoteAdded') return streams.note(data.noteId!);
  return `invoice-${data.invoiceId ?? 'unknown'}`;
};

export interface Place {
  readonly eventId?: string;
  readonly position?: bigint;
  readonly revision?: bigint;
  readonly streamName?: string;
  readonly metadata?: Partial<EventMetadata>;
}

export const metadataAt = (occurredAt: string, over: Partial<EventMetadata> = {}): EventMetadata => ({
  actorId: 'alice',
  occurredAt,
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: null,
  source: 'api',
  schemaVersion: 1,
  ...over,
});

/** An event as the runner hands it to a projection. */
export const envelope = <E extends Message>(event: E, place: Place = {}): EventEnvelope<E> => ({
  eventId: place.eventId ?? 'ev-1',
  type: event.type,
  data: event.data,
  metadata: metadataAt('2025-03-03T12:00:00.000Z', place.metadata),
  streamName: place.streamName ?? streamOf(event),
  revision: place.revision ?? 0n,
  position: place.position ?? 42n,
  recordedAt: new Date('2025-03-03T12:00:00.010Z'),
});

/** foldProjection without the deleted documents (these read models never delete). */
export const fold = <D extends Doc>(
  projection: Projection<D>,
  events: readonly EventEnvelope[],
  start: ReadonlyMap<string, { doc: D; position: bigint }> = new Map(),
): Map<string, { doc: D; position: bigint }> =>
  new Map(
    [...foldProjection(projection, events, start)].filter(
      (entry): entry is [string, { doc: D; position: bigint }] => entry[1].doc !== null,
    ),
  );

/** One step of the scenario: the event, when and by whom, and its event id. */
export interface ScenarioStep {
  readonly key: string;
  readonly event: Message;
  readonly at: string;
  readonly actorId?: string;
}

/**
 * A morning at Boulangerie Martin, plus a little at Atelier Dubois so that
 * filters have something to leave out. `key` names each step in assertions.
 * Steps 8 and 9 share an instant, so their order falls to the position.
 */
export const scenario: readonly ScenarioStep[] = [
  { key: 'registered', event: registered(), at: '2025-03-03T09:00:00.000Z' },
  {
    key: 'atelierRegistered',
    event: registered({ thirdPartyId: ids.atelier, name: 'Atelier Dubois', roles: ['SUPPLIER'], prospectStatus: null }),
    at: '2025-03-03T09:05:00.000Z',
    actorId: 'bob',
  },
  { key: 'marieAdded', event: contactAdded(), at: '2025-03-03T09:10:00.000Z' },
  {
    key: 'pierreAdded',
    event: contactAdded({ contactId: ids.pierre, firstName: 'Pierre', jobTitle: null, addedAt: '2025-03-03T09:15:00.000Z' }),
    at: '2025-03-03T09:15:00.000Z',
  },
  // Logged at 09:20 about a call at 11:00: the timeline places it at 11:00.
  { key: 'meetingLogged', event: exchangeLogged(), at: '2025-03-03T09:20:00.000Z' },
  {
    key: 'callLogged',
    event: exchangeLogged({
      exchangeId: ids.call,
      thirdPartyId: ids.atelier,
      contactIds: [],
      occurredAt: '2025-03-03T09:25:00.000Z',
      confidentialComment: null,
      confidentialGroupId: null,
    }),
    at: '2025-03-03T09:25:00.000Z',
    actorId: 'bob',
  },
  { key: 'meetingClosed', event: statusChanged(), at: '2025-03-03T12:00:00.000Z' },
  { key: 'contactNote', event: noteAdded(), at: '2025-03-03T12:05:00.000Z' },
  {
    key: 'thirdPartyNote',
    event: noteAdded({ noteId: ids.thirdPartyNote, contactId: null, text: 'Closed on Mondays' }),
    at: '2025-03-03T12:05:00.000Z',
  },
  { key: 'renamed', event: thirdPartyUpdated(), at: '2025-03-03T12:15:00.000Z', actorId: 'bob' },
  { key: 'meetingUpdated', event: exchangeUpdated(), at: '2025-03-03T12:20:00.000Z' },
  { key: 'converted', event: converted(2 * 3_600_000), at: '2025-03-03T13:00:00.000Z' },
  { key: 'pierreArchived', event: contactArchived({ reason: 'left the company' }), at: '2025-03-03T13:05:00.000Z' },
  { key: 'meetingDeleted', event: exchangeDeleted({ reason: 'duplicate' }), at: '2025-03-03T13:10:00.000Z', actorId: 'bob' },
  { key: 'invoiceIssued', event: unknownEvent(), at: '2025-03-03T13:15:00.000Z', actorId: 'system' },
];

export interface Appended {
  /** Step key → event id and global position. */
  readonly steps: ReadonlyMap<string, { readonly eventId: string; readonly position: bigint }>;
  readonly head: bigint;
}

/** Appends the scenario to the real event store, through the codec, one command per step. */
export const appendScenario = async (stores: Pick<Stores, 'eventStore' | 'codec'>): Promise<Appended> => {
  const steps = new Map<string, { eventId: string; position: bigint }>();
  let head = 0n;
  for (const [index, step] of scenario.entries()) {
    const eventId = `00000000-0000-4000-b000-${(index + 1).toString(16).padStart(12, '0')}`;
    const commandId = `00000000-0000-4000-c000-${(index + 1).toString(16).padStart(12, '0')}`;
    const [encoded] = await stores.codec.encodeAll(
      [step.event],
      {
        actorId: step.actorId ?? 'alice',
        occurredAt: step.at,
        commandId,
        correlationId: commandId,
        causationId: null,
        source: step.actorId === 'system' ? 'automation' : 'api',
      },
      [eventId],
    );
    const result = await stores.eventStore.append(streamOf(step.event), [encoded!], 'any');
    steps.set(step.key, { eventId, position: result.position });
    head = result.position;
  }
  return { steps, head };
};
