import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { streams, thirdPartyDecider, type Address, type Catalogue, type MergeMoved } from '#domain';
import { DirectoryQueries, type ThirdPartyScope } from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import type { AddressInput } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { CATALOGUE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, notNull, sentFields } from '../shared/input.js';
import { ArchiveThirdPartyCommand } from './archive-third-party.handler.js';
import { AssignThirdPartyOwnerCommand } from './assign-third-party-owner.handler.js';
import { CategoriseThirdPartyCommand } from './categorise-third-party.handler.js';
import { ConvertProspectCommand } from './convert-prospect.handler.js';
import { MergeThirdPartiesCommand, UnmergeThirdPartiesCommand } from './merge-third-parties.handler.js';
import { customFieldValues } from './custom-fields.js';
import { RegisterThirdPartyCommand } from './register-third-party.handler.js';
import { thirdPartyFromDirectory, thirdPartyFromState } from './third-party.mapper.js';
import { UpdateThirdPartyCommand } from './update-third-party.handler.js';
import {
  ArchiveThirdPartyInput,
  ArchiveThirdPartyPayload,
  AssignThirdPartyOwnerInput,
  AssignThirdPartyOwnerPayload,
  CategoriseThirdPartyInput,
  CategoriseThirdPartyPayload,
  ConvertProspectInput,
  ConvertProspectPayload,
  MergeThirdPartiesInput,
  MergeThirdPartiesPayload,
  RegisterThirdPartyInput,
  RegisterThirdPartyPayload,
  ThirdParty,
  ThirdPartyConnection,
  ThirdPartyFilter,
  UnmergeThirdPartiesInput,
  UnmergeThirdPartiesPayload,
  UpdateThirdPartyInput,
  UpdateThirdPartyPayload,
} from './third-party.types.js';
import type { ThirdPartyWritten } from './third-party.write.js';

const payload = (result: ThirdPartyWritten) => ({ thirdParty: result.thirdParty, position: result.position.toString() });

const address = (input: AddressInput | null | undefined): Partial<Address> | null | undefined =>
  input === null || input === undefined ? input : { ...input };

/** Whether a filter names a territory or an owner the scope leaves out: it finds nothing, and administrators are told. */
const namesOutOfScope = (filter: { territory?: string | null; ownerId?: string | null }, scope: ThirdPartyScope, userId: string): boolean =>
  (filter.territory != null && scope.territories !== null && !scope.territories.includes(filter.territory)) ||
  (filter.ownerId != null && scope.ownedOnly && filter.ownerId !== userId);

const UPDATABLE_TEXT = ['prospectStatus', 'leadSource', 'territory', 'vatNumber', 'email', 'phone', 'website', 'paymentTerms'] as const;

