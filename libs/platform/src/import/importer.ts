import { createHash } from 'node:crypto';
import {
  contactDecider,
  dataSubjects,
  DomainError,
  InvalidInput,
  MatchIndex,
  NameIndex,
  normaliseCompanyName,
  normaliseEmail,
  normalisePhone,
  normaliseVatNumber,
  streams,
  thirdPartyDecider,
  thirdPartyRoles,
  type AddContact,
  type Catalogue,
  type CommandContext,
  type ContactProfile,
  type ContactState,
  type CustomFieldValue,
  type FieldChange,
  type MatchKeyKind,
  type RegisterThirdParty,
  type ThirdPartyKind,
  type ThirdPartyProfile,
  type ThirdPartyRole,
  type ThirdPartyState,
  type UpdateContact,
  type UpdateThirdParty,
} from '#domain';
import { handleCommand, idempotentEntityId, uuidV5, type EventCodec, type EventStore } from '#event-store';
import { contactsCollection, directoryCollection, type ContactEntry, type DirectoryEntry } from '#projections';
import type { Doc, ReadStore } from '#read-store';
import { parseImportTable, detectDelimiter, type ImportDelimiter, type TableRow } from './csv-table.js';
import { decodeImportFile, type ImportEncoding } from './decode.js';
import { ImportSetupError } from './import-errors.js';
import { ImportRuns, importRunId, type ImportRunRecord } from './import-run.js';
import { IGNORED, resolveMapping, type ImportKind, type ImportMapping } from './mapping.js';
import { CellError, cellText, countryCell, customFieldCell, kindCell, listCell, rolesCell, upperCodeCell } from './values.js';

export interface ImportDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly readStore: ReadStore;
  readonly catalogue: Catalogue;
  readonly clock: { now(): Date };
  /**
   * The codec's key store (the cached one): when given, the keys of the
   * records a batch of lines creates are made in one write ahead of the
   * commands, instead of one synced write per command.
   */
  readonly keys?: { getOrCreate(subjectIds: readonly string[]): Promise<unknown> };
}

