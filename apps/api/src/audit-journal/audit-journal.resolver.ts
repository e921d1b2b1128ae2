import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { AuditJournalQueries, type AuditEntry as AuditDoc } from '#projections';
import { toFieldChanges, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { AuditEntry, AuditEntryConnection, AuditJournalFilter } from './audit-journal.types.js';

const toEntry = (doc: AuditDoc): AuditEntry => ({
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
});

@Resolver(() => AuditEntry)
export class AuditJournalResolver {
  constructor(
    private readonly journal: AuditJournalQueries,
    private readonly consistency: ReadConsistency,
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
    return toConnection(await this.journal.list({ first: size, after: after ?? null, filter }), toEntry);
  }
}
