import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { InvalidInput, parseMatchKeyOrder, type MatchKeyKind, thirdPartyRoles, type Catalogue, type ThirdPartyRole } from '#domain';
import type { EventCodec, EventStore, SubjectKeyStore } from '#event-store';
import {
  importCsv,
  ImportSetupError,
  MalformedImportFile,
  parseImportDelimiter,
  SavedImportMappings,
  type Clock,
  type ImportKind,
  type ImportReport,
} from '#platform';
import { DirectoryQueries, ExchangeQueries, projections, type DirectoryEntry, type ExchangeEntry } from '#projections';
import type { ReadStore } from '#read-store';
import type { Viewer } from '#security';
import { forbidden } from '../auth/access.guard.js';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { toFieldChanges } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { ExchangeVisibility } from '../exchange/exchange-visibility.js';
import { CATALOGUE, CLOCK, CODEC, EVENT_STORE, READ_STORE, SUBJECT_KEYS } from '../infrastructure/tokens.js';
import { optionalEntityId } from '../shared/input.js';
import { customFieldValues } from '../third-party/custom-fields.js';
import {
  ExchangeFilter,
  ExportFile,
  ExportFormatInput,
  ImportContactsInput,
  ImportReportPayload,
  ImportThirdPartiesInput,
  ThirdPartyFilter,
} from './import-export.types.js';

/** Inline CSV is for small files; the command line takes any size, with a progress bar and resumption. */
export const INLINE_CSV_MAX_BYTES = 512 * 1024;
export const INLINE_CSV_MAX_LINES = 1_000;
/** Exports are built in memory and returned in one response. */
export const EXPORT_MAX_ROWS = 50_000;
const READ_PAGE = 100;

const IMPORT_READ_MODELS = ['directory', 'contacts'];

const csvOf = (rows: unknown[][], columns: string[], excel: boolean): string =>
  stringify(rows, { header: true, columns, delimiter: excel ? ';' : ',', bom: excel, record_delimiter: excel ? 'windows' : 'unix' });

const list = (values: readonly string[] | null | undefined): string => (values ?? []).join(', ');

/**
 * CSV in and out over GraphQL. Imports run the pipeline of `suivi import`
 * (same matching, same idempotency: the same text twice changes nothing) as
 * the caller; exports read through the list queries' own paths, so they hold
 * exactly what the caller's lists show — scope, exchange visibility and
 * confidential comments included.
 */