export interface ImportRequest {
  readonly kind: ImportKind;
  readonly bytes: Uint8Array;
  readonly fileName?: string | null;
  /** Column header → field; headers it leaves out are recognised by their usual names unless `autoMap` is false. */
  readonly mapping?: ImportMapping;
  readonly autoMap?: boolean;
  readonly delimiter?: ImportDelimiter;
  readonly encoding?: ImportEncoding;
  /** Country of phone and VAT numbers written without their international prefix. */
  readonly defaultCountry?: string | null;
  readonly matchOrder?: readonly MatchKeyKind[];
  /** Roles of a new third party whose line gives none (default CUSTOMER). */
  readonly defaultRoles?: readonly ThirdPartyRole[];
  readonly dryRun?: boolean;
  /** Who the journal shows: a user id. */
  readonly actorId: string;
  /** Ignore the run record of an earlier run of the same file (its commands stay idempotent). */
  readonly restart?: boolean;
  /** Lines between two writes of the run record (default 500). */
  readonly checkpointEvery?: number;
  readonly onStart?: (total: number) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

export const importOutcomes = ['created', 'updated', 'unchanged', 'rejected', 'skipped'] as const;
export type ImportOutcome = (typeof importOutcomes)[number];

export interface ImportProblem {
  /** The field of the command (`email`, `address.country`, `thirdParty`). */
  readonly field: string;
  /** The column header it came from, when one did. */
  readonly column: string | null;
  readonly reason: string;
}

export interface ImportSuggestion {
  readonly id: string;
  readonly name: string;
  readonly score: number;
}

export interface ImportLineReport {
  readonly line: number;
  readonly outcome: ImportOutcome;
  /** The third party or contact created, updated or matched. */
  readonly id: string | null;
  readonly name: string | null;
  /** How an existing record was found: the key and the earlier line of this file, if it came from one. */
  readonly matchedBy: { readonly kind: MatchKeyKind | 'name'; readonly value: string; readonly line: number | null } | null;
  readonly changes: readonly FieldChange[];
  readonly problems: readonly ImportProblem[];
  /** Created records whose name is close to an existing one: possible duplicates to review. */
  readonly suggestions: readonly ImportSuggestion[];
}

export interface ImportReport {
  readonly kind: ImportKind;
  readonly fileName: string | null;
  readonly fileSha256: string;
  readonly encoding: ImportEncoding;
  readonly bom: boolean;
  readonly delimiter: ImportDelimiter;
  readonly columns: readonly { readonly column: string; readonly field: string }[];
  readonly dryRun: boolean;
  /** The run record said lines up to this one were done: they were skipped. */
  readonly resumedAfterLine: number | null;
  readonly counts: Readonly<Record<ImportOutcome, number>> & { readonly suggested: number };
  readonly lines: readonly ImportLineReport[];
  readonly durationMs: number;
}

const DEFAULT_CHECKPOINT_EVERY = 500;
/** Lines read ahead of their commands, so the data subjects' keys of a batch are created in one write. */
const PREPARE_BATCH = 500;

type Prepared = { readonly row: TableRow; readonly cells: Cells; readonly problems: LineProblems; readonly skip: boolean } & (
  | { readonly kind: 'thirdParties'; readonly input: ThirdPartyInput }
  | { readonly kind: 'contacts'; readonly input: ContactInput }
);

/** Documents of a read model, in pages, for the in-memory indexes. */
async function* allDocs<T extends Doc>(readStore: ReadStore, definition: { name: string; indexes: readonly string[] }): AsyncGenerator<T> {
  const collection = await readStore.collection<T>(definition);
  let after: string | null = null;
  for (;;) {
    const page = await collection.find({ first: 2000, after });
    for (const item of page.items) yield item.doc;
    if (!page.hasNextPage) return;
    after = page.endCursor;
  }
}


// ---------------------------------------------------------------------------
// The indexes: what Suivi holds, loaded once, then fed every line imported.

interface KnownThirdParty {
  readonly id: string;
  state: Extract<ThirdPartyState, { status: 'active' | 'archived' }>;
  /** The line of this file that created or last changed it (null: it was already in Suivi). */
  line: number | null;
}

interface KnownContact {
  readonly id: string;
  state: Extract<ContactState, { status: 'active' | 'archived' }>;
  line: number | null;
}

const isGone = (doc: Record<string, unknown>): boolean => Boolean(doc['forgottenAt']) || Boolean(doc['mergedInto']);

function thirdPartyStateOf(doc: DirectoryEntry): KnownThirdParty['state'] {
  const profile: ThirdPartyProfile = {
    name: doc.name,
    kind: doc.kind,
    roles: doc.roles,
    prospectStatus: doc.prospectStatus,
    leadSource: doc.leadSource,
    territory: doc.territory,
    vatNumber: doc.vatNumber,
    email: doc.email,
    phone: doc.phone,
    website: doc.website,
    address: doc.address,
    paymentTerms: doc.paymentTerms,
    customFields: doc.customFields,
  };
  return {
    status: doc.archived ? 'archived' : 'active',
    thirdPartyId: doc.id,
    registeredAt: doc.registeredAt,
    ownerId: doc.ownerId,
    categories: doc.categories,
    tags: doc.tags,
    profile,
    convertedAt: doc.convertedAt,
  };
}

function contactStateOf(doc: ContactEntry): KnownContact['state'] {
  const profile: ContactProfile = {
    firstName: doc.firstName,
    lastName: doc.lastName,
    jobTitle: doc.jobTitle,
    email: doc.email,
    phone: doc.phone,
    mobile: doc.mobile,
    preferredLanguage: doc.preferredLanguage,
    preferredChannel: doc.preferredChannel,
    notes: doc.notes,
  };
  return { status: doc.archived ? 'archived' : 'active', contactId: doc.id, thirdPartyId: doc.thirdPartyId, addedAt: doc.addedAt, profile };
}

class ThirdPartyIndex {
  readonly byId = new Map<string, KnownThirdParty>();
  readonly keys: MatchIndex<string>;
  readonly names = new NameIndex<string>();
  /** Exact normalised names: how a contact line names its company. */
  readonly byName = new Map<string, string>();

  constructor(options: { defaultCountry: string | null; order?: readonly MatchKeyKind[] }) {
    this.keys = new MatchIndex<string>({ defaultCountry: options.defaultCountry, ...(options.order ? { order: options.order } : {}) });
  }

  remember(known: KnownThirdParty): void {
    this.byId.set(known.id, known);
    const p = known.state.profile;
    // Extend, not re-key: a later line still matches on the email the record had before this import changed it.
    this.keys.extend(known.id, p);
    const name = normaliseCompanyName(p.name);
    if (name !== '' && !this.byName.has(name)) {
      this.byName.set(name, known.id);
      this.names.add(known.id, p.name);
    }
  }
}

/**
 * Contacts match within their third party (one person at two companies is two
 * contacts): by normalised email, then phone or mobile in E.164, then — for a
 * line without an email — the same full name.
 */
class ContactIndex {
  readonly byId = new Map<string, KnownContact>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly defaultCountry: string | null) {}

  remember(known: KnownContact): void {
    this.byId.set(known.id, known);
    for (const key of this.keysOf(known.state.thirdPartyId, known.state.profile)) if (!this.byKey.has(key.string)) this.byKey.set(key.string, known.id);
  }

