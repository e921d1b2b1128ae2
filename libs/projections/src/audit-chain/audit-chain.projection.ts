import { createHash } from 'node:crypto';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { clearAuditFields, eraseAuditEntry, evolveAuditJournal, type AuditEntry } from '../audit-journal/audit-journal.projection.js';
import { redactChange } from '../shared/confidential-redaction.js';
import { positionKey } from '../shared/read-model-keys.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The hash that seals one audit journal entry to every entry before it, kept
 * beside the journal (one link per event, same id) rather than in it: the journal
 * stays a plain one-event-one-document read model, and the chain, which needs the
 * previous link, is the runner's only chained projection.
 */
export type AuditChainLink = {
  /** The event's id, as the journal entry's. */
  readonly id: string;
  /** Global position of the event, as a decimal string. */
  readonly position: string;
  /** The position padded to 20 digits: string order is log order. */
  readonly sortKey: string;
  /** The hash of the previous link; GENESIS_HASH for the first event of the log. */
  readonly previousHash: string;
  /** chainHash(previousHash, the journal entry of this event). */
  readonly hash: string;
};

/** What the first entry of the log follows: 64 zeros, the length of a SHA-256 in hex. */
export const GENESIS_HASH = '0'.repeat(64);

/** A change as a link seals it: a personal field by its name alone. */
export type SealedChange = { readonly field: string; readonly from?: unknown; readonly to?: unknown };

/** What a link seals of an entry: all of it but its scope and subjects, without personal values. */
export type SealedAuditEntry = Omit<AuditEntry, 'scope' | 'subjects' | 'changes'> & { readonly changes: SealedChange[] };

/**
 * The part of an entry the chain seals: no personal value. A change of a field
 * its event encrypts (see personal-data.ts) is sealed by the field's name alone,
 * and the entry as it reads once its subject is forgotten (eraseAuditEntry) is
 * what is sealed, so that erasing a person leaves every link valid: a hash over
 * a name, shown to every reader of the journal, would also let them confirm a
 * guess of it after the name is gone. A confidential comment, in entries of
 * events with no personal-data rule, only as "[confidential]". Not the scope
 * and the subjects, which say who may read the entry and whom it is about, not
 * what happened: derived from the event like the rest, they are still checked
 * by verification, which compares whole entries while the event is readable.
 */
export const sealedEntry = (entry: AuditEntry): SealedAuditEntry => {
  const { scope: _scope, subjects: _subjects, ...sealed } = eraseAuditEntry(entry);
  const clear = clearAuditFields(entry.action);
  return {
    ...sealed,
    changes: sealed.changes.map((change): SealedChange => (clear === null || clear.has(change.field) ? redactChange(change) : { field: change.field })),
  };
};

/**
 * hex(SHA-256(previousHash ‖ canonicalJson(sealedEntry(entry)))), both parts as
 * UTF-8 text: `printf '%s%s' "$previousHash" "$canonicalEntry" | sha256sum` gives the same.
 */
export const chainHash = (previousHash: string, entry: AuditEntry): string => hashOfCanonical(previousHash, canonicalJson(sealedEntry(entry)));

/** chainHash for an entry already in canonical form. */
export const hashOfCanonical = (previousHash: string, canonicalEntry: string): string =>
  createHash('sha256').update(previousHash, 'utf8').update(canonicalEntry, 'utf8').digest('hex');

/**
 * The journal entry of an event, exactly as the audit journal projection stores
 * it: both are computed by the same function, so the entry a hash seals and the
 * entry an auditor reads cannot drift apart.
 */
export const auditEntryOf = (event: EventEnvelope): AuditEntry => {
  const entry = evolveAuditJournal(null, event);
  if (entry === null) throw new Error(`the audit journal has no entry for ${event.type} ${event.eventId}`);
  return entry;
};

/** The link of `entry`, following `previous` (null at the start of the log). */
export const linkOf = (previous: Pick<AuditChainLink, 'hash'> | null, entry: AuditEntry): AuditChainLink => {
  const previousHash = previous?.hash ?? GENESIS_HASH;
  return { id: entry.id, position: entry.position, sortKey: entry.sortKey, previousHash, hash: chainHash(previousHash, entry) };
};

export const auditChainCollection: CollectionDefinition = {
  name: 'audit_chain_v2',
  indexes: ['sortKey'],
};

/**
 * When an audit entry's content changes for events already journaled, the old
 * links sealed the old content: verify the chain with the old build, then start a
 * new chain from genesis (new version and collection name). See decision 0014.
 */
export const auditChainProjection: Projection<AuditChainLink> = {
  // v2: links seal entries without personal values (decision 0014, erasure).
  name: 'audit-chain.v2',
  collection: auditChainCollection,
  canHandle: () => true,
  documentId: (event) => event.eventId,
  evolve: (_doc, event, previous) => linkOf(previous ?? null, auditEntryOf(event)),
  chain: { orderField: 'sortKey', orderKey: positionKey },
};
