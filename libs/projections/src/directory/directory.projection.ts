import { eventSelection } from '../shared/event-selection.js';
import { ERASED } from '#domain';
import { erasedText } from '../shared/erasure.js';
import { utcInstant } from '../shared/read-model-keys.js';
import { decisionsInForce, type ConsentRecorded, type ConsentStanding } from '#domain';
import type {
  Address,
  CustomFieldValue,
  ExchangeLogged,
  ExchangeUpdated,
  FieldChange,
  NoteAdded,
  ProspectStatus,
  ThirdPartyEvent,
  ThirdPartyKind,
  ThirdPartyRole,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { consentTerms } from '../consents/consents.projection.js';

/** One third party as the directory lists it. A type alias (not an interface) so it is a `Doc`. */
export type DirectoryEntry = {
  readonly id: string;
  readonly name: string;
  /** Lower-cased, accent-free name: the key for prefix search and sorting. */
  readonly nameKey: string;
  /** The distinct words of `nameKey`, in order of first appearance. */
  readonly nameWords: string[];
  /** Every prefix of every name word: word search matches a query word against these. */
  readonly namePrefixes: string[];
  readonly kind: ThirdPartyKind;
  readonly roles: ThirdPartyRole[];
  readonly prospectStatus: ProspectStatus | null;
  readonly leadSource: string | null;
  readonly territory: string | null;
  readonly vatNumber: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly website: string | null;
  readonly address: Address | null;
  readonly paymentTerms: string | null;
  /** The account owner's user id. */
  readonly ownerId: string | null;
  readonly categories: string[];
  readonly tags: string[];
  readonly customFields: Record<string, CustomFieldValue>;
  /** `key=value` per custom field (see customFieldTerm): equality filters on custom fields. */
  readonly customFieldTerms: string[];
  readonly archived: boolean;
  readonly archivedAt: string | null;
  readonly convertedAt: string | null;
  /**
   * Latest occurredAt of an exchange logged or updated, or a note added, for this
   * third party. It only ever grows: deleting an exchange or moving it earlier
   * leaves it where it was, since the contact did take place.
   */
  readonly lastInteractionAt: string | null;
  /**
   * lastInteractionAt, or '' when there was none. The empty string sorts before
   * every instant, so one `lt` filter finds both "inactive since" and "never contacted".
   */
  readonly lastInteractionKey: string;
  /**
   * The consent decisions in force of a third party that is a person (see
   * `decisionsInForce`), and their filter terms (`consentTerms` of the consents
   * read model: `MARKETING_EMAIL:EMAIL:GIVEN`, `MARKETING_EMAIL:GIVEN`). A
   * contact's decisions are the contact's, not its third party's. Absent from
   * entries written before consent was recorded.
   */
  readonly consents?: ConsentStanding[];
  readonly consentTerms?: string[];
  /**
   * When the third party was forgotten (GDPR erasure): its personal fields then
   * read "[erased]" (or null, {} and [] for what was empty). Absent or null otherwise.
   */
  readonly forgottenAt?: string | null;
  /**
   * The survivor this third party was merged into, and when: absent while it is
   * not merged (an unmerge removes both). Lists leave a merged entry out.
   */
  readonly mergedInto?: string;
  readonly mergedAt?: string;
  readonly registeredAt: string;
  readonly registeredBy: string;
  /** When the third party itself last changed (exchanges and notes do not count). */
  readonly updatedAt: string;
  /** Revision of the third party's stream: the expectedVersion a client sends back. */
  readonly version: string;
  /** Global position of the last event applied. */
  readonly lastPosition: string;
};

/**
 * Search key for names: "Élodie Dupont" and "elodie dupont" are the same key.
 * NFD splits accented letters into base letter + combining mark, then the marks go.
 */
export const directoryNameKey = (name: string): string =>
  name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a name or a query, normalised as nameKey: "Dupont-Martin & Fils" → dupont, martin, fils. */
export const directoryWords = (text: string): string[] => [
  ...new Set(directoryNameKey(text).split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0)),
];

const prefixesOf = (words: readonly string[]): string[] => {
  const prefixes = new Set<string>();
  for (const word of words) {
    // By code point, so a prefix never ends in half a surrogate pair.
    const chars = [...word];
    for (let end = 1; end <= chars.length; end++) prefixes.add(chars.slice(0, end).join(''));
  }
  return [...prefixes];
};