  find(thirdPartyId: string, profile: ContactInput): { id: string; key: { kind: 'email' | 'phone' | 'name'; value: string } } | null {
    for (const key of this.keysOf(thirdPartyId, profile)) {
      if (key.kind === 'name' && profile.email) continue;
      const id = this.byKey.get(key.string);
      if (id !== undefined) return { id, key: { kind: key.kind, value: key.value } };
    }
    return null;
  }

  private keysOf(
    thirdPartyId: string,
    p: { email?: string | null; phone?: string | null; mobile?: string | null; firstName?: string | null; lastName?: string | null },
  ): { kind: 'email' | 'phone' | 'name'; value: string; string: string }[] {
    const keys: { kind: 'email' | 'phone' | 'name'; value: string; string: string }[] = [];
    const add = (kind: 'email' | 'phone' | 'name', value: string | null): void => {
      if (value !== null && value !== '') keys.push({ kind, value, string: `${thirdPartyId}|${kind}|${value}` });
    };
    add('email', normaliseEmail(p.email));
    add('phone', normalisePhone(p.phone, this.defaultCountry));
    add('phone', normalisePhone(p.mobile, this.defaultCountry));
    if (p.lastName) add('name', personName(`${p.firstName ?? ''} ${p.lastName}`));
    return keys;
  }
}

/** A person's name without case, accents or punctuation (no legal forms to drop, unlike a company's). */
const personName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

// ---------------------------------------------------------------------------
// Lines → command inputs

type Cells = Map<string, { value: string; column: string }>;

function cellsOf(row: TableRow, header: readonly string[], columns: Map<number, string>): Cells {
  const cells: Cells = new Map();
  for (const [index, field] of columns) {
    if (field === IGNORED) continue;
    const value = row.cells[index];
    if (value !== undefined && value.trim() !== '') cells.set(field, { value, column: header[index]! });
  }
  return cells;
}

class LineProblems {
  readonly list: ImportProblem[] = [];

  constructor(
    private readonly cells: Cells,
    /** Field → the header of its column, for fields whose cell is empty. */
    private readonly columns: ReadonlyMap<string, string>,
  ) {}

  add(field: string, reason: string): void {
    this.list.push({ field, column: this.columnOf(field), reason });
  }

  columnOf(field: string): string | null {
    return this.cells.get(field)?.column ?? this.columns.get(field) ?? (field.startsWith('address.') ? null : (this.columns.get(field.split('.')[0]!) ?? null));
  }

  /** Reads a cell with a parser, recording its error against the field instead of throwing. */
  read<T>(field: string, parse: (raw: string | undefined) => T): T | undefined {
    try {
      return parse(this.cells.get(field)?.value);
    } catch (error) {
      if (error instanceof CellError) {
        this.add(field, error.message);
        return undefined;
      }
      throw error;
    }
  }
}

/** `www.acme.fr` as spreadsheets hold it is `https://www.acme.fr` to the domain. */
const websiteCell = (raw: string | undefined): string | undefined => {
  const value = cellText(raw);
  if (value === undefined) return undefined;
  return /^https?:\/\//i.test(value) ? value : `https://${value.replace(/^\/+/, '')}`;
};

/** Normalised when it can be, as typed otherwise: the decider then names what is wrong with it. */
const emailCell = (raw: string | undefined): string | undefined => {
  const value = cellText(raw);
  return value === undefined ? undefined : (normaliseEmail(value) ?? value);
};

const phoneCell =
  (country: string | null) =>
  (raw: string | undefined): string | undefined => {
    const value = cellText(raw);
    return value === undefined ? undefined : (normalisePhone(value, country) ?? value);
  };

const vatCell =
  (country: string | null) =>
  (raw: string | undefined): string | undefined => {
    const value = cellText(raw);
    return value === undefined ? undefined : (normaliseVatNumber(value, country) ?? value);
  };

type ThirdPartyInput = Omit<RegisterThirdParty['data'], 'thirdPartyId' | 'catalogue' | 'name' | 'kind' | 'roles'> & {
  name?: string;
  kind?: ThirdPartyKind;
  roles?: ThirdPartyRole[];
};

