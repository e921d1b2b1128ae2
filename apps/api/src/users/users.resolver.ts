import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '#domain';
import { GroupQueries } from '#projections';
import { identityOf, requireAdministrator } from '../auth/request-identity.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId } from '../shared/input.js';
import { CreateGroupCommand } from './create-group.handler.js';
import { CreateUserCommand } from './create-user.handler.js';
import { ChangeGroupMembershipCommand } from './group-membership.handler.js';
import { IssueApiTokenCommand } from './issue-api-token.handler.js';
import { RevokeApiTokenCommand } from './revoke-api-token.handler.js';
import { ChangeUserStatusCommand } from './user-status.handler.js';
import {
  AddUserToGroupInput,
  AddUserToGroupPayload,
  CreateGroupInput,
  CreateGroupPayload,
  CreateUserInput,
  CreateUserPayload,
  DisableUserInput,
  DisableUserPayload,
  EnableUserInput,
  EnableUserPayload,
  Group,
  IssueApiTokenInput,
  IssueApiTokenPayload,
  RemoveUserFromGroupInput,
  RemoveUserFromGroupPayload,
  RevokeApiTokenInput,
  RevokeApiTokenPayload,
  UserAccount,
} from './users.types.js';
import { accountFromEntry, apiTokenOf, type UserWritten } from './users.write.js';

const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/;

const tokenId = (value: string): string => {
  if (!TOKEN_ID.test(value)) throw new InvalidInput('tokenId', 'must be the id of an API token (ApiToken.id)');
  return value;
};

const userPayload = (result: UserWritten) => ({ user: result.user, position: result.position.toString() });

/**
 * `me`, and the administration of users, groups and tokens. Every mutation is
 * for administrators only (see requireAdministrator).
 */
@Resolver(() => UserAccount)
export class UsersResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly groupQueries: GroupQueries,
  ) {}

  @Query(() => UserAccount, { description: 'The user the request\'s token belongs to.' })
  me(@Context('req') req: FastifyRequest): UserAccount {
    return accountFromEntry(identityOf(req).user);
  }

  @ResolveField(() => [Group], { description: 'The groups the user belongs to.' })
  async groups(@Parent() user: UserAccount): Promise<Group[]> {
    const groups = await this.groupQueries.byCodes(user.groupCodes);
    return groups.map(({ id, code, name, permissions }) => ({ id, code, name, permissions }));
  }

  @Mutation(() => CreateUserPayload, { description: 'Creates a user account, optionally in some groups. Administrators only.' })
  async createUser(@Args('input') input: CreateUserInput, @Context('req') req: FastifyRequest): Promise<CreateUserPayload> {
    requireAdministrator(req);
    const command = new CreateUserCommand(
      { login: input.login, displayName: input.displayName ?? null, email: input.email ?? null, groupCodes: input.groupCodes ?? [] },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => CreateGroupPayload, { description: 'Creates a group of users with its permissions. Administrators only.' })
  async createGroup(@Args('input') input: CreateGroupInput, @Context('req') req: FastifyRequest): Promise<CreateGroupPayload> {
    requireAdministrator(req);
    const command = new CreateGroupCommand(
      { code: input.code, name: input.name, permissions: input.permissions ?? [] },
      this.contexts.create(req, input),
    );
    const result = await this.commandBus.execute(command);
    return { group: result.group, position: result.position.toString() };
  }

  @Mutation(() => AddUserToGroupPayload, { description: 'Adds a user to a group. Administrators only.' })
  async addUserToGroup(@Args('input') input: AddUserToGroupInput, @Context('req') req: FastifyRequest): Promise<AddUserToGroupPayload> {
    requireAdministrator(req);
    const command = new ChangeGroupMembershipCommand(
      'add',
      { userId: entityId('userId', input.userId), groupCode: input.groupCode },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => RemoveUserFromGroupPayload, { description: 'Removes a user from a group. Administrators only.' })
  async removeUserFromGroup(
    @Args('input') input: RemoveUserFromGroupInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RemoveUserFromGroupPayload> {
    requireAdministrator(req);
    const command = new ChangeGroupMembershipCommand(
      'remove',
      { userId: entityId('userId', input.userId), groupCode: input.groupCode },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => DisableUserPayload, { description: 'Disables a user: their tokens are refused until they are enabled. Administrators only.' })
  async disableUser(@Args('input') input: DisableUserInput, @Context('req') req: FastifyRequest): Promise<DisableUserPayload> {
    requireAdministrator(req);
    const command = new ChangeUserStatusCommand(
      'disable',
      { userId: entityId('userId', input.userId), reason: input.reason ?? null },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => EnableUserPayload, { description: 'Enables a disabled user again. Administrators only.' })
  async enableUser(@Args('input') input: EnableUserInput, @Context('req') req: FastifyRequest): Promise<EnableUserPayload> {
    requireAdministrator(req);
    const command = new ChangeUserStatusCommand('enable', { userId: entityId('userId', input.userId), reason: null }, this.contexts.create(req, input));
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => IssueApiTokenPayload, {
    description: 'Issues an API token to a user and returns it, once: Suivi keeps only a slow hash of it. Administrators only.',
  })
  async issueApiToken(@Args('input') input: IssueApiTokenInput, @Context('req') req: FastifyRequest): Promise<IssueApiTokenPayload> {
    requireAdministrator(req);
    const command = new IssueApiTokenCommand(
      { userId: entityId('userId', input.userId), label: input.label ?? null, expiresAt: input.expiresAt ?? null },
      this.contexts.create(req, input),
    );
    const result = await this.commandBus.execute(command);
    return { ...userPayload(result), token: result.token, apiToken: apiTokenOf(result.user, result.tokenId) };
  }

  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes an API token: from the answer on, it is refused. Administrators only.' })
  async revokeApiToken(@Args('input') input: RevokeApiTokenInput, @Context('req') req: FastifyRequest): Promise<RevokeApiTokenPayload> {
    requireAdministrator(req);
    const id = tokenId(input.tokenId);
    const command = new RevokeApiTokenCommand({ tokenId: id, reason: input.reason ?? null }, this.contexts.create(req, input));
    const result = await this.commandBus.execute(command);
    return { ...userPayload(result), apiToken: apiTokenOf(result.user, id) };
  }
}
