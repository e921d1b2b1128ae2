import { InvalidInput } from '../shared/errors.js';

/**
 * The kinds of third parties a retention policy can apply to. There are no
 * invoices in Suivi yet, so a former customer is judged by its last
 * interaction, like a prospect (see retention-candidates.ts).
 */
export const retentionKinds = ['INACTIVE_PROSPECTS', 'FORMER_CUSTOMERS'] as const;
export type RetentionKind = (typeof retentionKinds)[number];

/** AUTOMATIC: candidates are forgotten by the automation; APPROVAL: they are queued for a person to decide. */
export const retentionModes = ['AUTOMATIC', 'APPROVAL'] as const;
export type RetentionMode = (typeof retentionModes)[number];

export interface RetentionPolicy {
  /** Stable name: in erasure certificates (their reference) and proposals. */
  readonly name: string;
  readonly appliesTo: RetentionKind;
  /** Whole calendar months of inactivity after which a third party is a candidate. */
  readonly afterMonths: number;
  readonly mode: RetentionMode;
}

export interface RetentionConfig {
  readonly policies: readonly RetentionPolicy[];
  /** How often the automation runs, as configured (ISO-8601 duration, e.g. PT24H). */
  readonly runEvery: string;
  readonly runEveryMs: number;
}

export const RETENTION_POLICY_NAME = /^[a-z0-9][a-z0-9-]{0,49}$/;
export const RETENTION_MONTHS_MAX = 1200;
export const DEFAULT_RETENTION_RUN_EVERY = 'PT24H';
/** Shorter runs would only repeat the same listing: candidates move by the day. */
export const RETENTION_RUN_EVERY_MIN_MS = 60_000;
export const RETENTION_RUN_EVERY_MAX_MS = 366 * 24 * 3_600_000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const refuseUnknownKeys = (path: string, value: Record<string, unknown>, known: readonly string[]): void => {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new InvalidInput(path ? `${path}.${key}` : key, `is not a known setting (expected ${known.join(', ')})`);
  }
};

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO-8601 duration of weeks, days, hours, minutes and seconds (PT24H,
 * P1D, PT30M), in milliseconds. Months and years are refused: their length
 * depends on the calendar.
 */
export const isoDurationMs = (field: string, raw: unknown): number => {
  if (typeof raw !== 'string') throw new InvalidInput(field, 'must be an ISO-8601 duration such as PT24H');
  const value = raw.trim().toUpperCase();
  if (/^P[^T]*[YM]/.test(value)) {
    throw new InvalidInput(field, 'must be in weeks, days, hours, minutes or seconds (months and years have no fixed length), e.g. P30D');
  }
  const match = DURATION.exec(value);
  if (match === null || value === 'P' || value.endsWith('T')) {
    throw new InvalidInput(field, `must be an ISO-8601 duration such as PT24H, P1D or PT30M (got "${raw}")`);
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (part: string | undefined): number => (part === undefined ? 0 : Number(part));
  return Math.round(((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000);
};

const validPolicy = (at: string, raw: unknown, names: Set<string>): RetentionPolicy => {
  if (!isRecord(raw)) throw new InvalidInput(at, 'must be an object with name, appliesTo, afterMonths and mode');
  refuseUnknownKeys(at, raw, ['name', 'appliesTo', 'afterMonths', 'mode']);
  const name = raw['name'];
  if (typeof name !== 'string' || !RETENTION_POLICY_NAME.test(name)) {
    throw new InvalidInput(`${at}.name`, 'must be 1..50 lower-case letters, digits or "-", starting with a letter or digit');
  }
  if (names.has(name)) throw new InvalidInput(`${at}.name`, `duplicates the policy ${name}`);
  names.add(name);
  const appliesTo = raw['appliesTo'];
  if (typeof appliesTo !== 'string' || !(retentionKinds as readonly string[]).includes(appliesTo)) {
    throw new InvalidInput(`${at}.appliesTo`, `must be one of ${retentionKinds.join(', ')}`);
  }
  const afterMonths = raw['afterMonths'];
  if (typeof afterMonths !== 'number' || !Number.isInteger(afterMonths) || afterMonths < 1 || afterMonths > RETENTION_MONTHS_MAX) {
    throw new InvalidInput(`${at}.afterMonths`, `must be a whole number of months between 1 and ${RETENTION_MONTHS_MAX}`);
  }
  const mode = raw['mode'];
  if (typeof mode !== 'string' || !(retentionModes as readonly string[]).includes(mode)) {
    throw new InvalidInput(`${at}.mode`, `must be one of ${retentionModes.join(', ')}`);
  }
  return { name, appliesTo: appliesTo as RetentionKind, afterMonths, mode: mode as RetentionMode };
};

/**
 * Checks a deployment's retention policies (parsed JSON). An unknown setting
 * is refused so that a typo does not pass silently; errors name the path of
 * the bad entry, e.g. `policies[1].afterMonths`.
 */
export const validateRetentionConfig = (raw: unknown): RetentionConfig => {
  if (!isRecord(raw)) throw new InvalidInput('retention', 'must be a JSON object with policies and runEvery');
  refuseUnknownKeys('', raw, ['policies', 'runEvery']);
  const rawPolicies = raw['policies'];
  if (!Array.isArray(rawPolicies)) throw new InvalidInput('policies', 'must be a list');
  const names = new Set<string>();
  const policies = rawPolicies.map((item: unknown, index) => validPolicy(`policies[${index}]`, item, names));
  const runEvery = raw['runEvery'] === undefined ? DEFAULT_RETENTION_RUN_EVERY : raw['runEvery'];
  const runEveryMs = isoDurationMs('runEvery', runEvery);
  if (runEveryMs < RETENTION_RUN_EVERY_MIN_MS || runEveryMs > RETENTION_RUN_EVERY_MAX_MS) {
    throw new InvalidInput('runEvery', 'must be between one minute (PT1M) and a year (P366D)');
  }
  return { policies, runEvery: String(runEvery), runEveryMs };
};