function thirdPartyInputOf(cells: Cells, problems: LineProblems, catalogue: Catalogue, country: string | null): ThirdPartyInput {
  const input: Record<string, unknown> = {};
  const set = (field: string, value: unknown): void => {
    if (value !== undefined) input[field] = value;
  };
  set('name', problems.read('name', cellText));
  set('kind', problems.read('kind', kindCell));
  set('roles', problems.read('roles', rolesCell));
  set('prospectStatus', problems.read('prospectStatus', upperCodeCell));
  set('leadSource', problems.read('leadSource', cellText));
  set('territory', problems.read('territory', cellText));
  set('vatNumber', problems.read('vatNumber', vatCell(country)));
  set('email', problems.read('email', emailCell));
  set('phone', problems.read('phone', phoneCell(country)));
  set('website', problems.read('website', websiteCell));
  set('paymentTerms', problems.read('paymentTerms', cellText));
  set('categories', problems.read('categories', listCell));
  set('tags', problems.read('tags', listCell));
  const address: Record<string, string> = {};
  for (const part of ['street', 'postalCode', 'city', 'region'] as const) {
    const value = problems.read(`address.${part}`, cellText);
    if (value !== undefined) address[part] = value;
  }
  const countryValue = problems.read('address.country', countryCell);
  if (countryValue !== undefined) address['country'] = countryValue;
  if (Object.keys(address).length > 0) input['address'] = address;
  const customFields: Record<string, CustomFieldValue> = {};
  for (const definition of catalogue.customFields) {
    const value = problems.read(`customFields.${definition.key}`, (raw) => customFieldCell(definition, raw));
    if (value !== undefined) customFields[definition.key] = value;
  }
  if (Object.keys(customFields).length > 0) input['customFields'] = customFields;
  return input as ThirdPartyInput;
}

/** Two values of a field are the same when their normalised forms are: `01 23…` and `+331 23…` make no change. */
function sameValue(field: string, from: unknown, to: unknown, country: string | null): boolean {
  if (typeof from === 'string' && typeof to === 'string') {
    if (field === 'email') return normaliseEmail(from) === normaliseEmail(to);
    if (field === 'phone' || field === 'mobile') return (normalisePhone(from, country) ?? from) === (normalisePhone(to, country) ?? to);
    // "ACME S.A." and "Acme": the same name; an import does not flip between a file's spelling and Suivi's.
    if (field === 'name') return normaliseCompanyName(from) === normaliseCompanyName(to) && normaliseCompanyName(to) !== '';
    if (field === 'vatNumber') return (normaliseVatNumber(from, country) ?? from) === (normaliseVatNumber(to, country) ?? to);
    return from.trim() === to.trim();
  }
  return JSON.stringify(from ?? null) === JSON.stringify(to ?? null);
}

/**
 * The UpdateThirdParty fields that differ from what Suivi holds: fields the
 * line leaves empty stay as they are; roles, categories and tags are added to,
 * never taken away (an import knows nothing of what else the record is).
 */
function thirdPartyChangesOf(current: KnownThirdParty['state'], input: ThirdPartyInput, country: string | null): { update: Partial<UpdateThirdParty['data']>; categorise: { categories?: string[]; tags?: string[] } } {
  const p = current.profile;
  const update: Record<string, unknown> = {};
  for (const field of ['name', 'kind', 'prospectStatus', 'leadSource', 'territory', 'vatNumber', 'email', 'phone', 'website', 'paymentTerms'] as const) {
    const value = input[field];
    if (value !== undefined && !sameValue(field, p[field], value, country)) update[field] = value;
  }
  if (input.roles !== undefined) {
    const roles = thirdPartyRoles.filter((role) => p.roles.includes(role) || input.roles!.includes(role));
    if (roles.length !== p.roles.length) update['roles'] = roles;
  }
  if (input.address) {
    const address: Record<string, unknown> = {};
    for (const [part, value] of Object.entries(input.address)) {
      if (value !== undefined && !sameValue(part, p.address?.[part as keyof typeof p.address] ?? null, value, country)) address[part] = value;
    }
    if (Object.keys(address).length > 0) update['address'] = address;
  }
  if (input.customFields) {
    const fields: Record<string, CustomFieldValue> = {};
    for (const [key, value] of Object.entries(input.customFields)) if ((p.customFields[key] ?? null) !== value) fields[key] = value;
    if (Object.keys(fields).length > 0) update['customFields'] = fields;
  }
  const categorise: { categories?: string[]; tags?: string[] } = {};
  const union = (have: readonly string[], add: readonly string[] | undefined): string[] | undefined => {
    if (add === undefined) return undefined;
    const next = [...have, ...add.filter((item) => !have.includes(item))];
    return next.length === have.length ? undefined : next;
  };
  const categories = union(current.categories, input.categories);
  const tags = union(current.tags, input.tags);
  if (categories) categorise.categories = categories;
  if (tags) categorise.tags = tags;
  return { update: update as Partial<UpdateThirdParty['data']>, categorise };
}

type ContactInput = Omit<AddContact['data'], 'contactId' | 'thirdParty' | 'lastName'> & { lastName?: string };

