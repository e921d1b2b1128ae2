import {
  contactDecider,
  dataSubjects,
  InvalidInput,
  NotFound,
  personalDataRuleOf,
  streams,
  thirdPartyDecider,
  validErasureReason,
  validErasureReference,
  type CommandContext,
  type ErasureReason,
  type ForgetContact,
  type ForgetThirdParty,
} from '#domain';
import {
  handleCommand,
  PERSONAL_DATA_FIELD,
  randomIds,
  type EventCodec,
  type EventStore,
  type IdGenerator,
  type StoredEvent,
  type SubjectKeyStore,
} from '#event-store';
import { projections as allProjections, type Projection } from '#projections';

export type { ErasureReason } from '#domain';

export type DataSubjectKind = 'contact' | 'thirdParty';

/** A person the CRM holds personal data about: a contact, or a third party (an individual's, or a company's people). */
export interface DataSubjectRef {
  readonly kind: DataSubjectKind;
  readonly id: string;
}

export interface ForgetInput {
  readonly subject: DataSubjectRef;
  readonly reason: ErasureReason;
  /** A ticket or case number, at most 100 characters, stored in clear: it must not name the person. */
  readonly reference: string | null;
}

/**
 * What an erasure did, for the controller's records: what was erased, when, by
 * whom, why. It names the subject only by id. `position` is the log position of
 * the event that recorded the erasure (a decimal string): read models show
 * markers once they have applied it.
 */
export interface ErasureCertificate {
  readonly subject: DataSubjectRef;
  readonly reason: ErasureReason;
  readonly reference: string | null;
  /** ISO-8601 instant the erasure was recorded. */
  readonly forgottenAt: string;
  /** The user (or automation) that forgot the subject. */
  readonly forgottenBy: string;
  readonly position: string;
  /** Key-store ids (`thirdParty:<id>`, `contact:<id>`) whose key is destroyed: checked in the key store, not assumed. */
  readonly keysDestroyed: string[];
  /** The contacts forgotten with a third party (its people); [] for a contact. */
  readonly contactsForgotten: string[];
  /** Events of the log whose personal data was encrypted under one of the destroyed keys, so now reads as erased. */
  readonly eventsNowUnreadable: number;
  /**
   * Events about the subject written before personal data was encrypted (no
   * `$pii`), which still hold it in clear: a re-encryption, or the event
   * store's own tools, must deal with them (see decision 0018). 0 on a log
   * started with encryption.
   */
  readonly eventsLeftInClear: number;
  /** The read models that replace the subject's personal data with markers (names with their version). */
  readonly readModelsErased: string[];
}

/** Where an erasure is at, for a command line to show. */
export type ErasureStep =
  | { readonly step: 'scanned'; readonly events: number; readonly contacts: readonly string[] }
  | { readonly step: 'contactForgotten'; readonly contactId: string; readonly already: boolean }
  | { readonly step: 'recorded'; readonly subject: DataSubjectRef; readonly already: boolean }
  | { readonly step: 'keyDestroyed'; readonly subjectId: string; readonly already: boolean }
  | { readonly step: 'certified'; readonly certificate: ErasureCertificate };

export interface DataSubjectErasureDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly ids?: IdGenerator;
  /** The key store the codec reads through (the same instance, so a destruction evicts its cache at once). */
  readonly keys: SubjectKeyStore;
  readonly clock: { now(): Date };
  /** The read models of the deployment, for the certificate (default: every projection of Suivi). */
  readonly projections?: readonly Projection[];
  /** Events per page when the log is scanned (default 1,000). */
  readonly pageSize?: number;
}

/** What one pass over the log learnt about a subject. */
interface Scan {
  /** Contacts added to the third party (none for a contact), in log order. */
  readonly contactIds: string[];
  /** Contacts of the third party with a ContactForgotten in the log. */
  readonly forgottenContacts: Set<string>;
  /** Per event: the key-store subjects its `$pii` names, when any of them is in the watched set. */
  readonly encrypted: (readonly string[])[];
  /** Events about the subject stored in clear (before encryption) with personal values. */
  inClear: number;
  events: number;
  last: bigint | null;
}

