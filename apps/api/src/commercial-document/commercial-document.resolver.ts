import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import {
  CommercialDocumentQueries,
  DirectoryQueries,
  UNRESTRICTED_COMMERCIAL_DOCUMENTS,
  type CommercialDocumentAccess,
  type CommercialDocumentListFilter,
} from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, optionalEntityId } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { ChangeCommercialDocumentStatusCommand } from './change-commercial-document-status.handler.js';
import { commercialDocumentFromEntry } from './commercial-document.mapper.js';
import {
  ChangeCommercialDocumentStatusInput,
  ChangeCommercialDocumentStatusPayload,
  CommercialDocument,
  CommercialDocumentConnection,
  CommercialDocumentFilter,
  RecordCommercialDocumentInput,
  RecordCommercialDocumentPayload,
  ThirdPartyCommercialDocumentFilter,
} from './commercial-document.types.js';
import type { CommercialDocumentWritten } from './commercial-document.write.js';
import { RecordCommercialDocumentCommand } from './record-commercial-document.handler.js';

const payload = (result: CommercialDocumentWritten) => ({ commercialDocument: result.commercialDocument, position: result.position.toString() });

/**
 * Which documents a viewer reads: those of the third parties in their scope.
 * A list about one third party needs the scope's verdict on that one only.
 */
async function documentAccess(scopes: ThirdPartyScopes, viewer: Viewer, thirdPartyId: string | null): Promise<CommercialDocumentAccess> {
  const visible = await scopes.visibleIds(viewer);
  if (visible === null) return UNRESTRICTED_COMMERCIAL_DOCUMENTS;
  return { thirdPartyIds: thirdPartyId === null ? [...visible] : visible.has(thirdPartyId) ? [thirdPartyId] : [] };
}

const listFilter = (filter: ThirdPartyCommercialDocumentFilter | null, thirdPartyId: string | null): CommercialDocumentListFilter => ({
  thirdPartyId,
  type: filter?.type ?? null,
  // Refs are stored trimmed and in NFC: a ref typed with spaces or decomposed accents still matches.
  ref: filter?.ref?.trim().normalize('NFC') ?? null,
  status: filter?.status ?? null,
  dueBefore: filter?.dueBefore ?? null,
  dueAfter: filter?.dueAfter ?? null,
});

@Resolver(() => CommercialDocument)
export class CommercialDocumentResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly documents: CommercialDocumentQueries,
    private readonly directory: DirectoryQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
    private readonly securityJournal: SecurityJournal,
  ) {}

  @Mutation(() => RecordCommercialDocumentPayload, {
    description:
      'Records a quote, order, invoice or contract issued by the business or its ERP, in a status of its type reached at statusAt. Its id derives from the third party, the type and the ref: recording it again with the same facts changes nothing.',
  })
  async recordCommercialDocument(
    @Args('input') input: RecordCommercialDocumentInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RecordCommercialDocumentPayload> {
    const meta = this.contexts.create(req, input);
    const command = new RecordCommercialDocumentCommand(
      {
        thirdPartyId: optionalEntityId('thirdPartyId', input.thirdPartyId),
        documentType: input.type,
        ref: input.ref,
        label: input.label ?? null,
        amount: input.amount,
        currency: input.currency,
        issuedAt: input.issuedAt,
        dueAt: input.dueAt ?? null,
        status: input.status ?? null,
        statusAt: input.statusAt ?? null,
        paidAmount: input.paidAmount ?? null,
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ChangeCommercialDocumentStatusPayload, {
    description:
      'Records that a document reached another status of its type, at the instant it happened. A move the transition table does not allow (a PAID invoice back to ISSUED) is a CONFLICT; the current status again changes nothing.',
  })
  async changeCommercialDocumentStatus(
    @Args('input') input: ChangeCommercialDocumentStatusInput,
    @Context('req') req: FastifyRequest,
  ): Promise<ChangeCommercialDocumentStatusPayload> {
    const meta = this.contexts.create(req, input);
    const documentId = entityId('documentId', input.documentId);
    const command = new ChangeCommercialDocumentStatusCommand(
      { documentId, status: input.status, at: input.at ?? null, paidAmount: input.paidAmount ?? null },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Query(() => CommercialDocument, {
    nullable: true,
    description: 'A commercial document by id, or null when there is none or its third party is out of the viewer\'s scope.',
  })
  async commercialDocument(@Args('id', { type: () => ID }) id: string, @Context('req') req: FastifyRequest): Promise<CommercialDocument | null> {
    const documentId = entityId('id', id);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const entry = await this.documents.get(documentId);
    if (entry === null) return null;
    if (await this.scopes.canSee(viewer, entry.thirdPartyId)) return commercialDocumentFromEntry(entry);
    if (await this.outOfScope(viewer, entry.thirdPartyId)) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.commercialDocument', viewer, request: req });
    }
    return null;
  }

  @Query(() => CommercialDocumentConnection, {
    description: 'The commercial documents of the third parties in the viewer\'s scope, newest issuedAt first.',
  })
  async commercialDocuments(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => CommercialDocumentFilter, nullable: true }) filter: CommercialDocumentFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<CommercialDocumentConnection> {
    const size = pageSize(first);
    const thirdPartyId = optionalEntityId('filter.thirdPartyId', filter?.thirdPartyId);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const access = await documentAccess(this.scopes, viewer, thirdPartyId);
    if (thirdPartyId !== null && (await this.outOfScope(viewer, thirdPartyId))) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.commercialDocuments', viewer, request: req });
    }
    const page = await this.documents.list({ first: size, after: after ?? null, filter: listFilter(filter, thirdPartyId) }, access);
    return toConnection(page, commercialDocumentFromEntry);
  }

  /** Whether the third party exists but is out of the viewer's scope: what naming it is recorded for (an unknown id is not). */
  private async outOfScope(viewer: Viewer, thirdPartyId: string): Promise<boolean> {
    if (!viewer.scoped) return false;
    const entry = await this.directory.get(thirdPartyId);
    return entry !== null && !viewer.sees(entry);
  }
}

@Resolver(() => ThirdParty)
export class ThirdPartyCommercialDocumentsResolver {
  constructor(
    private readonly documents: CommercialDocumentQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
  ) {}

  @ResolveField('commercialDocuments', () => CommercialDocumentConnection, {
    description: "The third party's quotes, orders, invoices and contracts as they are now (also in an as-of view), newest issuedAt first.",
  })
  async commercialDocumentsOf(
    @Parent() thirdParty: ThirdParty,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => ThirdPartyCommercialDocumentFilter, nullable: true }) filter: ThirdPartyCommercialDocumentFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<CommercialDocumentConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    // The parent was judged on the way in; this is a second line, as for its contacts.
    const access = await documentAccess(this.scopes, viewerOf(req), thirdParty.id);
    const page = await this.documents.list({ first: size, after: after ?? null, filter: listFilter(filter, thirdParty.id) }, access);
    return toConnection(page, commercialDocumentFromEntry);
  }
}