function contactInputOf(cells: Cells, problems: LineProblems, country: string | null): ContactInput {
  const input: Record<string, unknown> = {};
  const set = (field: string, value: unknown): void => {
    if (value !== undefined) input[field] = value;
  };
  for (const field of ['firstName', 'lastName', 'jobTitle', 'notes'] as const) set(field, problems.read(field, cellText));
  set('email', problems.read('email', emailCell));
  set('phone', problems.read('phone', phoneCell(country)));
  set('mobile', problems.read('mobile', phoneCell(country)));
  set('preferredLanguage', problems.read('preferredLanguage', cellText));
  set('preferredChannel', problems.read('preferredChannel', upperCodeCell));
  return input as ContactInput;
}

// ---------------------------------------------------------------------------

const emptyCounts = (): Record<ImportOutcome, number> & { suggested: number } => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  skipped: 0,
  suggested: 0,
});

/** A refusal of the domain, as a problem of the line; anything else (the store failing) stops the import. */
function problemOf(error: unknown, problems: LineProblems, fieldPrefix = ''): boolean {
  if (error instanceof InvalidInput) {
    problems.add(`${fieldPrefix}${error.field}`, error.message.slice(error.field.length + 2));
    return true;
  }
  if (error instanceof DomainError) {
    problems.add(fieldPrefix === '' ? 'line' : fieldPrefix.slice(0, -1), error.message);
    return true;
  }
  return false;
}

/**
 * Imports one CSV file as ordinary commands, one line after the other:
 * decode, parse, map, match against what Suivi holds (and what earlier lines
 * created), then register or update through handleCommand. Every command's
 * idempotency key — and every new record's id — derives from the file's
 * SHA-256 and the line, so a second run of the same file changes nothing and a
 * run after a crash replays harmlessly what the first had done.
 *
 * The read models (directory, contacts) must be caught up with the log first:
 * they are the memory of what exists.
 */