/**
 * Forgets a data subject (GDPR right to erasure, or a retention policy):
 * records the decision as events (ContactForgotten for each contact concerned,
 * then ThirdPartyForgotten), then destroys their keys, so every personal value
 * of every event about them, in every copy of the log, reads as erased; the
 * read models replace what they hold when they apply the events. The history
 * stays: that an exchange took place, when, by whom.
 *
 * Idempotent: forgetting a subject again writes nothing new (but any contact of
 * the third party added since), destroys the keys again (a no-op) and returns
 * the certificate, so an erasure interrupted between the events and the keys is
 * finished by running it again. Usable without Nest: the API, the worker's
 * retention automation and the command line share it.
 */
export class DataSubjectErasure {
  private readonly ids: IdGenerator;
  private readonly pageSize: number;
  private readonly projections: readonly Projection[];

  constructor(private readonly deps: DataSubjectErasureDeps) {
    this.ids = deps.ids ?? randomIds;
    this.pageSize = deps.pageSize ?? 1_000;
    this.projections = deps.projections ?? allProjections;
  }

  async forget(input: ForgetInput, context: CommandContext, observe: (step: ErasureStep) => void = () => undefined): Promise<ErasureCertificate> {
    const subject = checkedSubject(input.subject);
    const reason = validErasureReason(input.reason);
    const reference = validErasureReference(input.reference);
    // Forgetting is idempotent by itself: a client's idempotency key would only make the cascade's event ids collide.
    const ctx: CommandContext = { ...context, idempotencyKey: undefined };
    const handlerDeps = { store: this.deps.store, codec: this.deps.codec, ids: this.ids };

    if (subject.kind === 'contact') {
      const folded = await handleCommand(handlerDeps, contactDecider, streams.contact(subject.id), forgetContact(subject.id, reason, reference), ctx);
      observe({ step: 'recorded', subject, already: folded.events.length === 0 });
      const scan = await this.scan(subject, null);
      observe({ step: 'scanned', events: scan.events, contacts: [] });
      await this.destroy([dataSubjects.contact(subject.id)], observe);
      return this.certified(subject, scan, observe);
    }

    const { id } = subject;
    // The third party must exist before anything is written about its contacts.
    const existing = await this.deps.store.readStream(streams.thirdParty(id), { maxCount: 1 });
    if (existing.length === 0) throw new NotFound('third party', id);
    const scan = await this.scan(subject, null);
    observe({ step: 'scanned', events: scan.events, contacts: scan.contactIds });
    // Its people first, each with an event of their own, then the third party listing them.
    for (const contactId of scan.contactIds) await this.forgetContactOf(contactId, reason, reference, ctx, observe);
    const written = await handleCommand(
      handlerDeps,
      thirdPartyDecider,
      streams.thirdParty(id),
      { type: 'ForgetThirdParty', data: { thirdPartyId: id, reason, reference, contactIds: scan.contactIds } } satisfies ForgetThirdParty,
      ctx,
    );
    observe({ step: 'recorded', subject, already: written.events.length === 0 });
    // A contact whose addition was decided before the third party was forgotten but
    // stored after the scan: it is forgotten too. Once ThirdPartyForgotten is in the
    // log, no addition to it is decided any more.
    const late = await this.scan(subject, scan.last, scan);
    for (const contactId of late.contactIds.slice(scan.contactIds.length)) {
      await this.forgetContactOf(contactId, reason, reference, ctx, observe);
    }
    await this.destroy([dataSubjects.thirdParty(id), ...late.contactIds.map(dataSubjects.contact)], observe);
    return this.certified(subject, late, observe);
  }

  /**
   * The certificate of a subject forgotten earlier, rebuilt from the log and
   * the key store; null when the subject was never forgotten.
   */
  async certificate(subject: DataSubjectRef): Promise<ErasureCertificate | null> {
    const checked = checkedSubject(subject);
    if ((await this.forgottenEvent(checked)) === null) return null;
    return this.build(checked, await this.scan(checked, null));
  }