@Resolver(() => ThirdParty)
export class ThirdPartyResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly aggregates: Aggregates,
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
    private readonly journal: SecurityJournal,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
  ) {}

  @Mutation(() => RegisterThirdPartyPayload, { description: 'Records a new prospect, customer or supplier.' })
  async registerThirdParty(
    @Args('input') input: RegisterThirdPartyInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RegisterThirdPartyPayload> {
    const meta = this.contexts.create(req, input);
    const command = new RegisterThirdPartyCommand(
      {
        name: input.name,
        kind: input.kind,
        roles: input.roles,
        prospectStatus: input.prospectStatus,
        leadSource: input.leadSource,
        territory: input.territory,
        vatNumber: input.vatNumber,
        email: input.email,
        phone: input.phone,
        website: input.website,
        address: address(input.address),
        paymentTerms: input.paymentTerms,
        ownerId: input.ownerId,
        ...(input.categories ? { categories: input.categories } : {}),
        ...(input.tags ? { tags: input.tags } : {}),
        ...(input.customFields ? { customFields: customFieldValues(input.customFields, this.catalogue) } : {}),
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => UpdateThirdPartyPayload, {
    description: 'Changes descriptive fields; the event records each changed field with its old and new value.',
  })
  async updateThirdParty(
    @Args('input') input: UpdateThirdPartyInput,
    @Context('req') req: FastifyRequest,
  ): Promise<UpdateThirdPartyPayload> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    const name = notNull('name', input.name);
    const kind = notNull('kind', input.kind);
    const roles = notNull('roles', input.roles);
    const command = new UpdateThirdPartyCommand(
      {
        thirdPartyId,
        ...(name === undefined ? {} : { name }),
        ...(kind === undefined ? {} : { kind }),
        ...(roles === undefined ? {} : { roles }),
        ...sentFields(input, UPDATABLE_TEXT),
        ...(input.address === undefined ? {} : { address: address(input.address) }),
        ...(input.customFields === undefined || input.customFields === null
          ? {}
          : { customFields: customFieldValues(input.customFields, this.catalogue) }),
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => AssignThirdPartyOwnerPayload, { description: 'Makes a user the account owner of a third party (or nobody).' })
  async assignThirdPartyOwner(
    @Args('input') input: AssignThirdPartyOwnerInput,
    @Context('req') req: FastifyRequest,
  ): Promise<AssignThirdPartyOwnerPayload> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    return payload(await this.commandBus.execute(new AssignThirdPartyOwnerCommand({ thirdPartyId, ownerId: input.ownerId ?? null }, meta)));
  }

  @Mutation(() => CategoriseThirdPartyPayload, { description: 'Sets the categories and/or tags of a third party.' })
  async categoriseThirdParty(
    @Args('input') input: CategoriseThirdPartyInput,
    @Context('req') req: FastifyRequest,
  ): Promise<CategoriseThirdPartyPayload> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    const categories = notNull('categories', input.categories);
    const tags = notNull('tags', input.tags);
    const command = new CategoriseThirdPartyCommand(
      { thirdPartyId, ...(categories ? { categories } : {}), ...(tags ? { tags } : {}) },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ArchiveThirdPartyPayload, {
    description: 'Archives a third party: it leaves the directory (unless asked for) and takes no new exchanges; its history stays.',
  })
  async archiveThirdParty(
    @Args('input') input: ArchiveThirdPartyInput,
    @Context('req') req: FastifyRequest,
  ): Promise<ArchiveThirdPartyPayload> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    return payload(await this.commandBus.execute(new ArchiveThirdPartyCommand({ thirdPartyId, reason: input.reason ?? null }, meta)));
  }

  @Mutation(() => ConvertProspectPayload, {
    description:
      'A prospect becomes a customer. The event keeps when, by whom, and the time since the first recorded exchange. Converting a non-prospect is a CONFLICT.',
  })
  async convertProspect(
    @Args('input') input: ConvertProspectInput,
    @Context('req') req: FastifyRequest,
  ): Promise<ConvertProspectPayload> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    return payload(await this.commandBus.execute(new ConvertProspectCommand({ thirdPartyId }, meta)));
  }

  @Mutation(() => MergeThirdPartiesPayload, {
    description:
      "Merges a duplicate into the third party that stays: the duplicate's contacts, exchanges, commercial documents, follow-ups and activities read as the survivor's, its timeline shows on the survivor's, and it leaves the directory. One event, journaled on both; unmergeThirdParties reverses it. The caller must be allowed to update both.",
  })
  async mergeThirdParties(
    @Args('input') input: MergeThirdPartiesInput,
    @Context('req') req: FastifyRequest,
  ): Promise<MergeThirdPartiesPayload> {
    const meta = this.contexts.create(req, input);
    const survivorId = entityId('survivorId', input.survivorId);
    const absorbedId = entityId('absorbedId', input.absorbedId);
    const result = await this.commandBus.execute(new MergeThirdPartiesCommand({ survivorId, absorbedId, reason: input.reason }, meta));
    return { ...payload(result), moved: await this.movedOf(absorbedId) };
  }

  @Mutation(() => UnmergeThirdPartiesPayload, {
    description: 'Undoes a merge: exactly what it moved goes back to the absorbed third party, which is listed again.',
  })
  async unmergeThirdParties(
    @Args('input') input: UnmergeThirdPartiesInput,
    @Context('req') req: FastifyRequest,
  ): Promise<UnmergeThirdPartiesPayload> {
    const meta = this.contexts.create(req, input);
    const absorbedId = entityId('absorbedId', input.absorbedId);
    const before = await this.movedOf(absorbedId);
    const result = await this.commandBus.execute(new UnmergeThirdPartiesCommand({ absorbedId, reason: input.reason }, meta));
    return { ...payload(result), moved: before };
  }

  /** What the merge in force (or the last one) moved, from the stream: the payload is never read from a read model. */
  private async movedOf(thirdPartyId: string): Promise<MergeMoved> {
    const { state } = await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(thirdPartyId));
    return state.status === 'merged' ? state.moved : { contactIds: [], exchangeIds: [], documentIds: [], followUpIds: [], activityIds: [] };
  }

  @Query(() => ThirdParty, {
    nullable: true,
    description:
      'A third party by id (archived ones included), or null when there is none. With asOf, the third party as it was at that instant, rebuilt from its history (null if it did not exist yet).',
  })
  async thirdParty(
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ThirdParty | null> {
    const thirdPartyId = entityId('id', id);
    const viewer = viewerOf(req);
    if (asOf) {
      // Judged as the third party is now, not as it was: one moved out of scope is out of scope, its past included.
      if (viewer.scoped && !(await this.seesNow(viewer, thirdPartyId))) return this.outOfScope(viewer, req);
      return this.asOf(thirdPartyId, asOf);
    }
    await this.consistency.await(req);
    const entry = await this.directory.get(thirdPartyId);
    if (entry === null) return null;
    if (!viewer.sees(entry)) return this.outOfScope(viewer, req);
    return thirdPartyFromDirectory(entry);
  }

  @Query(() => ThirdPartyConnection, { description: 'The directory of third parties, sorted by name, with segmentation filters.' })
  async thirdParties(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => ThirdPartyFilter, nullable: true }) filter: ThirdPartyFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ThirdPartyConnection> {
    const size = pageSize(first);
    const { customFields, ...criteria } = filter ?? {};
    const values = customFields ? customFieldValues(customFields, this.catalogue, 'filter.customFields') : {};
    const viewer = viewerOf(req);
    const scope = viewer.scoped && viewer.scope !== null ? { scope: viewer.scope, userId: viewer.userId } : null;
    if (scope !== null && namesOutOfScope(criteria, scope.scope, viewer.userId)) {
      this.journal.record({ reason: 'outOfScope', operation: 'Query.thirdParties', viewer, request: req });
    }
    await this.consistency.await(req);
    const page = await this.directory.list({
      first: size,
      after: after ?? null,
      filter: { ...criteria, customFields: Object.entries(values).map(([key, value]) => ({ key, value })) },
      scope,
    });
    return toConnection(page, thirdPartyFromDirectory);
  }

  @ResolveField('lastInteractionAt', () => DateTimeScalar, {
    nullable: true,
    description: 'Date of the latest exchange or note about this third party; null when there was none, and in as-of views.',
  })
  async lastInteractionAt(@Parent() thirdParty: ThirdParty, @Context('req') req: FastifyRequest): Promise<string | null> {
    if (thirdParty.lastInteractionAt !== undefined) return thirdParty.lastInteractionAt;
    if (thirdParty.asOf !== undefined) return null;
    await this.consistency.await(req);
    return (await this.directory.get(thirdParty.id))?.lastInteractionAt ?? null;
  }

  /** The answer for a third party out of the viewer's scope: the one for an unknown id, and a line in the security journal. */
  private outOfScope(viewer: Viewer, req: FastifyRequest): null {
    this.journal.record({ reason: 'outOfScope', operation: 'Query.thirdParty', viewer, request: req });
    return null;
  }

  /** Scope as the third party's stream has it, so that a third party just registered is judged without waiting for the directory. */
  private async seesNow(viewer: Viewer, thirdPartyId: string): Promise<boolean> {
    const { state } = await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(thirdPartyId));
    // One that does not exist is not out of scope: the as-of view answers null for it.
    return state.status === 'none' || viewer.sees({ territory: state.profile.territory, ownerId: state.ownerId });
  }

  /**
   * Folds the stream's events up to the instant. The longest prefix is kept, so
   * the state is one the third party really had even if clocks were skewed.
   */
  private async asOf(thirdPartyId: string, asOf: string): Promise<ThirdParty | null> {
    const limit = Date.parse(asOf);
    const folded = await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(thirdPartyId), (event) =>
      Date.parse(event.metadata.occurredAt) <= limit,
    );
    if (folded.state.status === 'none' || folded.revision === null) return null;
    return { ...thirdPartyFromState(folded.state, folded.revision), asOf };
  }
}
