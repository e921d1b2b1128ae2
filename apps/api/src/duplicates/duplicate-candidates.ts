import {
  defaultSuggestionThreshold,
  emailDomain,
  isFreeMailDomain,
  NameIndex,
  nameSimilarity,
  normaliseEmail,
  normalisePhone,
  normaliseVatNumber,
} from '#domain';

export const duplicateReasons = ['VAT_NUMBER', 'EMAIL', 'DOMAIN_AND_NAME', 'PHONE', 'SIMILAR_NAME'] as const;
export type DuplicateReason = (typeof duplicateReasons)[number];

/** What duplicate detection reads of a directory entry. */
export interface CandidateRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly vatNumber: string | null;
  /** ISO country of the address: the default country of a phone or VAT number written without one. */
  readonly country: string | null;
}

export interface DuplicatePair {
  /** The smaller id of the two: a pair is listed once. */
  readonly a: string;
  readonly b: string;
  /** In [0, 1]: 1 − Π(1 − weight) over the reasons, so that agreeing evidence adds up without passing 1. */
  readonly score: number;
  /** In the order of `duplicateReasons`. */
  readonly reasons: DuplicateReason[];
}

/**
 * How much each reason alone says. A VAT number identifies a company; a shared
 * e-mail address nearly so; a company domain with a close name is strong; a
 * phone may be a switchboard shared by a group; a name alone is the weakest,
 * scaled by how close it is.
 */
const weights: Readonly<Record<Exclude<DuplicateReason, 'SIMILAR_NAME'>, number>> = {
  VAT_NUMBER: 0.95,
  EMAIL: 0.9,
  DOMAIN_AND_NAME: 0.85,
  PHONE: 0.7,
};
const SIMILAR_NAME_WEIGHT = 0.6;

/** Under a shared company domain, names this close are the same company written differently. */
const DOMAIN_NAME_THRESHOLD = 0.6;

/**
 * A key shared by more records than this says nothing about any pair of them
 * (a head-office phone, a group's domain): skipped, as the matching module's
 * NameIndex skips crowded blocks, so the pairs stay few and the work linear.
 */
const MAX_GROUP = 50;

/** Fuzzy names: the neighbours each record is compared with. */
const NAME_NEIGHBOURS = 10;

const pairKey = (x: string, y: string): string => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);

/**
 * The likely duplicate pairs among `records`, best first (score, then ids), at
 * or above `minScore`. Exact keys are grouped in one pass; names are compared
 * through the matching module's NameIndex (blocked by word prefixes), never all
 * against all.
 */
export function duplicateCandidates(records: readonly CandidateRecord[], minScore: number): DuplicatePair[] {
  const found = new Map<string, { a: string; b: string; reasons: Set<DuplicateReason>; nameScore: number }>();
  const note = (x: string, y: string, reason: DuplicateReason, nameScore = 0): void => {
    if (x === y) return;
    const key = pairKey(x, y);
    let pair = found.get(key);
    if (pair === undefined) {
      pair = { a: x < y ? x : y, b: x < y ? y : x, reasons: new Set(), nameScore: 0 };
      found.set(key, pair);
    }
    pair.reasons.add(reason);
    pair.nameScore = Math.max(pair.nameScore, nameScore);
  };

  const byId = new Map(records.map((record) => [record.id, record]));
  const groups = new Map<string, string[]>();
  const group = (key: string | null, id: string): void => {
    if (key === null) return;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [id]);
    else list.push(id);
  };
  const names = new NameIndex<string>();
  for (const record of records) {
    group(prefixed('VAT_NUMBER', normaliseVatNumber(record.vatNumber, record.country)), record.id);
    group(prefixed('EMAIL', normaliseEmail(record.email)), record.id);
    const domain = emailDomain(record.email);
    if (domain !== null && !isFreeMailDomain(domain)) group(prefixed('DOMAIN_AND_NAME', domain), record.id);
    group(prefixed('PHONE', normalisePhone(record.phone, record.country)), record.id);
    names.add(record.id, record.name);
  }

  for (const [key, ids] of groups) {
    if (ids.length < 2 || ids.length > MAX_GROUP) continue;
    const reason = key.slice(0, key.indexOf(':')) as DuplicateReason;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const x = ids[i] as string;
        const y = ids[j] as string;
        if (reason === 'DOMAIN_AND_NAME') {
          const similarity = nameSimilarity(byId.get(x)?.name ?? '', byId.get(y)?.name ?? '');
          if (similarity >= DOMAIN_NAME_THRESHOLD) note(x, y, reason);
        } else {
          note(x, y, reason);
        }
      }
    }
  }

  for (const record of records) {
    for (const similar of names.similar(record.name, defaultSuggestionThreshold, NAME_NEIGHBOURS + 1)) {
      note(record.id, similar.id, 'SIMILAR_NAME', similar.score);
    }
  }

  const pairs: DuplicatePair[] = [];
  for (const pair of found.values()) {
    let miss = 1;
    for (const reason of pair.reasons) miss *= 1 - (reason === 'SIMILAR_NAME' ? SIMILAR_NAME_WEIGHT * pair.nameScore : weights[reason]);
    // Rounded, so that the order does not hang on the last bits of a product.
    const score = Math.round((1 - miss) * 1000) / 1000;
    if (score < minScore) continue;
    pairs.push({ a: pair.a, b: pair.b, score, reasons: duplicateReasons.filter((reason) => pair.reasons.has(reason)) });
  }
  return pairs.sort((x, y) => y.score - x.score || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
}

const prefixed = (reason: DuplicateReason, value: string | null): string | null => (value === null ? null : `${reason}:${value}`);
