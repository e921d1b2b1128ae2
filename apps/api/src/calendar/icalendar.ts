import type { ActivityEntry } from '#projections';

/** RFC 5545: lines end in CRLF. */
const CRLF = '\r\n';
/** RFC 5545 §3.1: lines longer than 75 octets are folded. */
const MAX_OCTETS = 75;

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as \n. */
export const escapeText = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): each continuation starts
 * with a space, which counts in its 75. A UTF-8 character is never cut.
 */
export const foldLine = (line: string): string => {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(CRLF);
};

/** A UTC DATE-TIME (`20260305T090000Z`) from an ISO instant. */
export const utcDateTime = (instant: string): string => new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

const property = (name: string, value: string): string => foldLine(`${name}:${value}`);

/**
 * An activity as a calendar component: a task is a VTODO with its DUE, a
 * call or a meeting a VEVENT from DTSTART to DTEND. UIDs are stable, and
 * SEQUENCE follows the activity's revision, so that a subscribed calendar
 * updates an item instead of duplicating it.
 */
const component = (entry: ActivityEntry, stamp: string): string[] => {
  const common = [
    property('UID', `activity-${entry.id}@suivi`),
    property('DTSTAMP', utcDateTime(stamp)),
    property('LAST-MODIFIED', utcDateTime(entry.updatedAt)),
    property('SEQUENCE', entry.version),
    property('SUMMARY', escapeText(entry.title)),
    ...(entry.description === null ? [] : [property('DESCRIPTION', escapeText(entry.description))]),
    property('CATEGORIES', entry.kind),
  ];
  if (entry.kind === 'TASK') {
    return [
      'BEGIN:VTODO',
      ...common,
      property('DUE', utcDateTime(entry.at)),
      property('STATUS', entry.done ? 'COMPLETED' : 'NEEDS-ACTION'),
      ...(entry.doneAt === null ? [] : [property('COMPLETED', utcDateTime(entry.doneAt))]),
      'END:VTODO',
    ];
  }
  return [
    'BEGIN:VEVENT',
    ...common,
    property('DTSTART', utcDateTime(entry.at)),
    property('DTEND', utcDateTime(entry.endAt ?? entry.at)),
    property('STATUS', 'CONFIRMED'),
    'END:VEVENT',
  ];
};

/** A whole feed: the calendar's name, then one component per activity. */
export const renderCalendar = (name: string, entries: readonly ActivityEntry[], now: Date): string =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Suivi//Agenda//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    property('X-WR-CALNAME', escapeText(name)),
    ...entries.flatMap((entry) => component(entry, now.toISOString())),
    'END:VCALENDAR',
  ].join(CRLF) + CRLF;
