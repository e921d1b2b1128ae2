import { emailDomain, isFreeMailDomain, normaliseCompanyName, normaliseEmail, normalisePhone, normaliseVatNumber } from './normalise.js';

/**
 * The keys two records are matched on, strongest first by default: a VAT
 * number identifies a company; an email a person or a mailbox; an email domain
 * only together with the name (one domain, several subsidiaries); a phone last,
 * since switchboards are shared.
 */
export const matchKeyKinds = ['vatNumber', 'email', 'domainAndName', 'phone'] as const;
export type MatchKeyKind = (typeof matchKeyKinds)[number];
export const defaultMatchKeyOrder: readonly MatchKeyKind[] = matchKeyKinds;

/** What matching reads of a third party or contact (raw values, as typed). */
export interface MatchableRecord {
  readonly name?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly vatNumber?: string | null;
}

export interface MatchKey {
  readonly kind: MatchKeyKind;
  /** Normalised value, e.g. `FR12345678901`, `a@b.fr`, `b.fr|acme`, `+33123456789`. */
  readonly value: string;
}

export interface MatchOptions {
  /** Country of numbers without a prefix (ISO 3166-1 alpha-2). */
  readonly defaultCountry?: string | null;
  /** Kinds to use, in order; default `defaultMatchKeyOrder`. */
  readonly order?: readonly MatchKeyKind[];
}

/** One string per key, for maps: `email:a@b.fr`. */
export const matchKeyString = (key: MatchKey): string => `${key.kind}:${key.value}`;

export function parseMatchKeyOrder(raw: string): MatchKeyKind[] {
  const kinds = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const kind of kinds) {
    if (!(matchKeyKinds as readonly string[]).includes(kind)) {
      throw new Error(`unknown match key "${kind}" (expected ${matchKeyKinds.join(', ')})`);
    }
  }
  return kinds as MatchKeyKind[];
}

/** The record's usable keys, in the configured order; absent or unusable values give no key. */
export function matchKeysOf(record: MatchableRecord, options: MatchOptions = {}): MatchKey[] {
  const keys: MatchKey[] = [];
  for (const kind of options.order ?? defaultMatchKeyOrder) {
    const value = keyValue(kind, record, options.defaultCountry ?? null);
    if (value !== null) keys.push({ kind, value });
  }
  return keys;
}

function keyValue(kind: MatchKeyKind, record: MatchableRecord, country: string | null): string | null {
  switch (kind) {
    case 'vatNumber':
      return normaliseVatNumber(record.vatNumber, country);
    case 'email':
      return normaliseEmail(record.email);
    case 'domainAndName': {
      const domain = emailDomain(record.email);
      const name = normaliseCompanyName(record.name);
      return domain === null || name === '' || isFreeMailDomain(domain) ? null : `${domain}|${name}`;
    }
    case 'phone':
      return normalisePhone(record.phone, country);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export interface MatchFound<Id> {
  readonly id: Id;
  readonly key: MatchKey;
}

/**
 * Records by key, in memory: loaded once from a read model, then fed each
 * imported line so later lines of the same file match earlier ones. A key held
 * by two records resolves to the first added.
 */
export class MatchIndex<Id = string> {
  private readonly byKey = new Map<string, Id>();
  private readonly keysById = new Map<Id, string[]>();

  constructor(private readonly options: MatchOptions = {}) {}

  get size(): number {
    return this.keysById.size;
  }

  /** Adds (or re-keys) a record; its previous keys are forgotten. */
  add(id: Id, record: MatchableRecord): void {
    this.remove(id);
    const keys = matchKeysOf(record, this.options).map(matchKeyString);
    for (const k of keys) if (!this.byKey.has(k)) this.byKey.set(k, id);
    this.keysById.set(id, keys);
  }

  /**
   * Adds the record's keys to those `id` already holds (a record whose email
   * changed still answers to the old one); keys held by another record stay theirs.
   */
  extend(id: Id, record: MatchableRecord): void {
    const keys = this.keysById.get(id) ?? [];
    for (const k of matchKeysOf(record, this.options).map(matchKeyString)) {
      if (!this.byKey.has(k)) this.byKey.set(k, id);
      if (!keys.includes(k)) keys.push(k);
    }
    this.keysById.set(id, keys);
  }

  remove(id: Id): void {
    for (const k of this.keysById.get(id) ?? []) if (this.byKey.get(k) === id) this.byKey.delete(k);
    this.keysById.delete(id);
  }

  /** The first key, in the configured order, that another record holds. */
  find(record: MatchableRecord): MatchFound<Id> | null {
    for (const key of matchKeysOf(record, this.options)) {
      const id = this.byKey.get(matchKeyString(key));
      if (id !== undefined) return { id, key };
    }
    return null;
  }
}
