/**
 * One spelling per JSON value, so that a hash over it means the value and not
 * the way it happened to be serialised: object keys sorted by UTF-16 code units,
 * no whitespace, strings and numbers as JSON.stringify writes them. That is the
 * JSON Canonicalization Scheme (RFC 8785) for the values read models hold, and
 * any JCS implementation reproduces it.
 */
export const canonicalJson = (value: unknown): string => {
  try {
    return write(value);
  } catch (error) {
    if (error instanceof NoJsonForm) throw new TypeError(`$${error.path.join('')}: ${error.message}`, { cause: error });
    throw error;
  }
};

/** Where the value without a JSON form is, collected on the way out: no path is built on the hot path. */
class NoJsonForm extends Error {
  readonly path: string[] = [];
}

const within = (error: unknown, segment: string): unknown => {
  if (error instanceof NoJsonForm) error.path.unshift(segment);
  return error;
};

// Plain string concatenation: it runs once per event on the chain's hot path.
const write = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NoJsonForm(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value) : writeObject(value);
    default:
      throw new NoJsonForm(`a ${typeof value} has no JSON form`);
  }
};

const writeArray = (value: readonly unknown[]): string => {
  let text = '[';
  for (let index = 0; index < value.length; index += 1) {
    if (index > 0) text += ',';
    // As JSON.stringify: an array keeps its length, a hole or undefined is null.
    try {
      text += write(value[index] ?? null);
    } catch (error) {
      throw within(error, `[${index}]`);
    }
  }
  return `${text}]`;
};

const writeObject = (value: object): string => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    // A Date or a Map would silently become {} or a toJSON() spelling nobody chose.
    throw new NoJsonForm('only plain objects have a canonical form');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // The default sort compares UTF-16 code units, as RFC 8785 requires.
  if (!isSorted(keys)) keys.sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) text += ',';
    first = false;
    try {
      text += `${quote(key)}:${write(member)}`;
    } catch (error) {
      throw within(error, `.${key}`);
    }
  }
  return `${text}}`;
};

/** Text JSON writes as it is (no quote, backslash, control character or surrogate) skips JSON.stringify. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const quote = (text: string): string => (PLAIN.test(text) ? `"${text}"` : JSON.stringify(text));

/** Most objects of a journal entry (its changes) already list their keys in order. */
const isSorted = (keys: readonly string[]): boolean => {
  for (let index = 1; index < keys.length; index += 1) if (keys[index - 1]! > keys[index]!) return false;
  return true;
};
