import {
  categoryOf,
  commercialDocumentDecider,
  consentDecider,
  contactDecider,
  currentConsents,
  exchangeDecider,
  idOf,
  noteDecider,
  streams,
  thirdPartyDecider,
  type ConsentRecord,
  type ConsentSubjectKind,
  type JsonValue,
  type Message,
} from '#domain';
import { foldStream, type EventCodec, type EventEnvelope, type EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import type { AuditEntry } from '../audit-journal/audit-journal.projection.js';
import { AuditJournalQueries } from '../audit-journal/audit-journal.queries.js';
import { CommercialDocumentQueries, UNRESTRICTED_COMMERCIAL_DOCUMENTS } from '../commercial-documents/commercial-documents.queries.js';
import { PAGE_MAX } from '../shared/paging.js';
import { TimelineQueries } from '../timeline/timeline.queries.js';
import type { TimelineKind } from '../timeline/timeline.projection.js';

/** The JSON export's format and version: a reader can rely on the shape until this changes. */
export const SUBJECT_EXPORT_FORMAT = 'suivi.subject-export.v1';

export interface DataSubject {
  readonly kind: ConsentSubjectKind;
  readonly id: string;
}

/** One event as the export shows it: when, who, what, and the event's own data. */
export interface ExportedEvent {
  readonly type: string;
  /** When the command was handled (UTC ISO). */
  readonly at: string;
  /** The id of the user (or `system`) whose command it was. */
  readonly by: string;
  readonly source: string;
  /** Global position in Suivi's log, as a decimal string. */
  readonly position: string;
  /** True when the event holds a confidential comment: see `notices`. */
  readonly confidential: boolean;
  /** True when personal values of it were erased (a person named in it was forgotten). */
  readonly erased: boolean;
  readonly data: JsonValue;
}

export interface ExportedRecord {
  readonly id: string;
  /** The record as it stands after its last event; null when it cannot be folded. */
  readonly current: JsonValue;
  readonly confidential: boolean;
  readonly events: ExportedEvent[];
}

/** A kind of record; one Suivi does not record yet says so rather than being left out. */
export interface ExportedSection {
  readonly recordedBySuivi: boolean;
  /** What the reader should know of the section; null when nothing. */
  readonly note: string | null;
  readonly items: ExportedRecord[];
}

export interface ExportedAuditEntry {
  readonly at: string;
  readonly actorId: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly changes: { readonly field: string; readonly from: JsonValue; readonly to: JsonValue }[];
  readonly source: string;
  readonly correlationId: string;
  readonly position: string;
}

/**
 * Everything Suivi holds about one person (GDPR art. 15 and 20), built from the
 * event history. Stable: fields are only ever added under the same `format`.
 */
export interface SubjectExport {
  readonly format: typeof SUBJECT_EXPORT_FORMAT;
  readonly generatedAt: string;
  readonly subject: {
    readonly kind: ConsentSubjectKind;
    readonly id: string;
    /** active, archived, forgotten… as the subject's own stream says. */
    readonly status: string;
    /** The third party the subject is, or belongs to. */
    readonly thirdPartyId: string;
    /** For a contact, the company they represent; null for a third party, or a contact of another person. */
    readonly organisation: { readonly thirdPartyId: string; readonly name: string } | null;
  };
  /** The profile as it stands now. */
  readonly profile: JsonValue;
  /** Every event of the subject's own stream, oldest first: how the profile came to be, when and by whom. */
  readonly changes: ExportedEvent[];
  readonly consents: { readonly current: ConsentRecord[]; readonly history: ConsentRecord[] };
  readonly exchanges: ExportedRecord[];
  readonly notes: ExportedRecord[];
  /** Commercial documents (quotes, orders, invoices, contracts): a third party's; a contact has none of their own. */
  readonly documents: ExportedSection;
  readonly followUps: ExportedSection;
  /** The audit journal's entries of the subject's own streams (profile and consents), oldest first. */
  readonly auditEntries: ExportedAuditEntry[];
  /** What a reader of the export must know to read it right. */
  readonly notices: string[];
}

export interface SubjectExportDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly readStore: ReadStore;
  readonly clock: { now(): Date };
}

export const CONFIDENTIAL_NOTICE =
  'Events marked "confidential" hold an internal confidential comment. They are included because they are about you; ' +
  'the controller reviews them before sending this export and may withhold them where the law allows (GDPR art. 15(4): the rights of others).';