  private async certified(subject: DataSubjectRef, scan: Scan, observe: (step: ErasureStep) => void): Promise<ErasureCertificate> {
    const certificate = await this.build(subject, scan);
    if (certificate === null) throw new Error(`the erasure of ${subject.kind} ${subject.id} was not found in the log after it was recorded`);
    observe({ step: 'certified', certificate });
    return certificate;
  }

  private async forgetContactOf(
    contactId: string,
    reason: ErasureReason,
    reference: string | null,
    context: CommandContext,
    observe: (step: ErasureStep) => void,
  ): Promise<void> {
    const written = await handleCommand(
      { store: this.deps.store, codec: this.deps.codec, ids: this.ids },
      contactDecider,
      streams.contact(contactId),
      forgetContact(contactId, reason, reference),
      context,
    );
    observe({ step: 'contactForgotten', contactId, already: written.events.length === 0 });
  }

  private async destroy(subjectIds: readonly string[], observe: (step: ErasureStep) => void): Promise<void> {
    for (const subjectId of subjectIds) {
      const destroyed = await this.deps.keys.destroy(subjectId);
      observe({ step: 'keyDestroyed', subjectId, already: !destroyed });
    }
  }

  private async build(subject: DataSubjectRef, scan: Scan): Promise<ErasureCertificate | null> {
    const found = await this.forgottenEvent(subject);
    if (found === null) return null;
    const { event, data } = found;
    const contacts =
      subject.kind === 'thirdParty'
        ? [...new Set([...stringsOf(data['contactIds']), ...scan.contactIds.filter((id) => scan.forgottenContacts.has(id))])]
        : [];
    const candidates = [subjectKeyOf(subject), ...contacts.map(dataSubjects.contact)];
    const keys = await this.deps.keys.get(candidates);
    const destroyed = candidates.filter((id) => keys.has(id) && keys.get(id) === null);
    const destroyedSet = new Set(destroyed);
    const metadata = event.metadata as { actorId?: unknown };
    return {
      subject,
      reason: data['reason'] as ErasureReason,
      reference: typeof data['reference'] === 'string' ? data['reference'] : null,
      forgottenAt: String(data['forgottenAt']),
      forgottenBy: typeof metadata.actorId === 'string' ? metadata.actorId : '',
      position: event.position.toString(),
      keysDestroyed: destroyed,
      contactsForgotten: contacts,
      eventsNowUnreadable: scan.encrypted.filter((subjects) => subjects.some((id) => destroyedSet.has(id))).length,
      eventsLeftInClear: scan.inClear,
      readModelsErased: this.projections.filter((projection) => projection.forgets?.includes(subject.kind)).map((projection) => projection.name),
    };
  }

  /** The event that recorded the subject's erasure, read as stored: it holds nothing encrypted. */
  private async forgottenEvent(subject: DataSubjectRef): Promise<{ event: StoredEvent; data: Record<string, unknown> } | null> {
    const [stream, type] =
      subject.kind === 'thirdParty' ? [streams.thirdParty(subject.id), 'ThirdPartyForgotten'] : [streams.contact(subject.id), 'ContactForgotten'];
    const events = await this.deps.store.readStream(stream);
    const event = events.find((candidate) => candidate.type === type);
    return event ? { event, data: recordOf(event.data) } : null;
  }

