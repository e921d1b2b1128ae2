import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ERASED, personalDataRuleOf, type Message, type PersonalDataRule } from '#domain';
import { NO_KEYS, type Decrypted, type KeyRing, type PersonalDataCipher } from './codec.js';
import { distinct, SubjectKeysMissing, type SubjectKeyStore } from './keys/subject-key-store.port.js';

/** How a personal value is typed, so that an erased one reads as a value of its type. */
export type PersonalValueType = 's' | 'n' | 'b' | 'o' | 'a';

/**
 * The stored header of an event's personal data, next to its clear fields as
 * `$pii`. Everything but `ct` is authenticated as additional data; `ct` is the
 * AES-256-GCM encryption of `{ f: { <field>: value }, c?: [[from, to], …] }`.
 */
export interface PersonalDataHeader {
  readonly v: 1;
  /** Whose keys, in this order, derive the event's key. */
  readonly subjects: readonly string[];
  /** The personal top-level fields, in their original order, with their types. */
  readonly fields: Readonly<Record<string, PersonalValueType>>;
  /** Where each personal field sat among all the fields, so decoding restores the order. */
  readonly at: readonly number[];
  /** The `changes` entries whose from/to are personal: [index, from's type, to's type]. */
  readonly changes?: readonly (readonly [number, PersonalValueType, PersonalValueType])[];
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
}

export const PERSONAL_DATA_FIELD = '$pii';
const VERSION = 1;
const INFO = Buffer.from('suivi personal data v1', 'utf8');
const IV_BYTES = 12;

export class PersonalDataUnreadable extends Error {
  constructor(type: string, reason: string, options?: { cause?: unknown }) {
    super(`event ${type}: the personal data cannot be read (${reason})`, options);
    this.name = 'PersonalDataUnreadable';
  }
}

interface FieldChangeLike {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** An event's data split by a rule: what stays in clear, what gets encrypted. */
interface Split {
  readonly subjects: string[];
  readonly clear: Record<string, unknown>;
  readonly personal: Record<string, unknown>;
  readonly fields: Record<string, PersonalValueType>;
  readonly at: number[];
  readonly changes: [number, PersonalValueType, PersonalValueType][];
  readonly changeValues: [unknown, unknown][];
}

export interface SubjectKeyCipherOptions {
  readonly keys: SubjectKeyStore;
  /** The rule of an event type, null when its data is not personal. Default: the domain's. */
  readonly ruleOf?: (type: string) => PersonalDataRule | null;
}

/**
 * Encrypts the personal fields of each event with a key derived from its data
 * subjects' keys (AES-256-GCM, HKDF-SHA256), so that destroying one subject's key
 * erases those fields from every event, every copy of the log and every backup.
 * Reading an event whose key is gone gives typed markers (ERASED, null, []) and
 * names the erased subjects; an event stored before encryption (no `$pii`)
 * reads as it was stored.
 */
export class SubjectKeyCipher implements PersonalDataCipher {
  private readonly keys: SubjectKeyStore;
  private readonly ruleOf: (type: string) => PersonalDataRule | null;
  private readonly derivedKeys = new WeakMap<Buffer, Map<string, { readonly from: readonly Buffer[]; readonly key: Buffer }>>();

  constructor(options: SubjectKeyCipherOptions) {
    this.keys = options.keys;
    this.ruleOf = options.ruleOf ?? personalDataRuleOf;
  }

  async prepareEncrypt(events: readonly Message[]): Promise<KeyRing> {
    const subjects = events.flatMap((event) => this.split(event.type, event.data as Record<string, unknown>)?.subjects ?? []);
    if (subjects.length === 0) return NO_KEYS;
    return this.keys.getOrCreate(distinct(subjects));
  }

  async prepareDecrypt(stored: readonly { readonly type: string; readonly data: unknown }[]): Promise<KeyRing> {
    const subjects: string[] = [];
    for (const event of stored) {
      // A malformed header is the event's fault, which decrypt reports; here it only needs no key.
      const header = (event.data as Record<string, unknown> | null)?.[PERSONAL_DATA_FIELD] as { subjects?: unknown } | undefined;
      if (Array.isArray(header?.subjects)) subjects.push(...header.subjects.filter((s): s is string => typeof s === 'string'));
    }
    if (subjects.length === 0) return NO_KEYS;
    const wanted = distinct(subjects);
    const keys = await this.keys.get(wanted);
    const missing = wanted.filter((subject) => !keys.has(subject));
    if (missing.length > 0) throw new SubjectKeysMissing(missing);
    return keys;
  }