export async function importCsv(deps: ImportDeps, request: ImportRequest): Promise<ImportReport> {
  const started = performance.now();
  const dryRun = request.dryRun === true;
  const country = request.defaultCountry ? request.defaultCountry.toUpperCase() : null;
  const fileSha256 = createHash('sha256').update(request.bytes).digest('hex');
  const decoded = decodeImportFile(request.bytes, request.encoding);
  const delimiter = request.delimiter ?? detectDelimiter(decoded.text);
  const table = parseImportTable(decoded.text, delimiter);
  const columns = resolveMapping(request.kind, table.header, request.mapping ?? {}, deps.catalogue, { auto: request.autoMap !== false });
  const mappedFields = new Set(columns.values());
  const fieldColumns = new Map([...columns].filter(([, field]) => field !== IGNORED).map(([index, field]) => [field, table.header[index]!]));
  if (request.kind === 'thirdParties' && !mappedFields.has('name')) {
    throw new ImportSetupError('mapping', `no column maps to name (columns: ${table.header.join(', ')}); map one with "COLUMN=name"`);
  }
  if (request.kind === 'contacts') {
    if (!mappedFields.has('lastName')) throw new ImportSetupError('mapping', `no column maps to lastName (columns: ${table.header.join(', ')})`);
    if (![...mappedFields].some((f) => f.startsWith('thirdParty'))) {
      throw new ImportSetupError('mapping', `no column names the contact's third party: map one to thirdParty (a name, VAT number or email)`);
    }
  }

  const runs = dryRun ? null : await ImportRuns.open(deps.readStore);
  if (runs !== null && request.restart === true) await runs.forget(request.kind, fileSha256);
  const earlier = runs === null ? null : await runs.get(request.kind, fileSha256);
  const resumeAfter = earlier !== null && earlier.lastLine > 0 ? earlier.lastLine : null;

  const thirdParties = new ThirdPartyIndex({ defaultCountry: country, ...(request.matchOrder ? { order: request.matchOrder } : {}) });
  for await (const doc of allDocs<DirectoryEntry>(deps.readStore, directoryCollection)) {
    if (!isGone(doc)) thirdParties.remember({ id: doc.id, state: thirdPartyStateOf(doc), line: null });
  }
  const contacts = new ContactIndex(country);
  if (request.kind === 'contacts') {
    for await (const doc of allDocs<ContactEntry>(deps.readStore, contactsCollection)) {
      if (!isGone(doc)) contacts.remember({ id: doc.id, state: contactStateOf(doc), line: null });
    }
  }

  const now = deps.clock.now();
  const runKey = `import:${request.kind}:${fileSha256}`;
  const correlationId = uuidV5(runKey);
  const contextOf = (line: number, step = ''): CommandContext => {
    const idempotencyKey = `${runKey}:${line}${step}`;
    return { actorId: request.actorId, now, commandId: uuidV5(`command:${request.actorId}:${idempotencyKey}`), correlationId, causationId: null, source: 'import', idempotencyKey };
  };
  const writeDeps = { store: deps.store, codec: deps.codec };
  const defaultRoles = request.defaultRoles ?? ['CUSTOMER'];

  const counts = emptyCounts();
  const lines: ImportLineReport[] = [];
  const record: ImportRunRecord = {
    id: importRunId(request.kind, fileSha256),
    kind: request.kind,
    fileSha256,
    fileName: request.fileName ?? null,
    actorId: request.actorId,
    startedAt: earlier?.startedAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    lastLine: earlier?.lastLine ?? 0,
    completedAt: earlier?.completedAt ?? null,
    counts: {},
  };
  const checkpointEvery = request.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const saveRun = async (lastLine: number, completed: boolean): Promise<void> => {
    if (runs === null) return;
    const at = deps.clock.now().toISOString();
    await runs.save({ ...record, lastLine, updatedAt: at, completedAt: completed ? (record.completedAt ?? at) : record.completedAt, counts: { ...counts } });
  };

  // Whether the last command had been handled by an earlier run of this file (found by its idempotency key).
  let replayed = false;
  const total = table.rows.length;
  request.onStart?.(total);
  let done = 0;
  for (let start = 0; start < table.rows.length; start += PREPARE_BATCH) {
    const batch = table.rows.slice(start, start + PREPARE_BATCH).map((row) => prepare(row));
    if (!dryRun && deps.keys !== undefined) await deps.keys.getOrCreate(newSubjectsOf(batch));
    for (const prepared of batch) {
      done++;
      const { row, cells, problems } = prepared;
      let report: ImportLineReport;
      if (prepared.skip) {
        report = lineReport(row.line, 'skipped');
      } else if (row.cells.length !== table.header.length) {
        problems.add('line', `has ${row.cells.length} fields where the header has ${table.header.length} (a delimiter inside an unquoted value?)`);
        report = lineReport(row.line, 'rejected', { problems: problems.list });
      } else if (prepared.kind === 'thirdParties') {
        report = await importThirdPartyLine(row.line, prepared.input, problems);
      } else {
        report = await importContactLine(row.line, cells, prepared.input, problems);
      }
      counts[report.outcome]++;
      if (report.suggestions.length > 0) counts.suggested++;
      lines.push(report);
      if (!dryRun && done % checkpointEvery === 0) await saveRun(row.line, false);
      if (done % 100 === 0 || done === total) request.onProgress?.(done, total);
    }
  }
  if (!dryRun) await saveRun(table.rows.at(-1)?.line ?? 0, true);

  return {
    kind: request.kind,
    fileName: request.fileName ?? null,
    fileSha256,
    encoding: decoded.encoding,
    bom: decoded.bom,
    delimiter,
    columns: [...columns].sort(([a], [b]) => a - b).map(([index, field]) => ({ column: table.header[index]!, field })),
    dryRun,
    resumedAfterLine: resumeAfter,
    counts,
    lines,
    durationMs: performance.now() - started,
  };

  // -------------------------------------------------------------------------

  /** A line read into a command input, before any command: what the key pre-creation looks at. */
  function prepare(row: TableRow): Prepared {
    const cells = cellsOf(row, table.header, columns);
    const problems = new LineProblems(cells, fieldColumns);
    const skip = resumeAfter !== null && row.line <= resumeAfter;
    if (skip) return { kind: 'thirdParties', row, cells, problems, skip, input: {} };
    return request.kind === 'thirdParties'
      ? { kind: 'thirdParties', row, cells, problems, skip, input: thirdPartyInputOf(cells, problems, deps.catalogue, country) }
      : { kind: 'contacts', row, cells, problems, skip, input: contactInputOf(cells, problems, country) };
  }

  /**
   * The data subjects the batch will likely create: lines that match nothing
   * yet. Their keys are created in one write (the key store syncs every write
   * to disk) instead of one per line; a line an earlier line of the same batch
   * turns into an update leaves a key no event uses, which costs nothing.
   */
  function newSubjectsOf(batch: readonly Prepared[]): string[] {
    const subjects: string[] = [];
    for (const p of batch) {
      if (p.skip || p.problems.list.length > 0) continue;
      if (p.kind === 'thirdParties') {
        if (p.input.name !== undefined && thirdParties.keys.find(p.input) === null) {
          subjects.push(dataSubjects.thirdParty(idempotentEntityId(`${runKey}:${p.row.line}`, 'thirdParty')));
        }
      } else if (p.input.lastName !== undefined) {
        const thirdPartyId = resolveThirdParty(p.cells, new LineProblems(p.cells, fieldColumns));
        if (thirdPartyId !== null && contacts.find(thirdPartyId, p.input) === null) {
          subjects.push(dataSubjects.contact(idempotentEntityId(`${runKey}:${p.row.line}`, 'contact')));
        }
      }
    }
    return subjects;
  }

  async function importThirdPartyLine(line: number, input: ThirdPartyInput, problems: LineProblems): Promise<ImportLineReport> {
    if (problems.list.length > 0) return lineReport(line, 'rejected', { name: input.name ?? null, problems: problems.list });
    const match = thirdParties.keys.find(input);
    if (match === null) return registerThirdParty(line, input, problems);
    const known = thirdParties.byId.get(match.id)!;
    const matchedBy = { ...match.key, line: known.line };
    const { update, categorise } = thirdPartyChangesOf(known.state, input, country);
    const hasUpdate = Object.keys(update).length > 0;
    const hasCategorise = Object.keys(categorise).length > 0;
    if (!hasUpdate && !hasCategorise) return lineReport(line, 'unchanged', { id: known.id, name: known.state.profile.name, matchedBy });
    const streamName = streams.thirdParty(known.id);
    const changes: FieldChange[] = [];
    let state: ThirdPartyState = known.state;
    try {
      if (hasUpdate) {
        const command: UpdateThirdParty = { type: 'UpdateThirdParty', data: { thirdPartyId: known.id, ...update, catalogue: deps.catalogue } };
        state = await run(streamName, command, state, contextOf(line), (events) => changes.push(...events.flatMap(changesOf)));
      }
      if (hasCategorise) {
        state = await run(streamName, { type: 'CategoriseThirdParty', data: { thirdPartyId: known.id, ...categorise } }, state, contextOf(line, ':categories'), (events) =>
          changes.push(...events.flatMap(changesOf)),
        );
      }
    } catch (error) {
      if (problemOf(error, problems)) return lineReport(line, 'rejected', { id: known.id, name: known.state.profile.name, matchedBy, problems: problems.list });
      throw error;
    }
    if (state.status === 'active' || state.status === 'archived') {
      known.state = state;
      known.line = line;
      thirdParties.remember(known);
    }
    return lineReport(line, changes.length > 0 && !replayed ? 'updated' : 'unchanged', { id: known.id, name: known.state.profile.name, matchedBy, changes });
  }

  async function registerThirdParty(line: number, input: ThirdPartyInput, problems: LineProblems): Promise<ImportLineReport> {
    const thirdPartyId = idempotentEntityId(`${runKey}:${line}`, 'thirdParty');
    const command: RegisterThirdParty = {
      type: 'RegisterThirdParty',
      data: { ...input, thirdPartyId, name: input.name ?? '', kind: input.kind ?? 'COMPANY', roles: input.roles ?? [...defaultRoles], catalogue: deps.catalogue },
    };
    const suggestions = thirdParties.names.similar(command.data.name).map(({ id, name, score }) => ({ id, name, score: Math.round(score * 100) / 100 }));
    let state: ThirdPartyState;
    try {
      if (input.name === undefined) throw new InvalidInput('name', 'is required');
      state = await run(streams.thirdParty(thirdPartyId), command, thirdPartyDecider.initialState(), contextOf(line), () => undefined);
    } catch (error) {
      if (problemOf(error, problems)) return lineReport(line, 'rejected', { name: input.name ?? null, problems: problems.list });
      throw error;
    }
    if (state.status === 'active' || state.status === 'archived') thirdParties.remember({ id: thirdPartyId, state, line });
    // Created by an earlier run of this file (a crash, or --restart): nothing new, and no longer a suggestion.
    if (replayed) return lineReport(line, 'unchanged', { id: thirdPartyId, name: command.data.name });
    return lineReport(line, 'created', { id: thirdPartyId, name: command.data.name, suggestions });
  }

  async function importContactLine(line: number, cells: Cells, input: ContactInput, problems: LineProblems): Promise<ImportLineReport> {
    const thirdPartyId = resolveThirdParty(cells, problems);
    const name = input.lastName ? `${input.firstName ? `${input.firstName} ` : ''}${input.lastName}` : null;
    if (problems.list.length > 0 || thirdPartyId === null) return lineReport(line, 'rejected', { name, problems: problems.list });
    const match = contacts.find(thirdPartyId, input);
    try {
      if (match === null) {
        const contactId = idempotentEntityId(`${runKey}:${line}`, 'contact');
        const known = thirdParties.byId.get(thirdPartyId)!;
        const command: AddContact = {
          type: 'AddContact',
          data: { ...input, lastName: input.lastName ?? '', contactId, thirdParty: { thirdPartyId, status: known.state.status } },
        };
        const state = await run(streams.contact(contactId), command, contactDecider.initialState(), contextOf(line), () => undefined);
        if (state.status === 'active' || state.status === 'archived') contacts.remember({ id: contactId, state, line });
        return lineReport(line, replayed ? 'unchanged' : 'created', { id: contactId, name });
      }
      const known = contacts.byId.get(match.id)!;
      const matchedBy = { ...match.key, line: known.line };
      const update: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(input)) {
        if (value !== undefined && !sameValue(field, known.state.profile[field as keyof ContactProfile], value, country)) update[field] = value;
      }
      const displayName = `${known.state.profile.firstName ? `${known.state.profile.firstName} ` : ''}${known.state.profile.lastName}`;
      if (Object.keys(update).length === 0) return lineReport(line, 'unchanged', { id: known.id, name: displayName, matchedBy });
      const changes: FieldChange[] = [];
      const command: UpdateContact = { type: 'UpdateContact', data: { contactId: known.id, ...update } };
      const state = await run(streams.contact(known.id), command, known.state, contextOf(line), (events) => changes.push(...events.flatMap(changesOf)));
      if (state.status === 'active' || state.status === 'archived') {
        known.state = state;
        known.line = line;
        contacts.remember(known);
      }
      return lineReport(line, changes.length > 0 && !replayed ? 'updated' : 'unchanged', { id: known.id, name: displayName, matchedBy, changes });
    } catch (error) {
      if (problemOf(error, problems)) return lineReport(line, 'rejected', { name, problems: problems.list });
      throw error;
    }
  }

  /**
   * The contact's third party, from the columns that name it: VAT number, then
   * email (exact, or domain with the name), then the exact normalised name. A
   * single `thirdParty` column is read by its shape.
   */
  function resolveThirdParty(cells: Cells, problems: LineProblems): string | null {
    const given = cells.get('thirdParty')?.value.trim();
    const record = {
      name: cells.get('thirdParty.name')?.value ?? null,
      vatNumber: cells.get('thirdParty.vatNumber')?.value ?? null,
      email: cells.get('thirdParty.email')?.value ?? null,
    };
    if (given) {
      if (given.includes('@')) record.email ??= given;
      else if (normaliseVatNumber(given, null) !== null && /\d{5}/.test(given)) record.vatNumber ??= given;
      else record.name ??= given;
    }
    const byKey = thirdParties.keys.find(record);
    const id = byKey?.id ?? (record.name ? thirdParties.byName.get(normaliseCompanyName(record.name)) : undefined) ?? null;
    const field = given ? 'thirdParty' : record.vatNumber ? 'thirdParty.vatNumber' : record.email ? 'thirdParty.email' : 'thirdParty.name';
    if (!given && !record.name && !record.vatNumber && !record.email) {
      problems.add('thirdParty', 'is required: the line names no third party');
      return null;
    }
    if (id === null) {
      problems.add(field, `no third party in Suivi matches "${given ?? record.vatNumber ?? record.email ?? record.name}"`);
      return null;
    }
    const known = thirdParties.byId.get(id)!;
    if (known.state.status !== 'active') {
      problems.add(field, `third party "${known.state.profile.name}" is archived`);
      return null;
    }
    return id;
  }

  /**
   * One command: decided in memory on the state the indexes hold for a dry
   * run, through handleCommand (which reads the stream and decides again on
   * it) for a real one. Returns the state after it.
   */
  async function run<State, Command extends { type: string; data: unknown }>(
    streamName: string,
    command: Command,
    state: State,
    context: CommandContext,
    onEvents: (events: readonly { type: string; data: unknown }[]) => void,
  ): Promise<State> {
    const decider = (streamName.startsWith('contact-') ? contactDecider : thirdPartyDecider) as unknown as {
      decide: (c: Command, s: State, ctx: CommandContext) => { type: string; data: unknown }[];
      evolve: (s: State, e: { type: string; data: unknown }) => State;
    };
    replayed = false;
    if (dryRun) {
      const events = decider.decide(command, state, context);
      onEvents(events);
      return events.reduce(decider.evolve, state);
    }
    const result = await handleCommand(writeDeps, decider as never, streamName, command as never, context);
    replayed = result.replayed;
    onEvents(result.events as unknown as { type: string; data: unknown }[]);
    return result.state as State;
  }
}

function changesOf(event: { type: string; data: unknown }): FieldChange[] {
  const data = event.data as { changes?: FieldChange[] };
  return data.changes ?? [];
}

function lineReport(line: number, outcome: ImportOutcome, details: Partial<Omit<ImportLineReport, 'line' | 'outcome'>> = {}): ImportLineReport {
  return {
    line,
    outcome,
    id: details.id ?? null,
    name: details.name ?? null,
    matchedBy: details.matchedBy ?? null,
    changes: details.changes ?? [],
    problems: details.problems ?? [],
    suggestions: details.suggestions ?? [],
  };
}