/** The term a custom field value is filtered by: strings as they are, other values as JSON. */
export const customFieldTerm = (key: string, value: CustomFieldValue): string =>
  `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;

const customFieldTermsOf = (fields: Readonly<Record<string, CustomFieldValue>>): string[] =>
  Object.keys(fields)
    .sort()
    .flatMap((key) => {
      const value = fields[key];
      return value === undefined || value === null ? [] : [customFieldTerm(key, value)];
    });

type DirectoryEvent = ThirdPartyEvent | ExchangeLogged | ExchangeUpdated | NoteAdded | ConsentRecorded;

const selection = eventSelection<DirectoryEvent>([
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
  'NoteAdded',
  'ConsentRecorded',
]);
const asDirectoryEvent = selection.select;


export const directoryCollection: CollectionDefinition = {
  name: 'directory',
  indexes: [
    'nameKey',
    'namePrefixes',
    'kind',
    'roles',
    'prospectStatus',
    'territory',
    'categories',
    'tags',
    'ownerId',
    'leadSource',
    'customFieldTerms',
    'lastInteractionKey',
    'consentTerms',
    'archived',
    'registeredAt',
    'mergedInto',
  ],
  // Every list leaves out archived and merged third parties: its count is read from this index alone.
  compoundIndexes: [['archived', 'mergedInto']],
  listFields: ['namePrefixes', 'roles', 'categories', 'tags', 'customFieldTerms', 'consentTerms'],
};


type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const copyOf = <T>(value: T): T => structuredClone(value);

/** Fields a change may name directly; anything else (a future field) is ignored, not guessed at. */
const plainFields: ReadonlySet<string> = new Set([
  'name',
  'kind',
  'roles',
  'prospectStatus',
  'leadSource',
  'territory',
  'vatNumber',
  'email',
  'phone',
  'website',
  'address',
  'paymentTerms',
  'ownerId',
  'categories',
  'tags',
]);

const emptyAddress: Address = { street: null, postalCode: null, city: null, region: null, country: null };

const applyChanges = (entry: Mutable<DirectoryEntry>, changes: readonly FieldChange[]): void => {
  for (const change of changes) {
    const [head, sub, ...rest] = change.field.split('.');
    if (head === undefined || rest.length > 0) continue;
    if (sub === undefined) {
      if (plainFields.has(head)) (entry as Record<string, unknown>)[head] = copyOf(change.to);
    } else if (head === 'customFields') {
      const fields = { ...entry.customFields };
      if (change.to === null) delete fields[sub];
      else fields[sub] = change.to as CustomFieldValue;
      entry.customFields = fields;
    } else if (head === 'address' && sub in emptyAddress) {
      // Address parts may change one by one (`address.city`).
      entry.address = { ...(entry.address ?? emptyAddress), [sub]: change.to as string | null };
    }
  }
  entry.nameKey = directoryNameKey(entry.name);
  entry.nameWords = directoryWords(entry.name);
  entry.namePrefixes = prefixesOf(entry.nameWords);
  entry.customFieldTerms = customFieldTermsOf(entry.customFields);
};

/** An event of the third party's own stream: it moves the version and updatedAt. */
const ownEvent = (
  doc: DirectoryEntry,
  event: EventEnvelope,
  change: (entry: Mutable<DirectoryEntry>) => void,
): DirectoryEntry => {
  const entry: Mutable<DirectoryEntry> = { ...doc };
  change(entry);
  entry.updatedAt = event.metadata.occurredAt;
  entry.version = event.revision.toString();
  entry.lastPosition = event.position.toString();
  return entry;
};

/** An exchange or a note: only lastInteractionAt may move, and only forward. */
const interaction = (doc: DirectoryEntry | null, event: EventEnvelope, occurredAt: string): DirectoryEntry | null => {
  if (doc === null) return doc;
  const at = utcInstant(occurredAt);
  const latest = doc.lastInteractionAt !== null && doc.lastInteractionAt >= at ? doc.lastInteractionAt : at;
  return { ...doc, lastInteractionAt: latest, lastInteractionKey: latest, lastPosition: event.position.toString() };
};

/**
 * A decision about a third party that is a person: its terms move, its own
 * version and updatedAt do not (the consent has a stream of its own).
 */
const consentOfThirdParty = (doc: DirectoryEntry | null, event: EventEnvelope<ConsentRecorded>): DirectoryEntry | null => {
  if (doc === null || event.data.subjectKind !== 'thirdParty') return doc;
  const { purpose, channel, decision, expressedAt } = event.data;
  const consents = decisionsInForce([...(doc.consents ?? []), { purpose, channel, decision, expressedAt }]);
  // Spelled as the consents read model spells them, so a filter means the same in both.
  return { ...doc, consents, consentTerms: consentTerms(consents), lastPosition: event.position.toString() };
};

/**
 * The entry of a forgotten third party: every field its events encrypt becomes a
 * marker, the name and its search keys included (an erased entry is found by
 * none of its former words); what classifies it (kind, roles, territory, owner,
 * categories, tags) and its dates stay. Depends only on those and on which
 * personal fields were empty, so the entry built from the erased events and
 * erased again equals the one erased from clear values.
 */
const eraseDirectoryEntry = (entry: Mutable<DirectoryEntry>, forgottenAt: string): void => {
  entry.name = ERASED;
  entry.nameKey = directoryNameKey(ERASED);
  entry.nameWords = [];
  entry.namePrefixes = [];
  entry.leadSource = erasedText(entry.leadSource);
  entry.vatNumber = erasedText(entry.vatNumber);
  entry.email = erasedText(entry.email);
  entry.phone = erasedText(entry.phone);
  entry.website = erasedText(entry.website);
  // The codec erases an object as null, an address's parts changed one by one as "[erased]": null settles both.
  entry.address = null;
  entry.paymentTerms = erasedText(entry.paymentTerms);
  entry.customFields = {};
  entry.customFieldTerms = [];
  entry.forgottenAt = forgottenAt;
};

export const evolveDirectory = (doc: DirectoryEntry | null, envelope: EventEnvelope): DirectoryEntry | null => {
  const event = asDirectoryEvent(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ThirdPartyRegistered': {
      // Registration opens the stream, so it describes the whole entry; any earlier
      // document for this id can only be a re-delivery and is replaced wholesale.
      const data = event.data;
      const nameWords = directoryWords(data.name);
      return {
        id: data.thirdPartyId,
        name: data.name,
        nameKey: directoryNameKey(data.name),
        nameWords,
        namePrefixes: prefixesOf(nameWords),
        kind: data.kind,
        roles: [...data.roles],
        prospectStatus: data.prospectStatus,
        leadSource: data.leadSource,
        territory: data.territory,
        vatNumber: data.vatNumber,
        email: data.email,
        phone: data.phone,
        website: data.website,
        address: data.address === null ? null : { ...data.address },
        paymentTerms: data.paymentTerms,
        ownerId: data.ownerId,
        categories: [...data.categories],
        tags: [...data.tags],
        // An erased registration reads its custom fields (an object) as null.
        customFields: { ...(data.customFields ?? {}) },
        customFieldTerms: customFieldTermsOf(data.customFields ?? {}),
        archived: false,
        archivedAt: null,
        convertedAt: null,
        lastInteractionAt: null,
        lastInteractionKey: '',
        registeredAt: data.registeredAt,
        registeredBy: event.metadata.actorId,
        updatedAt: event.metadata.occurredAt,
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    }
    case 'ThirdPartyUpdated':
    case 'ThirdPartyOwnerAssigned':
    case 'ThirdPartyCategorised': {
      if (doc === null) return doc;
      const { changes } = event.data;
      return ownEvent(doc, event, (entry) => applyChanges(entry, changes));
    }
    case 'ThirdPartyArchived': {
      if (doc === null) return doc;
      const { archivedAt } = event.data;
      return ownEvent(doc, event, (entry) => {
        entry.archived = true;
        entry.archivedAt = archivedAt;
      });
    }
    case 'ProspectConverted': {
      if (doc === null) return doc;
      const { changes, convertedAt } = event.data;
      return ownEvent(doc, event, (entry) => {
        applyChanges(entry, changes);
        entry.convertedAt = convertedAt;
      });
    }
    case 'ThirdPartyForgotten': {
      if (doc === null) return doc;
      const { forgottenAt } = event.data;
      return ownEvent(doc, event, (entry) => eraseDirectoryEntry(entry, forgottenAt));
    }
    case 'ThirdPartyMerged': {
      if (doc === null) return doc;
      const { survivorId, mergedAt } = event.data;
      return ownEvent(doc, event, (entry) => {
        entry.mergedInto = survivorId;
        entry.mergedAt = mergedAt;
      });
    }
    case 'ThirdPartyUnmerged': {
      if (doc === null) return doc;
      const { mergedInto: _survivor, mergedAt: _at, ...rest } = doc;
      return ownEvent(rest, event, () => undefined);
    }
    case 'ExchangeLogged':
    case 'ExchangeUpdated':
      return interaction(doc, event, event.data.occurredAt);
    case 'NoteAdded':
      return interaction(doc, event, event.data.addedAt);
    case 'ConsentRecorded':
      return consentOfThirdParty(doc, event);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const directoryProjection: Projection<DirectoryEntry> = {
  name: 'directory.v2',
  collection: directoryCollection,
  canHandle: selection.canHandle,
  // Every handled event names its third party, exchanges and notes included.
  documentId: (envelope) => asDirectoryEvent(envelope)?.data.thirdPartyId ?? null,
  evolve: evolveDirectory,
  forgets: ['thirdParty'],
};
