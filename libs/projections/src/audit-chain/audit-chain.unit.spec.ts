import { describe, expect, it } from '@jest/globals';
import { ERASED } from '#domain';
import type { EventEnvelope } from '#event-store';
import { evolveAuditJournal, type AuditEntry } from '../audit-journal/audit-journal.projection.js';
import {
  CONFIDENTIAL_TEXT,
  contactAdded,
  envelope,
  exchangeLogged,
  exchangeUpdated,
  ids,
  registered,
  statusChanged,
  thirdPartyUpdated,
} from '../testing/relationship-fixtures.js';
import {
  auditChainProjection,
  auditEntryOf,
  chainHash,
  GENESIS_HASH,
  linkOf,
  sealedEntry,
  type AuditChainLink,
} from './audit-chain.projection.js';
import { canonicalJson } from './canonical-json.js';

/**
 * What the chain seals of the journal entry of statusChanged() at position 42, in
 * canonical form, spelled out. The same as before the journal kept scopes and
 * confidential comments, so the hashes below were computed then.
 */
const CANONICAL_ENTRY =
  '{"action":"ExchangeStatusChanged","actorId":"alice","at":"2025-03-03T12:00:00.000Z","causationId":null,' +
  '"changes":[{"field":"status","from":"TO_DO","to":"CLOSED"}],"commandId":"cmd-1","correlationId":"corr-1",' +
  '"entityId":"ex-meeting","entityType":"exchange","id":"ev-1","position":"42","sortKey":"00000000000000000042","source":"api"}';
// Computed outside Suivi: printf '%s%s' "$previousHash" "$CANONICAL_ENTRY" | sha256sum
const HASH_AFTER_GENESIS = '18a4c1259d301b840b4d345805881cfe7c5eaa07ad03509af40392b340a3e5e0';
const HASH_AFTER_ITSELF = '5bca6d3682cb35c8ab80b921c5d11d3692c099ed3f49e4525cfc3154fbd2f6b6';

const history: EventEnvelope[] = [
  envelope(registered(), { eventId: 'ev-1', position: 1n }),
  envelope(contactAdded(), { eventId: 'ev-2', position: 2n }),
  envelope(exchangeLogged(), { eventId: 'ev-3', position: 3n }),
  envelope(thirdPartyUpdated(), { eventId: 'ev-4', position: 4n, metadata: { actorId: 'bob' } }),
];

/** Links as the runner builds them: each event's link follows the one before. */
const chainOf = (events: readonly EventEnvelope[]): AuditChainLink[] => {
  const links: AuditChainLink[] = [];
  for (const event of events) {
    const link = auditChainProjection.evolve(null, event, links.at(-1) ?? null);
    if (link === null) throw new Error('no link');
    links.push(link);
  }
  return links;
};

