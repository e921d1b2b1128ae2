import { InvalidInput } from '../shared/errors.js';

export const REMINDERS_MAX = 5;
/** A reminder further ahead than this is a second activity, not a reminder. */
export const REMINDER_MAX_DAYS = 60;

// Weeks, days, hours and minutes only: years and months have no fixed length,
// and a reminder must be an exact instant before the activity.
const DURATION = /^P(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,6})M)?)?$/;

const MINUTE = 60_000;

/** The milliseconds of a reminder offset such as PT15M, PT2H or P1D; InvalidInput naming the field otherwise. */
export const reminderOffsetMs = (field: string, raw: unknown): number => {
  const refuse = (why: string): never => {
    throw new InvalidInput(field, `must be an ISO 8601 duration in weeks, days, hours or minutes, e.g. PT15M, PT2H, P1D (${why})`);
  };
  if (typeof raw !== 'string') return refuse('not a string');
  const value = raw.trim().toUpperCase();
  const match = DURATION.exec(value);
  if (match === null || value === 'P' || value.endsWith('T')) return refuse('not in that form');
  const [, weeks, days, hours, minutes] = match;
  const total = ((Number(weeks ?? 0) * 7 + Number(days ?? 0)) * 24 * 60 + Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * MINUTE;
  if (total <= 0) return refuse('it must be longer than zero');
  if (total > REMINDER_MAX_DAYS * 24 * 60 * MINUTE) return refuse(`at most ${REMINDER_MAX_DAYS} days`);
  return total;
};

/**
 * Reminder offsets as recorded: upper case, duplicates (by length: PT60M and
 * PT1H are one reminder) dropped, longest first — the order they fire in.
 */
export const reminderList = (field: string, raw: unknown): string[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(field, 'must be a list');
  const byLength = new Map<number, string>();
  raw.forEach((item: unknown, index) => {
    const ms = reminderOffsetMs(`${field}[${index}]`, item);
    if (!byLength.has(ms)) byLength.set(ms, (item as string).trim().toUpperCase());
  });
  if (byLength.size > REMINDERS_MAX) throw new InvalidInput(field, `must have at most ${REMINDERS_MAX} reminders`);
  return [...byLength.entries()].sort((a, b) => b[0] - a[0]).map(([, offset]) => offset);
};

/** When a recorded reminder fires: `offset` before the anchor (dueAt or startAt). */
export const reminderInstant = (anchor: string, offset: string): string =>
  new Date(Date.parse(anchor) - reminderOffsetMs('reminder', offset)).toISOString();