  /**
   * One pass over the log after `after`, continuing `from`: the third party's
   * contacts (their ContactAdded names it in clear), and the events whose
   * personal data one of the subjects' keys protects. A contact's events come
   * after its ContactAdded, so the set of subjects is complete when they are met.
   * The stored events are read as they are, never decrypted.
   */
  private async scan(subject: DataSubjectRef, after: bigint | null, from?: Scan): Promise<Scan> {
    const scan: Scan = {
      contactIds: [...(from?.contactIds ?? [])],
      forgottenContacts: new Set(from?.forgottenContacts ?? []),
      encrypted: [...(from?.encrypted ?? [])],
      inClear: from?.inClear ?? 0,
      events: from?.events ?? 0,
      last: after,
    };
    const watched = new Set([subjectKeyOf(subject), ...scan.contactIds.map(dataSubjects.contact)]);
    for (;;) {
      const page = await this.deps.store.readAll({ after: scan.last, maxCount: this.pageSize });
      for (const event of page.events) {
        scan.events += 1;
        const data = recordOf(event.data);
        if (subject.kind === 'thirdParty' && data['thirdPartyId'] === subject.id && typeof data['contactId'] === 'string') {
          if (event.type === 'ContactAdded' && !scan.contactIds.includes(data['contactId'])) {
            scan.contactIds.push(data['contactId']);
            watched.add(dataSubjects.contact(data['contactId']));
          } else if (event.type === 'ContactForgotten') {
            scan.forgottenContacts.add(data['contactId']);
          }
        }
        // The contacts a merge moved to the third party are its own while the merge holds
        // (their ContactAdded names the absorbed one): forgetting it takes them; an unmerge gives them back.
        if (subject.kind === 'thirdParty' && data['survivorId'] === subject.id && (event.type === 'ThirdPartyMerged' || event.type === 'ThirdPartyUnmerged')) {
          const moved = stringsOf(recordOf(data['moved'])['contactIds']);
          if (event.type === 'ThirdPartyMerged') {
            for (const contactId of moved) {
              if (scan.contactIds.includes(contactId)) continue;
              scan.contactIds.push(contactId);
              watched.add(dataSubjects.contact(contactId));
            }
          } else {
            for (const contactId of moved) {
              const at = scan.contactIds.indexOf(contactId);
              if (at >= 0) scan.contactIds.splice(at, 1);
            }
          }
        }
        const header = recordOf(data[PERSONAL_DATA_FIELD]);
        if (Array.isArray(header['subjects'])) {
          const subjects = stringsOf(header['subjects']);
          if (subjects.some((id) => watched.has(id))) scan.encrypted.push(subjects);
        } else if (storedInClearAbout(event.type, data, watched)) {
          scan.inClear += 1;
        }
      }
      if (page.lastPosition !== null) scan.last = page.lastPosition;
      if (page.isEnd || page.events.length === 0) break;
    }
    return scan;
  }
}

const forgetContact = (contactId: string, reason: ErasureReason, reference: string | null): ForgetContact => ({
  type: 'ForgetContact',
  data: { contactId, reason, reference },
});

const checkedSubject = (subject: DataSubjectRef): DataSubjectRef => {
  if (subject.kind !== 'contact' && subject.kind !== 'thirdParty') {
    throw new InvalidInput('subjectKind', 'must be contact or thirdParty');
  }
  if (typeof subject.id !== 'string' || subject.id.trim() === '') throw new InvalidInput('subjectId', 'is required');
  return { kind: subject.kind, id: subject.id };
};

const subjectKeyOf = (subject: DataSubjectRef): string =>
  subject.kind === 'thirdParty' ? dataSubjects.thirdParty(subject.id) : dataSubjects.contact(subject.id);

const recordOf = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

const isPresent = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * An event stored before personal data was encrypted (no `$pii`) that names one
 * of the subjects by its rule and carries a personal value: its plaintext
 * survives the destruction of the keys.
 */
function storedInClearAbout(type: string, data: Record<string, unknown>, watched: ReadonlySet<string>): boolean {
  const rule = personalDataRuleOf(type);
  if (rule === null) return false;
  let subjects: string[];
  try {
    subjects = rule.subjects(data);
  } catch {
    return false;
  }
  if (!subjects.some((id) => watched.has(id))) return false;
  const clear = new Set(rule.clear);
  return Object.entries(data).some(([field, value]) => {
    if (clear.has(field)) return false;
    if (field === 'changes' && Array.isArray(value)) {
      return value.some((change: unknown) => {
        const { field: changed, from, to } = recordOf(change);
        return typeof changed === 'string' && !clear.has(changed) && (isPresent(from) || isPresent(to));
      });
    }
    return isPresent(value);
  });
}
