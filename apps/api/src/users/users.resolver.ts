import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '#domain';
import { GroupQueries } from '#projections';
import { identityOf } from '../auth/request-identity.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId } from '../shared/input.js';
import { ChangeGroupPermissionsCommand } from './change-group-permissions.handler.js';
import { CreateGroupCommand } from './create-group.handler.js';
import { CreateUserCommand } from './create-user.handler.js';
import { ChangeGroupMembershipCommand } from './group-membership.handler.js';
import { IssueApiTokenCommand } from './issue-api-token.handler.js';
import { RevokeApiTokenCommand } from './revoke-api-token.handler.js';
import { SetUserScopeCommand } from './user-scope.handler.js';
import { ChangeUserStatusCommand } from './user-status.handler.js';
import {
  AddUserToGroupInput,
  AddUserToGroupPayload,
  ChangeGroupPermissionsInput,
  ChangeGroupPermissionsPayload,
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
  SetUserScopeInput,
  SetUserScopePayload,
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
 * for holders of `admin.usersAndGroups` (see operation-rules.ts).
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

  @Mutation(() => CreateUserPayload, { description: 'Creates a user account, optionally in some groups. Needs permission admin.usersAndGroups.' })
  async createUser(@Args('input') input: CreateUserInput, @Context('req') req: FastifyRequest): Promise<CreateUserPayload> {
    const command = new CreateUserCommand(
      { login: input.login, displayName: input.displayName ?? null, email: input.email ?? null, groupCodes: input.groupCodes ?? [] },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => CreateGroupPayload, { description: 'Creates a group of users with its permissions. Needs permission admin.usersAndGroups.' })
  async createGroup(@Args('input') input: CreateGroupInput, @Context('req') req: FastifyRequest): Promise<CreateGroupPayload> {
    const command = new CreateGroupCommand(
      { code: input.code, name: input.name, permissions: input.permissions ?? [] },
      this.contexts.create(req, input),
    );
    const result = await this.commandBus.execute(command);
    return { group: result.group, position: result.position.toString() };
  }

  @Mutation(() => ChangeGroupPermissionsPayload, {
    description:
      "Replaces a group's permissions; its members hold the new ones from the answer on. The admin group keeps admin.usersAndGroups. Needs permission admin.usersAndGroups.",
  })
  async changeGroupPermissions(
    @Args('input') input: ChangeGroupPermissionsInput,
    @Context('req') req: FastifyRequest,
  ): Promise<ChangeGroupPermissionsPayload> {
    const command = new ChangeGroupPermissionsCommand({ code: input.code, permissions: input.permissions }, this.contexts.create(req, input));
    const result = await this.commandBus.execute(command);
    return { group: result.group, position: result.position.toString() };
  }

  @Mutation(() => AddUserToGroupPayload, { description: 'Adds a user to a group. Needs permission admin.usersAndGroups.' })
  async addUserToGroup(@Args('input') input: AddUserToGroupInput, @Context('req') req: FastifyRequest): Promise<AddUserToGroupPayload> {
    const command = new ChangeGroupMembershipCommand(
      'add',
      { userId: entityId('userId', input.userId), groupCode: input.groupCode },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => RemoveUserFromGroupPayload, { description: 'Removes a user from a group. Needs permission admin.usersAndGroups.' })
  async removeUserFromGroup(
    @Args('input') input: RemoveUserFromGroupInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RemoveUserFromGroupPayload> {
    const command = new ChangeGroupMembershipCommand(
      'remove',
      { userId: entityId('userId', input.userId), groupCode: input.groupCode },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => DisableUserPayload, { description: 'Disables a user: their tokens are refused until they are enabled. Needs permission admin.usersAndGroups.' })
  async disableUser(@Args('input') input: DisableUserInput, @Context('req') req: FastifyRequest): Promise<DisableUserPayload> {
    const command = new ChangeUserStatusCommand(
      'disable',
      { userId: entityId('userId', input.userId), reason: input.reason ?? null },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => EnableUserPayload, { description: 'Enables a disabled user again. Needs permission admin.usersAndGroups.' })
  async enableUser(@Args('input') input: EnableUserInput, @Context('req') req: FastifyRequest): Promise<EnableUserPayload> {
    const command = new ChangeUserStatusCommand('enable', { userId: entityId('userId', input.userId), reason: null }, this.contexts.create(req, input));
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => SetUserScopePayload, {
    description:
      'Limits the third parties a user sees to some territories and/or to the ones they own (their next request on). Needs permission admin.usersAndGroups.',
  })
  async setUserScope(@Args('input') input: SetUserScopeInput, @Context('req') req: FastifyRequest): Promise<SetUserScopePayload> {
    const command = new SetUserScopeCommand(
      { userId: entityId('userId', input.userId), territories: input.territories ?? null, ownedOnly: input.ownedOnly ?? false },
      this.contexts.create(req, input),
    );
    return userPayload(await this.commandBus.execute(command));
  }

  @Mutation(() => IssueApiTokenPayload, {
    description: 'Issues an API token to a user and returns it, once: Suivi keeps only a slow hash of it. Needs permission admin.usersAndGroups.',
  })
  async issueApiToken(@Args('input') input: IssueApiTokenInput, @Context('req') req: FastifyRequest): Promise<IssueApiTokenPayload> {
    const command = new IssueApiTokenCommand(
      { userId: entityId('userId', input.userId), label: input.label ?? null, expiresAt: input.expiresAt ?? null },
      this.contexts.create(req, input),
    );
    const result = await this.commandBus.execute(command);
    return { ...userPayload(result), token: result.token, apiToken: apiTokenOf(result.user, result.tokenId) };
  }

  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes an API token: from the answer on, it is refused. Needs permission admin.usersAndGroups.' })
  async revokeApiToken(@Args('input') input: RevokeApiTokenInput, @Context('req') req: FastifyRequest): Promise<RevokeApiTokenPayload> {
    const id = tokenId(input.tokenId);
    const command = new RevokeApiTokenCommand({ tokenId: id, reason: input.reason ?? null }, this.contexts.create(req, input));
    const result = await this.commandBus.execute(command);
    return { ...userPayload(result), apiToken: apiTokenOf(result.user, id) };
  }
}
