import { describe, expect, it } from '@jest/globals';
import {
  EventCodec,
  NO_KEYS,
  UnknownSchemaVersion,
  type Decrypted,
  type EventMetadata,
  type KeyRing,
  type PersonalDataCipher,
  type Upcaster,
} from './codec.js';
import type { StoredEvent } from './event-store.port.js';

/** Reverses every string of the payload: reversible, and visibly different from plaintext. */
class ReversingCipher implements PersonalDataCipher {
  readonly calls: string[] = [];
  async prepareEncrypt(): Promise<KeyRing> {
    return NO_KEYS;
  }
  async prepareDecrypt(): Promise<KeyRing> {
    return NO_KEYS;
  }
  encrypt(type: string, data: Record<string, unknown>): Record<string, unknown> {
    this.calls.push(`encrypt ${type}`);
    return reverseStrings(data);
  }
  decrypt(type: string, data: Record<string, unknown>): Decrypted {
    this.calls.push(`decrypt ${type}`);
    return { data: reverseStrings(data), erasedSubjects: [] };
  }
}

const reverseStrings = (data: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? [...v].reverse().join('') : v]));

// CustomerNoteAdded went through three shapes:
// v1 { text }  →  v2 { body, format }  →  v3 { body, format, pinned }
const upcasters: Upcaster[] = [
  { type: 'CustomerNoteAdded', fromVersion: 1, upcast: ({ text }) => ({ body: text, format: 'plain' }) },
  { type: 'CustomerNoteAdded', fromVersion: 2, upcast: (data) => ({ ...data, pinned: false }) },
];

const metadata: Omit<EventMetadata, 'schemaVersion'> = {
  actorId: 'user-7',
  occurredAt: '2026-03-01T09:30:00.000Z',
  commandId: 'cmd-1',
  correlationId: 'corr-1',
  causationId: null,
  source: 'api',
};

const stored = (data: Record<string, unknown>, schemaVersion: number | undefined): StoredEvent => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'CustomerNoteAdded',
  data,
  metadata: schemaVersion === undefined ? { ...metadata } : { ...metadata, schemaVersion },
  streamName: 'customer-42',
  revision: 3n,
  position: 12345678901234567890n,
  recordedAt: new Date('2026-03-01T09:30:01.000Z'),
});

describe('EventCodec', () => {
  const codec = (cipher: PersonalDataCipher = new ReversingCipher()) =>
    new EventCodec({ schemaVersions: { CustomerNoteAdded: 3 }, upcasters, cipher });

  it('encodes with the current schema version and encrypted data', () => {
    const cipher = new ReversingCipher();
    const encoded = codec(cipher).encode(
      { type: 'CustomerNoteAdded', data: { body: 'Call back', format: 'plain', pinned: true } },
      metadata,
      'event-1',
    );
    expect(encoded).toEqual({
      eventId: 'event-1',
      type: 'CustomerNoteAdded',
      data: { body: 'kcab llaC', format: 'nialp', pinned: true },
      metadata: { ...metadata, schemaVersion: 3 },
    });
    expect(cipher.calls).toEqual(['encrypt CustomerNoteAdded']);
  });

  it('decodes what it encoded: data, metadata and place in the log', () => {
    const cipher = new ReversingCipher();
    const c = codec(cipher);
    const encoded = c.encode({ type: 'CustomerNoteAdded', data: { body: 'Hé 🚀', format: 'md', pinned: false } }, metadata, 'e-2');
    const decoded = c.decode({ ...stored(encoded.data as Record<string, unknown>, 3), metadata: encoded.metadata });
    expect(decoded).toEqual({
      eventId: '00000000-0000-4000-8000-000000000001',
      type: 'CustomerNoteAdded',
      data: { body: 'Hé 🚀', format: 'md', pinned: false },
      metadata: { ...metadata, schemaVersion: 3 },
      streamName: 'customer-42',
      revision: 3n,
      position: 12345678901234567890n,
      recordedAt: new Date('2026-03-01T09:30:01.000Z'),
    });
    expect(cipher.calls).toEqual(['encrypt CustomerNoteAdded', 'decrypt CustomerNoteAdded']);
  });

  it('upcasts a version 1 event step by step to the current shape, decrypting it first', () => {
    const cipher = new ReversingCipher();
    // Stored years ago, encrypted in its version 1 shape.
    const old = stored(reverseStrings({ text: 'Prefers email' }), 1);
    const decoded = codec(cipher).decode(old);
    expect(decoded.data).toEqual({ body: 'Prefers email', format: 'plain', pinned: false });
    expect(decoded.metadata.schemaVersion).toBe(3);
    expect(cipher.calls).toEqual(['decrypt CustomerNoteAdded']);
  });

  it('upcasts from the middle of the chain', () => {
    const decoded = codec().decode(stored(reverseStrings({ body: 'Sent quote', format: 'md' }), 2));
    expect(decoded.data).toEqual({ body: 'Sent quote', format: 'md', pinned: false });
  });

  it('reads an event without a schema version as version 1', () => {
    const decoded = codec().decode(stored(reverseStrings({ text: 'Legacy' }), undefined));
    expect(decoded.data).toEqual({ body: 'Legacy', format: 'plain', pinned: false });
    expect(decoded.metadata.schemaVersion).toBe(3);
  });

  it('refuses an event newer than this build knows', () => {
    const future = stored({ body: 'x', format: 'plain', pinned: false, color: 'red' }, 4);
    expect(() => codec().decode(future)).toThrow(UnknownSchemaVersion);
    expect(() => codec().decode(future)).toThrow(/schema version 4, newer than this build knows \(3\)/);
  });

  it('fails loudly when a step of the chain is missing', () => {
    const gap = new EventCodec({ schemaVersions: { CustomerNoteAdded: 3 }, upcasters: [upcasters[0]!] });
    expect(() => gap.decode(stored({ text: 'x' }, 1))).toThrow(/no upcaster for CustomerNoteAdded from schema version 2/);
  });

  it('leaves types without a declared version at version 1 with data untouched by default', () => {
    const plain = new EventCodec();
    const encoded = plain.encode({ type: 'ThingHappened', data: { a: 'b' } }, metadata, 'e-3');
    expect(encoded.metadata['schemaVersion']).toBe(1);
    expect(encoded.data).toEqual({ a: 'b' });
    const decoded = plain.decode({ ...stored({ a: 'b' }, 1), type: 'ThingHappened' });
    expect(decoded.data).toEqual({ a: 'b' });
  });
});
