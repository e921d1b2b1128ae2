import { Inject } from '@nestjs/common';
import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { EventCodec, EventStore } from '#event-store';
import {
  AuditChainQueries,
  AuditJournalQueries,
  verifyAuditJournal,
  type AuditChainLink,
  type AuditEntry as AuditDoc,
  type AuditJournalVerification as Verification,
} from '#projections';
import type { ReadStore } from '#read-store';
import { toFieldChanges, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CODEC, EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';
import { AuditEntry, AuditEntryConnection, AuditJournalFilter, AuditJournalVerification } from './audit-journal.types.js';

const toEntry = (doc: AuditDoc, link: AuditChainLink | undefined): AuditEntry => ({
  id: doc.id,
  at: doc.at,
  action: doc.action,
  entityType: doc.entityType,
  entityId: doc.entityId,
  actor: user(doc.actorId),
  changes: toFieldChanges(doc.changes),
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
    private readonly consistency: ReadConsistency,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CODEC) private readonly codec: EventCodec,
  ) {}

  @Query(() => AuditEntryConnection, { description: 'Every recorded change of every entity, newest first.' })
  async auditJournal(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => AuditJournalFilter, nullable: true }) filter: AuditJournalFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<AuditEntryConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const page = await this.journal.list({ first: size, after: after ?? null, filter });
    const links = await this.chain.linksOf(page.items.map((item) => item.doc.id));
    return toConnection(page, (doc) => toEntry(doc, links.get(doc.id)));
  }

  @Query(() => AuditJournalVerification, {
    description:
      'Recomputes the audit journal and its hash chain from the event log, from the first event, and reports the first ' +
      'entry, link or event that no longer matches. Reads the whole log: an operation for auditors, not for every page view.',
  })
  async verifyAuditJournal(@Context('req') req: FastifyRequest): Promise<AuditJournalVerification> {
    await this.consistency.await(req);
    this.verifying ??= verifyAuditJournal({ store: this.eventStore, readStore: this.readStore, codec: this.codec }).finally(() => {
      this.verifying = null;
    });
    return toVerification(await this.verifying);
  }
}