  encrypt(type: string, data: Record<string, unknown>, keys: KeyRing): Record<string, unknown> {
    const split = this.split(type, data);
    if (split === null) return data;
    const key = this.eventKey(
      split.subjects,
      split.subjects.map((subject) => {
        const found = keys.get(subject);
        if (!found) throw new Error(`event ${type}: the key of data subject ${subject} was not loaded (encode through encodeAll)`);
        return found;
      }),
    );
    const header = {
      v: VERSION,
      subjects: split.subjects,
      fields: split.fields,
      at: split.at,
      ...(split.changes.length > 0 ? { changes: split.changes } : {}),
    } as const;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(additionalData(type, header));
    const plaintext = JSON.stringify(split.changeValues.length > 0 ? { f: split.personal, c: split.changeValues } : { f: split.personal });
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const stored: PersonalDataHeader = {
      ...header,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
    return { ...split.clear, [PERSONAL_DATA_FIELD]: stored };
  }

  decrypt(type: string, data: Record<string, unknown>, keys: KeyRing): Decrypted {
    const header = headerOf(type, data);
    if (header === null) return { data, erasedSubjects: [] };
    const { [PERSONAL_DATA_FIELD]: _header, ...clear } = data;
    const erasedSubjects: string[] = [];
    for (const subject of header.subjects) {
      const key = keys.get(subject);
      if (key === undefined) throw new Error(`event ${type}: the key of data subject ${subject} was not loaded (decode through decodeAll)`);
      if (key === null) erasedSubjects.push(subject);
    }
    if (erasedSubjects.length > 0) {
      const personal = Object.fromEntries(Object.entries(header.fields).map(([field, valueType]) => [field, erasedValue(valueType)]));
      const changeValues = (header.changes ?? []).map(([, from, to]): [unknown, unknown] => [erasedValue(from), erasedValue(to)]);
      return { data: merge(header, clear, personal, changeValues), erasedSubjects };
    }
    const key = this.eventKey(
      header.subjects,
      header.subjects.map((subject) => keys.get(subject)!),
    );
    let plaintext: { f: Record<string, unknown>; c?: [unknown, unknown][] };
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv, 'base64'));
      decipher.setAAD(additionalData(type, header));
      decipher.setAuthTag(Buffer.from(header.tag, 'base64'));
      const bytes = Buffer.concat([decipher.update(Buffer.from(header.ct, 'base64')), decipher.final()]);
      plaintext = JSON.parse(bytes.toString('utf8')) as typeof plaintext;
    } catch (error) {
      throw new PersonalDataUnreadable(type, 'it was altered, or encrypted under other keys', { cause: error });
    }
    return { data: merge(header, clear, plaintext.f, plaintext.c ?? []), erasedSubjects: [] };
  }

  async close(): Promise<void> {
    await this.keys.close();
  }

  /**
   * One key per set of subjects: HKDF-SHA256 of their keys in order, salted with
   * their names, so that no two sets share a key and every key is needed. The
   * derivation costs more than the decryption, so it is remembered, hung on the
   * first subject key's own Buffer: it lives no longer than the key store's
   * cache holds that key, and is used only with the very key Buffers it came from.
   */
  private eventKey(subjects: readonly string[], subjectKeys: readonly Buffer[]): Buffer {
    const name = subjects.join('\u0000');
    let derived = this.derivedKeys.get(subjectKeys[0]!);
    const known = derived?.get(name);
    if (known && known.from.every((key, index) => key === subjectKeys[index])) return known.key;
    const salt = createHash('sha256').update(name, 'utf8').digest();
    const key = Buffer.from(hkdfSync('sha256', Buffer.concat(subjectKeys), salt, INFO, 32));
    if (!derived) {
      derived = new Map();
      this.derivedKeys.set(subjectKeys[0]!, derived);
    }
    derived.set(name, { from: subjectKeys, key });
    return key;
  }

  /** Null when the event has nothing personal to protect (no rule, or only nulls). */
  private split(type: string, data: Record<string, unknown>): Split | null {
    const rule = this.ruleOf(type);
    if (rule === null) return null;
    const clearFields = new Set(rule.clear);
    const split: Split = { subjects: [], clear: {}, personal: {}, fields: {}, at: [], changes: [], changeValues: [] };
    let secret = false;
    let index = 0;
    for (const [field, value] of Object.entries(data)) {
      // JSON drops undefined: it has no place to keep.
      if (value === undefined) continue;
      if (field === 'changes' && !clearFields.has(field) && Array.isArray(value) && value.every(isFieldChange)) {
        split.clear[field] = value.map((change, at) => {
          if (clearFields.has(change.field)) return change;
          split.changes.push([at, typeOf(change.from), typeOf(change.to)]);
          split.changeValues.push([change.from, change.to]);
          secret ||= change.from !== null || change.to !== null;
          return { field: change.field };
        });
      } else if (clearFields.has(field)) {
        split.clear[field] = value;
      } else {
        split.personal[field] = value;
        split.fields[field] = typeOf(value);
        split.at.push(index);
        secret ||= value !== null;
      }
      index += 1;
    }
    // Nulls say only that nothing is known: no key is worth drawing for them.
    if (!secret) return null;
    split.subjects.push(...distinct(rule.subjects(data)));
    if (split.subjects.length === 0) throw new Error(`event ${type}: its personal data rule names no data subject`);
    return split;
  }
}

