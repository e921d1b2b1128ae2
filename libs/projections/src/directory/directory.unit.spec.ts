import { describe, expect, it } from '@jest/globals';
import type { ThirdPartyRegistered } from '#domain';
import type { EventEnvelope, EventMetadata } from '#event-store';
import { directoryNameKey, directoryProjection, evolveDirectory, type DirectoryEntry } from './directory.projection.js';

const metadata = (over: Partial<EventMetadata> = {}): EventMetadata => ({
  actorId: 'user-1',
  occurredAt: '2025-03-04T10:00:00.000Z',
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  source: 'api',
  schemaVersion: 1,
  ...over,
});

const registered = (
  data: Partial<ThirdPartyRegistered['data']> = {},
  place: { revision?: bigint; position?: bigint } = {},
): EventEnvelope<ThirdPartyRegistered> => ({
  eventId: 'e-1',
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: 'tp-1',
    name: 'Élodie Dupont SARL',
    kind: 'COMPANY',
    roles: ['PROSPECT', 'CUSTOMER'],
    registeredAt: '2025-03-04T10:00:00.000Z',
    ...data,
  },
  metadata: metadata(),
  streamName: `thirdParty-${data.thirdPartyId ?? 'tp-1'}`,
  revision: place.revision ?? 0n,
  position: place.position ?? 7n,
  recordedAt: new Date('2025-03-04T10:00:00.010Z'),
});

const otherEvent: EventEnvelope = {
  eventId: 'e-9',
  type: 'ExchangeLogged',
  data: { exchangeId: 'x-1' },
  metadata: metadata(),
  streamName: 'exchange-x-1',
  revision: 0n,
  position: 8n,
  recordedAt: new Date('2025-03-04T10:00:00.010Z'),
};

describe('directory projection', () => {
  it('turns a registration into a directory entry', () => {
    const expected: DirectoryEntry = {
      id: 'tp-1',
      name: 'Élodie Dupont SARL',
      nameKey: 'elodie dupont sarl',
      kind: 'COMPANY',
      roles: ['PROSPECT', 'CUSTOMER'],
      registeredAt: '2025-03-04T10:00:00.000Z',
      registeredBy: 'user-1',
      updatedAt: '2025-03-04T10:00:00.000Z',
      version: '0',
      lastPosition: '7',
    };
    expect(directoryProjection.evolve(null, registered())).toEqual(expected);
  });

  it('routes a registration to the third party it names', () => {
    expect(directoryProjection.canHandle('ThirdPartyRegistered')).toBe(true);
    expect(directoryProjection.documentId(registered({ thirdPartyId: 'tp-42' }))).toBe('tp-42');
  });

  it('ignores events of other read models', () => {
    expect(directoryProjection.canHandle('ExchangeLogged')).toBe(false);
    expect(directoryProjection.documentId(otherEvent)).toBeNull();
    const doc = directoryProjection.evolve(null, registered());
    expect(directoryProjection.evolve(doc, otherEvent)).toBe(doc);
  });

  it('is deterministic: the same event applied twice yields the same document', () => {
    const event = registered();
    const once = evolveDirectory(null, event);
    const twice = evolveDirectory(once, event);
    expect(twice).toEqual(once);
    expect(evolveDirectory(null, event)).toEqual(once);
  });

  it('does not share the event roles array with the document', () => {
    const event = registered();
    const doc = evolveDirectory(null, event)!;
    expect(doc.roles).not.toBe(event.data.roles);
  });

  it('stores positions and revisions as exact decimal strings', () => {
    const big = 2n ** 63n + 5n;
    const doc = evolveDirectory(null, registered({}, { revision: 3n, position: big }))!;
    expect(doc.version).toBe('3');
    expect(doc.lastPosition).toBe('9223372036854775813');
  });

  it.each([
    ['Élodie', 'elodie'],
    ['ÉLODIE', 'elodie'],
    ['elodie', 'elodie'],
    ['Ångström Çà et là', 'angstrom ca et la'],
    ['Zoë Saldaña', 'zoe saldana'],
  ])('normalises %p to the key %p', (name, key) => {
    expect(directoryNameKey(name)).toBe(key);
    expect(evolveDirectory(null, registered({ name }))!.nameKey).toBe(key);
  });

  it('gives decomposed input (e + combining acute) the same key as precomposed input', () => {
    expect(directoryNameKey('E\u0301lodie')).toBe(directoryNameKey('\u00c9lodie'));
    expect(directoryNameKey('E\u0301lodie')).toBe('elodie');
  });

  it('declares the indexes its queries filter and sort on', () => {
    expect(directoryProjection.collection).toEqual({
      name: 'directory',
      indexes: ['nameKey', 'kind', 'roles', 'registeredAt'],
    });
  });
});
