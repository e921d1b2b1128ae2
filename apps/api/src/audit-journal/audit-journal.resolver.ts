import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { EventCodec, EventStore } from '#event-store';
import {
  AuditChainQueries,
  AuditJournalQueries,
  auditScopes,
  ExchangeQueries,
  hasConfidentialChange,
  revealedChanges,
  verifyAuditJournal,
  type AuditChainLink,
  type AuditEntry as AuditDoc,
  type AuditJournalVisibility,
  type AuditJournalVerification as Verification,
} from '#projections';
import type { ReadStore } from '#read-store';
import type { Viewer } from '#security';
import { forbidden } from '../auth/access.guard.js';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { toFieldChanges, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CODEC, EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { AuditEntry, AuditEntryConnection, AuditJournalFilter, AuditJournalVerification } from './audit-journal.types.js';

const toEntry = (doc: AuditDoc, link: AuditChainLink | undefined, readsConfidential: boolean): AuditEntry => ({
  id: doc.id,
  at: doc.at,
  action: doc.action,
  entityType: doc.entityType,
  entityId: doc.entityId,
  actor: user(doc.actorId),
  changes: toFieldChanges(revealedChanges(doc.changes, readsConfidential)),
  correlationId: doc.correlationId,
  causationId: doc.causationId,
  source: doc.source,
  commandId: doc.commandId,
  position: doc.position,
  hash: link?.hash ?? null,
  previousHash: link?.previousHash ?? null,
});

const toVerification = (result: Verification): AuditJournalVerification => ({
  ok: result.ok,
  checkedEvents: result.checkedEvents,
  checkedUpTo: result.checkedUpTo?.toString() ?? null,
  headHash: result.headHash,
  firstBreak:
    result.firstBreak === null
      ? null
      : { position: result.firstBreak.position.toString(), eventId: result.firstBreak.eventId, reason: result.firstBreak.reason },
});

@Resolver(() => AuditEntry)
export class AuditJournalResolver {
  /** The verification in progress: it reads the whole log, so concurrent requests share one run (and its checkedUpTo). */
  private verifying: Promise<Verification> | null = null;

  constructor(
    private readonly journal: AuditJournalQueries,
    private readonly chain: AuditChainQueries,
    private readonly exchanges: ExchangeQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly securityJournal: SecurityJournal,
    private readonly consistency: ReadConsistency,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CODEC) private readonly codec: EventCodec,
  ) {}

  @Query(() => AuditEntryConnection, {
    description:
      'Every recorded change of every entity, newest first: those of the third parties in the reader\'s scope (and what belongs to ' +
      'none, such as users and groups); refused attempts (entityType security) for administrators only.',
  })
  async auditJournal(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => AuditJournalFilter, nullable: true }) filter: AuditJournalFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<AuditEntryConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const viewer = viewerOf(req);
    const visible = await this.scopes.visibleIds(viewer);
    const visibility: AuditJournalVisibility = { security: viewer.can('admin.usersAndGroups'), thirdPartyIds: visible };
    // The answer is the same empty page as for an unknown id; only administrators learn of the attempt.
    if (visible !== null && (await this.namesOutOfScope(filter, visible))) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.auditJournal', viewer, request: req });
    }
    const page = await this.journal.list({ first: size, after: after ?? null, filter, visibility });
    const docs = page.items.map((item) => item.doc);
    const [links, readable] = await Promise.all([this.chain.linksOf(docs.map((doc) => doc.id)), this.confidentialReadable(viewer, docs)]);
    return toConnection(page, (doc) => toEntry(doc, links.get(doc.id), readable.has(doc.entityId)));
  }

  /** Whether the filter names an entity or a third party that exists outside the viewer's scope. */
  private async namesOutOfScope(filter: AuditJournalFilter | null, visible: ReadonlySet<string>): Promise<boolean> {
    const outside = (scope: string | null): boolean =>
      scope !== null && scope !== auditScopes.global && scope !== auditScopes.security && !visible.has(scope);
    if (filter?.thirdPartyId != null && !visible.has(filter.thirdPartyId) && (await this.journal.hasThirdParty(filter.thirdPartyId))) return true;
    return filter?.entityId != null && outside(await this.journal.scopeOfEntity(filter.entityId));
  }

  /**
   * The exchanges of the page whose confidential comment the viewer reads (its
   * author, or a member of the group it was shared with): their entries show
   * the text, every other entry shows "[confidential]". Judged on the exchange
   * as it is now; an exchange the read model does not have is read by nobody.
   */
  private async confidentialReadable(viewer: Viewer, docs: readonly AuditDoc[]): Promise<ReadonlySet<string>> {
    const ids = new Set(docs.filter((doc) => doc.entityType === 'exchange' && hasConfidentialChange(doc.changes)).map((doc) => doc.entityId));
    const exchanges = await Promise.all([...ids].map((id) => this.exchanges.get(id)));
    return new Set(exchanges.flatMap((exchange) => (exchange !== null && viewer.readsConfidential(exchange) ? [exchange.id] : [])));
  }

  @Query(() => AuditJournalVerification, {
    description:
      'Recomputes the audit journal and its hash chain from the event log, from the first event, and reports the first ' +
      'entry, link or event that no longer matches. Reads the whole log: an operation for auditors, not for every page view.',
  })
  async verifyAuditJournal(@Context('req') req: FastifyRequest): Promise<AuditJournalVerification> {
    const viewer = viewerOf(req);
    // It counts and names events of the whole log: a user limited to some third parties would learn of the others.
    if (viewer.scoped) {
      this.securityJournal.record({ reason: 'forbidden', operation: 'Query.verifyAuditJournal', viewer, request: req });
      throw forbidden('forbidden: Query.verifyAuditJournal checks the whole log, and this user is limited to some third parties');
    }
    await this.consistency.await(req);
    this.verifying ??= verifyAuditJournal({ store: this.eventStore, readStore: this.readStore, codec: this.codec }).finally(() => {
      this.verifying = null;
    });
    return toVerification(await this.verifying);
  }
}
