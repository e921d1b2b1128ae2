import { GraphQLScalarType, Kind } from 'graphql';

/**
 * Raised by the DateTime scalar. The API maps it to BAD_USER_INPUT naming the
 * field, whether the date came in a variable or inline in the query.
 */
export class InvalidDateTime extends Error {
  constructor(value: unknown) {
    super(
      `${JSON.stringify(value) ?? String(value)} is not a date-time: expected ISO 8601 with a time zone, e.g. 2025-03-14T09:30:00Z or 2025-03-14T10:30:00+01:00`,
    );
    this.name = 'InvalidDateTime';
  }
}

// RFC 3339 date-time; the offset is required because an instant without one is ambiguous.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The canonical form of an instant: UTC with milliseconds, so that the string
 * order of stored dates is their time order. Throws InvalidDateTime.
 */
export function parseDateTime(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidDateTime(value);
  const match = DATE_TIME.exec(value);
  if (!match) throw new InvalidDateTime(value);
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  // Date.parse rolls 30 February over to March; a calendar check refuses it.
  const calendarOk =
    month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth(year!, month!) && hour! <= 23 && minute! <= 59 && (Number.isNaN(second) || second! <= 59);
  const time = Date.parse(value.replace(' ', 'T'));
  if (!calendarOk || Number.isNaN(time)) throw new InvalidDateTime(value);
  return new Date(time).toISOString();
}

const serializeDateTime = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError(`DateTime cannot represent ${String(value)}`);
};

/**
 * Instants in and out as ISO 8601 strings. Unlike a lenient `new Date(value)`,
 * a malformed or impossible date is refused rather than stored as Invalid Date.
 * Resolvers receive the canonical UTC string (`2025-03-14T08:30:00.000Z`).
 */
export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description:
    'An instant as an ISO 8601 / RFC 3339 string with a time zone, e.g. 2025-03-14T09:30:00Z; returned in UTC with milliseconds.',
  serialize: serializeDateTime,
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new InvalidDateTime(ast.kind === Kind.NULL ? null : 'a non-string value');
    return parseDateTime(ast.value);
  },
});