const ERASED_NOTICE = 'Values shown as "[erased]" belonged to a person who was forgotten: Suivi can no longer read them.';
const CONTACT_DOCUMENTS_NOTE = 'Commercial documents are recorded for the third party, not for its contacts: none is about you alone.';
const FOLLOW_UPS_NOTE = 'Suivi does not record follow-ups yet.';

const EXCHANGE_KINDS: readonly TimelineKind[] = ['EXCHANGE_LOGGED', 'EXCHANGE_UPDATED', 'EXCHANGE_STATUS_CHANGED', 'EXCHANGE_DELETED'];
const NOTE_KINDS: readonly TimelineKind[] = ['NOTE_ADDED'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether an event's data holds a confidential comment's text (logged with one, or a change of it). */
const holdsConfidential = (data: unknown): boolean => {
  if (!isRecord(data)) return false;
  if (typeof data['confidentialComment'] === 'string' && data['confidentialComment'] !== '') return true;
  const changes = data['changes'];
  return Array.isArray(changes) && changes.some((change) => isRecord(change) && change['field'] === 'confidentialComment');
};

const exported = (event: EventEnvelope): ExportedEvent => ({
  type: event.type,
  at: event.metadata.occurredAt,
  by: event.metadata.actorId,
  source: event.metadata.source,
  position: event.position.toString(),
  confidential: holdsConfidential(event.data),
  erased: (event.erasedSubjects?.length ?? 0) > 0,
  data: event.data as JsonValue,
});

/**
 * Builds a data subject's export from the event history: the subject's own
 * stream (profile and every change), their consent stream, the streams of the
 * exchanges and notes that name them (found through the timeline read model),
 * of a third party's commercial documents (through their read model) and the
 * audit journal's entries of their own streams. Scope is the caller's
 * to judge: the export holds everything.
 */
export class SubjectExporter {
  private readonly timeline: Promise<TimelineQueries>;
  private readonly journal: Promise<AuditJournalQueries>;
  private readonly documents: Promise<CommercialDocumentQueries>;

  constructor(private readonly deps: SubjectExportDeps) {
    this.timeline = TimelineQueries.open(deps.readStore);
    this.journal = AuditJournalQueries.open(deps.readStore);
    this.documents = CommercialDocumentQueries.open(deps.readStore);
  }

  /** The export, or null when Suivi never knew the subject. */
  async export(subject: DataSubject): Promise<SubjectExport | null> {
    const own = await this.ownStream(subject);
    if (own === null) return null;
    const [consents, related, documentIds, auditEntries] = await Promise.all([
      this.fold(consentDecider, streams.consent(subject.kind, subject.id)),
      this.related(subject),
      subject.kind === 'thirdParty' ? this.documentIds(subject.id) : Promise.resolve([]),
      this.auditEntries(subject),
    ]);
    const [exchanges, notes, documents] = await Promise.all([
      Promise.all(related.exchangeIds.map((id) => this.record(exchangeDecider, streams.exchange(id), id))),
      Promise.all(related.noteIds.map((id) => this.record(noteDecider, streams.note(id), id))),
      Promise.all(documentIds.map((id) => this.record(commercialDocumentDecider, streams.commercialDocument(id), id))),
    ]);
    const byFirstEvent = (a: ExportedRecord, b: ExportedRecord): number => Number(BigInt(a.events[0]?.position ?? 0) - BigInt(b.events[0]?.position ?? 0));
    const allEvents = [...own.changes, ...exchanges.flatMap((r) => r.events), ...notes.flatMap((r) => r.events)];
    const notices = [
      ...(exchanges.some((r) => r.confidential) ? [CONFIDENTIAL_NOTICE] : []),
      ...(allEvents.some((event) => event.erased) ? [ERASED_NOTICE] : []),
    ];
    return {
      format: SUBJECT_EXPORT_FORMAT,
      generatedAt: this.deps.clock.now().toISOString(),
      subject: { kind: subject.kind, id: subject.id, status: own.status, thirdPartyId: own.thirdPartyId, organisation: own.organisation },
      profile: own.profile,
      changes: own.changes,
      consents: {
        current: currentConsents(consents.state),
        history: consents.state.status === 'recorded' ? [...consents.state.decisions] : [],
      },
      exchanges: exchanges.sort(byFirstEvent),
      notes: notes.sort(byFirstEvent),
      documents: { recordedBySuivi: true, note: subject.kind === 'contact' ? CONTACT_DOCUMENTS_NOTE : null, items: documents.sort(byFirstEvent) },
      followUps: { recordedBySuivi: false, note: FOLLOW_UPS_NOTE, items: [] },
      auditEntries,
      notices,
    };
  }

  private fold<State, Event extends Message>(decider: { initialState: () => State; evolve: (state: State, event: Event) => State }, streamName: string) {
    return foldStream<State, Event>({ store: this.deps.store, codec: this.deps.codec }, decider, streamName);
  }

  private async ownStream(subject: DataSubject): Promise<{
    status: string;
    thirdPartyId: string;
    organisation: SubjectExport['subject']['organisation'];
    profile: JsonValue;
    changes: ExportedEvent[];
  } | null> {
    if (subject.kind === 'contact') {
      const { state, events } = await this.fold(contactDecider, streams.contact(subject.id));
      if (state.status === 'none') return null;
      const company = await this.fold(thirdPartyDecider, streams.thirdParty(state.thirdPartyId));
      // The company is named for context; a third party that is a person is someone else, named by id only.
      const organisation =
        company.state.status !== 'none' && company.state.profile.kind === 'COMPANY' ? { thirdPartyId: state.thirdPartyId, name: company.state.profile.name } : null;
      return {
        status: state.status,
        thirdPartyId: state.thirdPartyId,
        organisation,
        profile: { ...state.profile, addedAt: state.addedAt } as unknown as JsonValue,
        changes: events.map(exported),
      };
    }
    const { state, events } = await this.fold(thirdPartyDecider, streams.thirdParty(subject.id));
    if (state.status === 'none') return null;
    const { profile, ownerId, categories, tags, registeredAt, convertedAt } = state;
    return {
      status: state.status,
      thirdPartyId: subject.id,
      organisation: null,
      profile: { ...profile, ownerId, categories, tags, registeredAt, convertedAt } as unknown as JsonValue,
      changes: events.map(exported),
    };
  }

  private async record<State, Event extends Message>(
    decider: { initialState: () => State; evolve: (state: State, event: Event) => State },
    streamName: string,
    id: string,
  ): Promise<ExportedRecord> {
    const { state, events } = await this.fold(decider, streamName);
    const changes = events.map(exported);
    return { id, current: state as unknown as JsonValue, confidential: changes.some((event) => event.confidential), events: changes };
  }

  /** The exchanges and notes that name the subject, as the timeline found them (an exchange a contact was removed from included). */
  private async related(subject: DataSubject): Promise<{ exchangeIds: string[]; noteIds: string[] }> {
    const timeline = await this.timeline;
    const exchangeIds = new Set<string>();
    const noteIds = new Set<string>();
    const whose = subject.kind === 'contact' ? { contactId: subject.id } : { thirdPartyId: subject.id };
    let after: string | null = null;
    for (;;) {
      const page = await timeline.list({ ...whose, first: PAGE_MAX, after, filter: { kinds: [...EXCHANGE_KINDS, ...NOTE_KINDS] } });
      for (const { doc } of page.items) {
        if (doc.exchangeId !== null) exchangeIds.add(doc.exchangeId);
        if (doc.noteId !== null) noteIds.add(doc.noteId);
      }
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    return { exchangeIds: [...exchangeIds], noteIds: [...noteIds] };
  }

  /** The commercial documents of a third party, as their read model lists them. */
  private async documentIds(thirdPartyId: string): Promise<string[]> {
    const documents = await this.documents;
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await documents.list({ first: PAGE_MAX, after, filter: { thirdPartyId } }, UNRESTRICTED_COMMERCIAL_DOCUMENTS);
      ids.push(...page.items.map((item) => item.doc.id));
      if (!page.hasNextPage) return ids;
      after = page.endCursor;
    }
  }

  /** The journal's entries of the subject's own stream and of their consent stream. */
  private async auditEntries(subject: DataSubject): Promise<ExportedAuditEntry[]> {
    const journal = await this.journal;
    const consentStream = streams.consent(subject.kind, subject.id);
    const entities = [
      { entityType: subject.kind, entityId: subject.id },
      { entityType: categoryOf(consentStream), entityId: idOf(consentStream) },
    ];
    const entries: AuditEntry[] = [];
    for (const filter of entities) {
      let after: string | null = null;
      for (;;) {
        const page = await journal.list({ first: PAGE_MAX, after, filter, visibility: { security: false, thirdPartyIds: null } });
        entries.push(...page.items.map((item) => item.doc));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
    }
    return entries
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
      .map((entry) => ({
        at: entry.at,
        actorId: entry.actorId,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        changes: entry.changes,
        source: entry.source,
        correlationId: entry.correlationId,
        position: entry.position,
      }));
  }
}