const isFieldChange = (value: unknown): value is FieldChangeLike =>
  typeof value === 'object' && value !== null && typeof (value as { field?: unknown }).field === 'string';

const typeOf = (value: unknown): PersonalValueType => {
  if (typeof value === 'string') return 's';
  if (typeof value === 'number') return 'n';
  if (typeof value === 'boolean') return 'b';
  if (Array.isArray(value)) return 'a';
  return 'o';
};

const erasedValue = (valueType: PersonalValueType): unknown => {
  switch (valueType) {
    case 's':
      return ERASED;
    case 'a':
      return [];
    default:
      return null;
  }
};

const additionalData = (
  type: string,
  header: Pick<PersonalDataHeader, 'v' | 'subjects' | 'fields' | 'at' | 'changes'>,
): Buffer => Buffer.from(JSON.stringify([type, header.v, header.subjects, header.fields, header.at, header.changes ?? []]), 'utf8');

/** The stored header, checked; null for an event stored in clear. */
function headerOf(type: string, data: unknown): PersonalDataHeader | null {
  if (typeof data !== 'object' || data === null) return null;
  const header = (data as Record<string, unknown>)[PERSONAL_DATA_FIELD];
  if (header === undefined) return null;
  const h = header as Partial<PersonalDataHeader> | null;
  if (h === null || typeof h !== 'object') throw new PersonalDataUnreadable(type, `${PERSONAL_DATA_FIELD} is not an object`);
  if (h.v !== VERSION) throw new PersonalDataUnreadable(type, `version ${String(h.v)} is not known to this build; upgrade Suivi`);
  const wellFormed =
    Array.isArray(h.subjects) &&
    h.subjects.length > 0 &&
    h.subjects.every((s) => typeof s === 'string') &&
    typeof h.fields === 'object' &&
    h.fields !== null &&
    Array.isArray(h.at) &&
    h.at.length === Object.keys(h.fields).length &&
    (h.changes === undefined || Array.isArray(h.changes)) &&
    typeof h.iv === 'string' &&
    typeof h.tag === 'string' &&
    typeof h.ct === 'string';
  if (!wellFormed) throw new PersonalDataUnreadable(type, `${PERSONAL_DATA_FIELD} is malformed`);
  return h as PersonalDataHeader;
}

/** Puts the personal fields back where they were among the clear ones, and the personal from/to into `changes`. */
function merge(
  header: PersonalDataHeader,
  clear: Record<string, unknown>,
  personal: Record<string, unknown>,
  changeValues: readonly (readonly [unknown, unknown])[],
): Record<string, unknown> {
  const clearEntries = Object.entries(clear);
  const personalFields = Object.keys(header.fields);
  const data: Record<string, unknown> = {};
  let c = 0;
  let p = 0;
  for (let index = 0; c < clearEntries.length || p < personalFields.length; index++) {
    if (p < personalFields.length && (header.at[p] === index || c >= clearEntries.length)) {
      const field = personalFields[p++]!;
      data[field] = personal[field];
    } else {
      const [field, value] = clearEntries[c++]!;
      data[field] = value;
    }
  }
  if (header.changes && header.changes.length > 0) {
    const changes = Array.isArray(data['changes']) ? [...(data['changes'] as FieldChangeLike[])] : [];
    header.changes.forEach(([at], k) => {
      const [from, to] = changeValues[k] ?? [null, null];
      changes[at] = { field: changes[at]?.field ?? '', from, to };
    });
    data['changes'] = changes;
  }
  return data;
}