@Resolver()
export class ImportExportResolver {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CODEC) private readonly codec: EventCodec,
    @Inject(SUBJECT_KEYS) private readonly keys: SubjectKeyStore,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly consistency: ReadConsistency,
    private readonly directory: DirectoryQueries,
    private readonly exchanges: ExchangeQueries,
    private readonly visibility: ExchangeVisibility,
    private readonly journal: SecurityJournal,
  ) {}

  @Mutation(() => ImportReportPayload, {
    description:
      'Imports third parties from a small inline CSV (at most 512 KiB and 1,000 lines): a matching third party is updated (only the fields that differ), not duplicated. Needs thirdParties.create and thirdParties.update.',
  })
  async importThirdParties(@Args('input') input: ImportThirdPartiesInput, @Context('req') req: FastifyRequest): Promise<ImportReportPayload> {
    const defaultRoles = input.defaultRoles?.map((role, index) => {
      if (!(thirdPartyRoles as readonly string[]).includes(role)) throw new InvalidInput(`defaultRoles[${index}]`, `must be one of ${thirdPartyRoles.join(', ')}`);
      return role as ThirdPartyRole;
    });
    return this.import('thirdParties', input, req, defaultRoles);
  }

  @Mutation(() => ImportReportPayload, {
    description:
      'Imports contacts from a small inline CSV, each attached to the third party a column names (name, VAT number or email); a contact with the same email or phone at that third party is updated. Needs contacts.create and contacts.update.',
  })
  importContacts(@Args('input') input: ImportContactsInput, @Context('req') req: FastifyRequest): Promise<ImportReportPayload> {
    return this.import('contacts', input, req);
  }

  @Query(() => ExportFile, { description: 'The directory as CSV: the third parties `thirdParties` lists for this filter and this viewer, every page.' })
  async exportThirdParties(
    @Args('filter', { type: () => ThirdPartyFilter, nullable: true }) filter: ThirdPartyFilter | null,
    @Args('format', { type: () => ExportFormatInput, nullable: true }) format: ExportFormatInput | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ExportFile> {
    const { customFields, ...criteria } = filter ?? {};
    const values = customFields ? customFieldValues(customFields, this.catalogue, 'filter.customFields') : {};
    const viewer = viewerOf(req);
    const scope = viewer.scoped && viewer.scope !== null ? { scope: viewer.scope, userId: viewer.userId } : null;
    await this.consistency.await(req);
    const entries: DirectoryEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.directory.list({
        first: READ_PAGE,
        after,
        filter: { ...criteria, customFields: Object.entries(values).map(([key, value]) => ({ key, value })) },
        scope,
      });
      entries.push(...page.items.map((item) => item.doc));
      this.refuseTooLarge(entries.length);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    const custom = this.catalogue.customFields.map((f) => f.key);
    const columns = [
      'id', 'name', 'kind', 'roles', 'prospectStatus', 'vatNumber', 'email', 'phone', 'website',
      'street', 'postalCode', 'city', 'region', 'country', 'territory', 'leadSource', 'paymentTerms',
      'ownerId', 'categories', 'tags', ...custom.map((key) => `customFields.${key}`), 'archived', 'registeredAt', 'lastInteractionAt',
    ];
    const rows = entries.map((e) => [
      e.id, e.name, e.kind, list(e.roles), e.prospectStatus, e.vatNumber, e.email, e.phone, e.website,
      e.address?.street, e.address?.postalCode, e.address?.city, e.address?.region, e.address?.country, e.territory, e.leadSource, e.paymentTerms,
      e.ownerId, list(e.categories), list(e.tags), ...custom.map((key) => e.customFields[key]), e.archived, e.registeredAt, e.lastInteractionAt,
    ]);
    return this.file('third-parties', columns, rows, format);
  }

  @Query(() => ExportFile, {
    description:
      'The exchanges list as CSV: what `exchanges` lists for this filter and this viewer, every page; confidential comments only where the viewer may read them.',
  })
  async exportExchanges(
    @Args('filter', { type: () => ExchangeFilter, nullable: true }) filter: ExchangeFilter | null,
    @Args('format', { type: () => ExportFormatInput, nullable: true }) format: ExportFormatInput | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ExportFile> {
    const criteria = {
      ...filter,
      thirdPartyId: optionalEntityId('filter.thirdPartyId', filter?.thirdPartyId),
      contactId: optionalEntityId('filter.contactId', filter?.contactId),
    };
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const access = await this.visibility.access(viewer, criteria.thirdPartyId);
    if (viewer.scoped && criteria.thirdPartyId !== null && (await this.visibility.outOfScope(viewer, criteria.thirdPartyId))) {
      this.journal.record({ reason: 'outOfScope', operation: 'Query.exportExchanges', viewer, request: req });
    }
    const entries: ExchangeEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.exchanges.list({ first: READ_PAGE, after, filter: criteria }, access);
      entries.push(...page.items.map((item) => item.doc));
      this.refuseTooLarge(entries.length);
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    const names = new Map<string, string>();
    for (const id of new Set(entries.map((e) => e.thirdPartyId))) {
      const entry = await this.directory.get(id);
      if (entry !== null && viewer.sees(entry)) names.set(id, entry.name);
    }
    const columns = [
      'id', 'occurredAt', 'thirdPartyId', 'thirdPartyName', 'status', 'subject', 'mode', 'comment', 'confidentialComment',
      'contactIds', 'contactedBy', 'authorId', 'collaboratorIds', 'linkedDocumentType', 'linkedDocumentRef', 'loggedAt', 'updatedAt',
    ];
    const rows = entries.map((e) => [
      e.id, e.occurredAt, e.thirdPartyId, names.get(e.thirdPartyId) ?? '', e.status, e.subject, e.mode, e.comment,
      readsConfidential(viewer, e) ? e.confidentialComment : null,
      list(e.contactIds), e.contactedBy, e.authorId, list(e.collaboratorIds), e.linkedDocumentType, e.linkedDocumentRef, e.loggedAt, e.updatedAt,
    ]);
    return this.file('exchanges', columns, rows, format);
  }

  private refuseTooLarge(rows: number): void {
    if (rows > EXPORT_MAX_ROWS) {
      throw new InvalidInput('filter', `matches more than ${EXPORT_MAX_ROWS.toLocaleString('en')} records: narrow it (an export is returned in one response)`);
    }
  }

  private file(what: string, columns: string[], rows: unknown[][], format: ExportFormatInput | null): ExportFile {
    const day = this.clock.now().toISOString().slice(0, 10);
    return { filename: `suivi-${what}-${day}.csv`, contentType: 'text/csv; charset=utf-8', content: csvOf(rows, columns, format?.excel === true), rows: rows.length };
  }

  private async import(
    kind: ImportKind,
    input: ImportThirdPartiesInput | ImportContactsInput,
    req: FastifyRequest,
    defaultRoles?: ThirdPartyRole[],
  ): Promise<ImportReportPayload> {
    const viewer = viewerOf(req);
    const needed = kind === 'thirdParties' ? 'thirdParties.update' : 'contacts.update';
    // The access guard checked *.create; a match turns a line into an update.
    const operation = kind === 'thirdParties' ? 'importThirdParties' : 'importContacts';
    if (!viewer.can(needed)) throw forbidden(`${operation}: an import updates what matches, which needs the permission ${needed} as well`);
    if (viewer.scoped) {
      throw forbidden(`${operation}: an import matches against the whole directory, which a user limited to some third parties may not see`);
    }
    const bytes = Buffer.from(input.csv, 'utf8');
    if (bytes.length > INLINE_CSV_MAX_BYTES) {
      throw new InvalidInput('csv', `is ${bytes.length.toLocaleString('en')} bytes; inline CSV is limited to ${INLINE_CSV_MAX_BYTES.toLocaleString('en')} (import larger files with \`suivi import\`)`);
    }
    const lines = input.csv.split('\n').filter((line) => line.trim() !== '').length - 1;
    if (lines > INLINE_CSV_MAX_LINES) {
      throw new InvalidInput('csv', `has ${lines.toLocaleString('en')} lines; inline CSV is limited to ${INLINE_CSV_MAX_LINES.toLocaleString('en')} (import larger files with \`suivi import\`)`);
    }
    let matchOrder: MatchKeyKind[] | undefined;
    try {
      matchOrder = input.matchOrder ? parseMatchKeyOrder(input.matchOrder.join(',')) : undefined;
    } catch (error) {
      throw new InvalidInput('matchOrder', error instanceof Error ? error.message : String(error));
    }
    try {
      const saved = input.mappingName ? (await (await SavedImportMappings.open(this.readStore)).get(kind, input.mappingName)).mapping : {};
      const mapping = { ...saved, ...Object.fromEntries((input.mapping ?? []).map((m) => [m.column, m.field])) };
      await this.consistency.awaitHead(projections.filter((p) => IMPORT_READ_MODELS.includes(p.name.split('.')[0]!)).map((p) => p.name));
      const report = await importCsv(
        { store: this.store, readStore: this.readStore, codec: this.codec, keys: this.keys, catalogue: this.catalogue, clock: this.clock },
        {
          kind,
          bytes,
          fileName: null,
          mapping,
          autoMap: input.autoMap !== false,
          ...(input.delimiter ? { delimiter: parseImportDelimiter(input.delimiter) } : {}),
          defaultCountry: input.country ?? null,
          ...(matchOrder ? { matchOrder } : {}),
          ...(defaultRoles ? { defaultRoles } : {}),
          dryRun: input.dryRun === true,
          actorId: viewer.userId,
        },
      );
      return payloadOf(report, (await this.store.headPosition()) ?? 0n);
    } catch (error) {
      if (error instanceof MalformedImportFile) throw new InvalidInput('csv', error.message);
      if (error instanceof ImportSetupError) throw new InvalidInput(error.field === 'map' ? 'mapping' : error.field === 'mapping' && input.mappingName ? 'mappingName' : error.field, error.message.slice(error.field.length + 2));
      if (error instanceof Error && /^delimiter /.test(error.message)) throw new InvalidInput('delimiter', error.message);
      throw error;
    }
  }
}

/** The viewer reads a confidential comment as the exchange's own field resolver decides. */
const readsConfidential = (viewer: Viewer, entry: ExchangeEntry): boolean =>
  viewer.readsConfidential({ authorId: entry.authorId, confidentialGroupId: entry.confidentialGroupId });

function payloadOf(report: ImportReport, position: bigint): ImportReportPayload {
  return {
    position: position.toString(),
    fileSha256: report.fileSha256,
    delimiter: report.delimiter === '\t' ? 'tab' : report.delimiter,
    columns: report.columns.map((c) => ({ ...c })),
    dryRun: report.dryRun,
    ...report.counts,
    lines: report.lines.map((line) => ({
      line: line.line,
      outcome: line.outcome.toUpperCase(),
      id: line.id,
      name: line.name,
      matchedBy: line.matchedBy ? { ...line.matchedBy } : null,
      changes: toFieldChanges(line.changes),
      problems: line.problems.map((p) => ({ ...p })),
      suggestions: line.suggestions.map((s) => ({ ...s })),
    })),
  };
}