describe('audit chain hashing', () => {
  it('hashes the previous hash then the canonical entry, as sha256sum does', () => {
    const entry = auditEntryOf(envelope(statusChanged()));
    expect(canonicalJson(sealedEntry(entry))).toBe(CANONICAL_ENTRY);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(chainHash(GENESIS_HASH, entry)).toBe(HASH_AFTER_GENESIS);
    expect(chainHash(HASH_AFTER_GENESIS, entry)).toBe(HASH_AFTER_ITSELF);
  });

  it('starts the log from the genesis hash', () => {
    const entry = auditEntryOf(envelope(statusChanged()));
    expect(linkOf(null, entry)).toEqual({
      id: 'ev-1',
      position: '42',
      sortKey: '00000000000000000042',
      previousHash: GENESIS_HASH,
      hash: HASH_AFTER_GENESIS,
    });
  });

  it('seals the very entry the audit journal stores', () => {
    const event = envelope(exchangeLogged(), { eventId: 'ev-3', position: 3n });
    expect(auditEntryOf(event)).toEqual(evolveAuditJournal(null, event));
    const link = auditChainProjection.evolve(null, event, null);
    expect(link?.hash).toBe(chainHash(GENESIS_HASH, evolveAuditJournal(null, event)!));
  });

  it('links every entry to the one before it, in log order', () => {
    const links = chainOf(history);
    expect(links.map((link) => link.id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    expect(links[0]?.previousHash).toBe(GENESIS_HASH);
    for (let i = 1; i < links.length; i += 1) expect(links[i]?.previousHash).toBe(links[i - 1]?.hash);
    expect(new Set(links.map((link) => link.hash)).size).toBe(4);
    for (const link of links) expect(link.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: the same log gives the same chain', () => {
    expect(chainOf(history)).toEqual(chainOf(history));
  });

  it('changes every later hash when an earlier event changes, and none before it', () => {
    const original = chainOf(history);
    const altered = chainOf(history.map((event, index) => (index === 1 ? envelope(contactAdded({ preferredLanguage: 'de' }), { eventId: 'ev-2', position: 2n }) : event)));
    expect(altered[0]?.hash).toBe(original[0]?.hash);
    for (let i = 1; i < history.length; i += 1) expect(altered[i]?.hash).not.toBe(original[i]?.hash);
  });

  it('seals which personal fields changed, never their values: erasing a person leaves every link valid', () => {
    const original = chainOf(history);
    const renamed = chainOf(history.map((event, index) => (index === 1 ? envelope(contactAdded({ lastName: 'Durand' }), { eventId: 'ev-2', position: 2n }) : event)));
    expect(renamed.map((link) => link.hash)).toEqual(original.map((link) => link.hash));
    const added = auditEntryOf(envelope(contactAdded()));
    expect(sealedEntry(added).changes).toContainEqual({ field: 'lastName' });
    expect(sealedEntry(added).changes).toContainEqual({ field: 'preferredLanguage', from: null, to: 'fr' });
    expect(JSON.stringify(sealedEntry(added))).not.toMatch(/Curie|boulangerie-martin\.fr/);
    // The entry of the erased event seals the same as the entry read in clear.
    const erased = auditEntryOf(envelope(contactAdded({ firstName: ERASED, lastName: ERASED, jobTitle: ERASED, email: ERASED })));
    expect(chainHash(GENESIS_HASH, erased)).toBe(chainHash(GENESIS_HASH, added));
  });

  it('changes the hash when two events swap places', () => {
    const original = chainOf(history);
    const swapped = chainOf([history[1]!, history[0]!, ...history.slice(2)]);
    expect(swapped.at(-1)?.hash).not.toBe(original.at(-1)?.hash);
  });

  it.each<[string, Partial<AuditEntry>]>([
    ['the actor', { actorId: 'mallory' }],
    ['the time', { at: '2025-03-03T12:00:00.001Z' }],
    ['a changed value', { changes: [{ field: 'status', from: 'TO_DO', to: 'CANCELLED' }] }],
    ['the entity', { entityId: ids.call }],
    ['the source', { source: 'import' }],
  ])('changes the hash when %s of an entry changes', (_name, change) => {
    const entry = auditEntryOf(envelope(statusChanged()));
    expect(chainHash(GENESIS_HASH, { ...entry, ...change })).not.toBe(chainHash(GENESIS_HASH, entry));
  });

  it('seals neither the scope nor the text of a confidential comment, which the hash would let readers guess', () => {
    const logged = auditEntryOf(envelope(exchangeLogged()));
    expect(JSON.stringify(logged)).toContain(CONFIDENTIAL_TEXT);
    expect(JSON.stringify(sealedEntry(logged))).not.toContain(CONFIDENTIAL_TEXT);
    expect(sealedEntry(logged)).not.toHaveProperty('scope');
    const guessed = {
      ...logged,
      changes: logged.changes.map((change) => (change.field === 'confidentialComment' ? { ...change, to: 'a guess' } : change)),
    };
    expect(chainHash(GENESIS_HASH, guessed)).toBe(chainHash(GENESIS_HASH, logged));
    const updated = auditEntryOf(envelope(exchangeUpdated({ changes: [{ field: 'confidentialComment', from: null, to: CONFIDENTIAL_TEXT }] })));
    expect(sealedEntry(updated).changes).toEqual([{ field: 'confidentialComment' }]);
    const entry = auditEntryOf(envelope(statusChanged()));
    expect(chainHash(GENESIS_HASH, { ...entry, scope: 'global' })).toBe(HASH_AFTER_GENESIS);
  });

  it('does not depend on the order of the keys of a stored entry', () => {
    const entry = auditEntryOf(envelope(statusChanged()));
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as AuditEntry;
    expect(chainHash(GENESIS_HASH, reordered)).toBe(HASH_AFTER_GENESIS);
  });

  it('is a chained projection of every event, keyed by event id, ordered by sortKey', () => {
    expect(auditChainProjection.name).toBe('audit-chain.v2');
    expect(auditChainProjection.collection).toEqual({ name: 'audit_chain_v2', indexes: ['sortKey'] });
    expect(auditChainProjection.canHandle('AnythingAtAll')).toBe(true);
    expect(auditChainProjection.documentId(history[0]!)).toBe('ev-1');
    expect(auditChainProjection.chain?.orderField).toBe('sortKey');
    expect(auditChainProjection.chain?.orderKey(42n)).toBe('00000000000000000042');
  });
});
