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
}

/** Turns the stored shape of `type` at `fromVersion` into the shape at `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * The seam for per-data-subject encryption of personal data (crypto-shredding).
 * `encrypt` runs on the way in, on the payload of the current schema version;
 * `decrypt` runs on the way out, on the payload as it was stored (the version it
 * was encrypted at), before any upcasting, so upcasters only ever see plaintext.
 * The default passes data through untouched.
 */
export interface PersonalDataCipher {
  encrypt(type: string, data: Record<string, unknown>): Record<string, unknown>;
  decrypt(type: string, data: Record<string, unknown>): Record<string, unknown>;
}

export const plaintextCipher: PersonalDataCipher = {
  encrypt: (_type, data) => data,
  decrypt: (_type, data) => data,
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

  encode(event: Message, metadata: Omit<EventMetadata, 'schemaVersion'>, eventId: string): NewEvent {
    const data = this.cipher.encrypt(event.type, event.data as Record<string, unknown>);
    return {
      eventId,
      type: event.type,
      data,
      metadata: { ...metadata, schemaVersion: this.currentVersion(event.type) },
    };
  }

  decode<E extends Message = Message>(stored: StoredEvent): EventEnvelope<E> {
    const storedMetadata = stored.metadata as Partial<EventMetadata>;
    const current = this.currentVersion(stored.type);
    let version = storedMetadata.schemaVersion ?? 1;
    if (version > current) throw new UnknownSchemaVersion(stored.type, version, current);
    let data = this.cipher.decrypt(stored.type, stored.data as Record<string, unknown>);
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
    };
  }
}
