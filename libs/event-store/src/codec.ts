import type { EventSource, Message } from '#domain';
import type { NewEvent, StoredEvent } from './event-store.port.js';

export interface EventMetadata {
  readonly actorId: string;
  /** ISO-8601 instant the command was handled (from the injected clock). */
  readonly occurredAt: string;
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly source: EventSource;
  readonly schemaVersion: number;
}

/** A decoded event with its envelope and place in the log. */
export interface EventEnvelope<E extends Message = Message> {
  readonly eventId: string;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: EventMetadata;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly recordedAt: Date;
  /**
   * The data subjects whose destroyed keys erased personal fields of this event
   * (they read as ERASED, null or []); absent when nothing was erased.
   */
  readonly erasedSubjects?: readonly string[];
}

/** Turns the stored shape of `type` at `fromVersion` into the shape at `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: Record<string, unknown>) => Record<string, unknown>;
}

/** The keys a cipher loaded for one batch of events: subject id → key, null when destroyed. */
export type KeyRing = ReadonlyMap<string, Buffer | null>;

export const NO_KEYS: KeyRing = new Map();

export interface Decrypted {
  readonly data: Record<string, unknown>;
  /** Subjects whose destroyed keys left fields of the event erased; empty when none. */
  readonly erasedSubjects: readonly string[];
}

/**
 * The seam for per-data-subject encryption of personal data (crypto-shredding).
 * Keys live in an asynchronous store, so each batch first loads what it needs
 * (`prepareEncrypt`, `prepareDecrypt`), then encrypts or decrypts synchronously
 * with exactly those keys: no key can change between the two steps, and a key
 * that was not loaded is an error, never mistaken for an erased one.
 * `encrypt` runs on the way in, on the payload of the current schema version;
 * `decrypt` runs on the way out, on the payload as it was stored (the version it
 * was encrypted at), before any upcasting, so upcasters only ever see plaintext.
 */
export interface PersonalDataCipher {
  /** The keys `encrypt` needs for these events, created for subjects that have none. */
  prepareEncrypt(events: readonly Message[]): Promise<KeyRing>;
  /** The keys `decrypt` needs for these stored events; null for destroyed ones. */
  prepareDecrypt(stored: readonly { readonly type: string; readonly data: unknown }[]): Promise<KeyRing>;
  encrypt(type: string, data: Record<string, unknown>, keys: KeyRing): Record<string, unknown>;
  decrypt(type: string, data: Record<string, unknown>, keys: KeyRing): Decrypted;
  close?(): Promise<void>;
}

/** No encryption: for stores of events that hold no personal data, and tests of other concerns. */
export const plaintextCipher: PersonalDataCipher = {
  prepareEncrypt: async () => NO_KEYS,
  prepareDecrypt: async () => NO_KEYS,
  encrypt: (_type, data) => data,
  decrypt: (type, data) => {
    // Handing the ciphertext to a projection as if it were the data would go unnoticed.
    if ('$pii' in data) throw new Error(`event ${type} holds encrypted personal data, but this codec has no cipher to read it`);
    return { data, erasedSubjects: [] };
  },
};

export class UnknownSchemaVersion extends Error {
  constructor(type: string, version: number, current: number) {
    super(`event ${type} has schema version ${version}, newer than this build knows (${current}); upgrade Suivi`);
    this.name = 'UnknownSchemaVersion';
  }
}

export interface CodecOptions {
  /** Current schema version per event type; types not listed are at version 1. */
  readonly schemaVersions?: Readonly<Record<string, number>>;
  readonly upcasters?: readonly Upcaster[];
  readonly cipher?: PersonalDataCipher;
}

/**
 * The one place events cross the store boundary. Writes always carry the current
 * schema version; reads upcast older shapes step by step, so deciders and
 * projections only ever see the current shape.
 */
export class EventCodec {
  private readonly versions: Readonly<Record<string, number>>;
  private readonly upcasters = new Map<string, Upcaster['upcast']>();
  private readonly cipher: PersonalDataCipher;

  constructor(options: CodecOptions = {}) {
    this.versions = options.schemaVersions ?? {};
    this.cipher = options.cipher ?? plaintextCipher;
    for (const upcaster of options.upcasters ?? []) {
      this.upcasters.set(`${upcaster.type}@${upcaster.fromVersion}`, upcaster.upcast);
    }
  }

  currentVersion(type: string): number {
    return this.versions[type] ?? 1;
  }

  /**
   * Encodes one event with keys already loaded (`prepareEncode`); without keys,
   * only events with nothing personal to encrypt. Batches use encodeAll.
   */
  encode(event: Message, metadata: Omit<EventMetadata, 'schemaVersion'>, eventId: string, keys: KeyRing = NO_KEYS): NewEvent {
    const data = this.cipher.encrypt(event.type, event.data as Record<string, unknown>, keys);
    return {
      eventId,
      type: event.type,
      data,
      metadata: { ...metadata, schemaVersion: this.currentVersion(event.type) },
    };
  }

  /** Decodes one event with keys already loaded (`prepareDecode`). Batches use decodeAll. */
  decode<E extends Message = Message>(stored: StoredEvent, keys: KeyRing = NO_KEYS): EventEnvelope<E> {
    const storedMetadata = stored.metadata as Partial<EventMetadata>;
    const current = this.currentVersion(stored.type);
    let version = storedMetadata.schemaVersion ?? 1;
    if (version > current) throw new UnknownSchemaVersion(stored.type, version, current);
    const decrypted = this.cipher.decrypt(stored.type, stored.data as Record<string, unknown>, keys);
    let data = decrypted.data;
    while (version < current) {
      const upcast = this.upcasters.get(`${stored.type}@${version}`);
      if (!upcast) throw new Error(`no upcaster for ${stored.type} from schema version ${version}`);
      data = upcast(data);
      version += 1;
    }
    return {
      eventId: stored.eventId,
      type: stored.type,
      data: data as E['data'],
      metadata: { ...(storedMetadata as EventMetadata), schemaVersion: version },
      streamName: stored.streamName,
      revision: stored.revision,
      position: stored.position,
      recordedAt: stored.recordedAt,
      ...(decrypted.erasedSubjects.length > 0 ? { erasedSubjects: decrypted.erasedSubjects } : {}),
    };
  }

  /** Loads (creating when missing) the subject keys these events are encrypted with. */
  prepareEncode(events: readonly Message[]): Promise<KeyRing> {
    return this.cipher.prepareEncrypt(events);
  }

  /**
   * Loads the subject keys these stored events need. Its failures are the key
   * store's (SubjectKeysUnavailable), to retry; decode's are the event's.
   */
  prepareDecode(stored: readonly StoredEvent[]): Promise<KeyRing> {
    return this.cipher.prepareDecrypt(stored);
  }

  /** Encodes the events of one command, which share their metadata, with ids in the same order. */
  async encodeAll(events: readonly Message[], metadata: Omit<EventMetadata, 'schemaVersion'>, eventIds: readonly string[]): Promise<NewEvent[]> {
    if (eventIds.length !== events.length) throw new Error(`encodeAll: ${events.length} events but ${eventIds.length} ids`);
    const keys = await this.prepareEncode(events);
    return events.map((event, index) => this.encode(event, metadata, eventIds[index]!, keys));
  }

  async decodeAll<E extends Message = Message>(stored: readonly StoredEvent[]): Promise<EventEnvelope<E>[]> {
    const keys = await this.prepareDecode(stored);
    return stored.map((event) => this.decode<E>(event, keys));
  }

  /** Closes what the cipher holds (the key store). */
  async close(): Promise<void> {
    await this.cipher.close?.();
  }
}
