import {
  DomainRuleViolated,
  groupDecider,
  InvalidInput,
  NotFound,
  normalizeGroupCode,
  normalizeLogin,
  permissionList,
  streams,
  userDecider,
  type CommandContext,
  type Decider,
  type GroupReference,
  type GroupState,
  type Message,
  type UserState,
} from '#domain';
import {
  foldStream,
  handleCommand,
  randomIds,
  WrongExpectedRevision,
  type EventCodec,
  type EventStore,
  type HandleCommandOptions,
  type IdGenerator,
} from '#event-store';
import { apiTokenId, DEFAULT_SCRYPT, generateApiToken, hashApiToken, type ScryptParameters } from './api-token.js';
import { groupIdForCode, userIdForLogin } from './access-ids.js';

/** Times an amendment of a group's permissions is computed again when the group changed meanwhile. */
const AMEND_RETRIES = 5;

export type KnownUser = Exclude<UserState, { status: 'none' }>;
export type KnownGroup = Exclude<GroupState, { status: 'none' }>;

/** A command's outcome: the aggregate after it, and the position a reader must reach to see it. */
export interface Administered<State> {
  readonly state: State;
  readonly position: bigint;
  /** True when an earlier command with the same idempotency key did the work. */
  readonly replayed: boolean;
  /** False when the command changed nothing (it repeated what was already so) or was replayed. */
  readonly changed: boolean;
}

export interface IssuedToken extends Administered<KnownUser> {
  readonly tokenId: string;
  /** The token, to show once; null when the command was a replay (the token cannot be shown again). */
  readonly token: string | null;
}

export interface UserAdministrationDeps {
  readonly store: EventStore;
  readonly codec: EventCodec;
  readonly ids?: IdGenerator;
  /** Finds the user a token belongs to, for revocation by token id alone. */
  readonly users?: { findByTokenId(tokenId: string): Promise<{ readonly id: string } | null> };
  /** Cost of the token hash; the default outside tests. */
  readonly hashing?: ScryptParameters;
}

/**
 * The write side of users, groups and API tokens, shared by the API's command
 * handlers, the command line and the first-start bootstrap: ids derived from
 * logins and codes, groups looked up on their streams, tokens drawn and
 * hashed here — the deciders only ever see the hash.
 */
export class UserAdministration {
  private readonly ids: IdGenerator;
  private readonly hashing: ScryptParameters;

  constructor(private readonly deps: UserAdministrationDeps) {
    this.ids = deps.ids ?? randomIds;
    this.hashing = deps.hashing ?? DEFAULT_SCRYPT;
  }

  /** The id of the user with this login (normalised as the domain does); throws InvalidInput for a malformed login. */
  userIdOf(login: string, field = 'login'): string {
    return userIdForLogin(normalizeLogin(field, login));
  }

  async group(code: string, field = 'groupCode'): Promise<GroupReference> {
    const normalized = normalizeGroupCode(field, code);
    const groupId = groupIdForCode(normalized);
    const { state } = await foldStream(this.deps, groupDecider, streams.group(groupId));
    return { groupId, code: normalized, status: state.status };
  }

  async user(userId: string): Promise<UserState> {
    return (await foldStream(this.deps, userDecider, streams.user(userId))).state;
  }

  async createGroup(
    input: { readonly code: string; readonly name: string; readonly permissions?: readonly string[] | null },
    context: CommandContext,
  ): Promise<Administered<KnownGroup>> {
    const groupId = groupIdForCode(normalizeGroupCode('code', input.code));
    return this.run(groupDecider, streams.group(groupId), { type: 'CreateGroup', data: { groupId, ...input } }, context);
  }

  /**
   * Replaces the permissions of a group, named by its code or by its id. Its
   * members hold the new ones from the request after the groups read model has
   * applied the change: whoever must know when waits for `position` there.
   */
  async changeGroupPermissions(
    input: ({ readonly code: string } | { readonly groupId: string }) & { readonly permissions: readonly string[] },
    context: CommandContext,
  ): Promise<Administered<KnownGroup>> {
    let code: string | null = null;
    let groupId: string;
    if ('code' in input) {
      code = normalizeGroupCode('code', input.code);
      groupId = groupIdForCode(code);
    } else {
      groupId = input.groupId;
    }
    const command = { type: 'ChangeGroupPermissions', data: { groupId, permissions: input.permissions } } as const;
    try {
      return await this.run(groupDecider, streams.group(groupId), command, context);
    } catch (error) {
      // The id derives from the code: a group asked for by code is unknown under that code.
      if (code !== null && error instanceof NotFound && error.entity === 'group') throw new NotFound('group', code);
      throw error;
    }
  }

  /**
   * Grants `add` and withdraws `remove`, keeping the group's other permissions.
   * The new list is computed from the group's stream and written only if nothing
   * was appended to it meanwhile (otherwise computed again), so a concurrent
   * change is never overwritten.
   */
  async amendGroupPermissions(
    input: { readonly code: string; readonly add?: readonly string[] | null; readonly remove?: readonly string[] | null },
    context: CommandContext,
  ): Promise<Administered<KnownGroup>> {
    const code = normalizeGroupCode('code', input.code);
    const add = permissionList('add', input.add);
    const remove = permissionList('remove', input.remove);
    const both = remove.find((permission) => add.includes(permission));
    if (both !== undefined) throw new InvalidInput('remove', `${both} is also to be added: grant or withdraw it, not both`);
    const groupId = groupIdForCode(code);
    for (let attempt = 0; ; attempt++) {
      const { state, revision } = await foldStream(this.deps, groupDecider, streams.group(groupId));
      if (state.status === 'none' || revision === null) throw new NotFound('group', code);
      const permissions = [...state.permissions.filter((permission) => !remove.includes(permission)), ...add];
      const command = { type: 'ChangeGroupPermissions', data: { groupId, permissions } } as const;
      try {
        return await this.run(groupDecider, streams.group(groupId), command, context, { expectedRevision: revision });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= AMEND_RETRIES) throw error;
      }
    }
  }

  async createUser(
    input: {
      readonly login: string;
      readonly displayName?: string | null;
      readonly email?: string | null;
      readonly groupCodes?: readonly string[] | null;
    },
    context: CommandContext,
  ): Promise<Administered<KnownUser>> {
    const userId = this.userIdOf(input.login);
    const groups = await Promise.all((input.groupCodes ?? []).map((code, index) => this.group(code, `groupCodes[${index}]`)));
    const { groupCodes: _codes, ...profile } = input;
    return this.run(userDecider, streams.user(userId), { type: 'CreateUser', data: { userId, ...profile, groups } }, context);
  }

  async addUserToGroup(input: { readonly userId: string; readonly groupCode: string }, context: CommandContext): Promise<Administered<KnownUser>> {
    const group = await this.group(input.groupCode);
    return this.run(userDecider, streams.user(input.userId), { type: 'AddUserToGroup', data: { userId: input.userId, group } }, context);
  }

  async removeUserFromGroup(
    input: { readonly userId: string; readonly groupCode: string },
    context: CommandContext,
  ): Promise<Administered<KnownUser>> {
    const group = await this.group(input.groupCode);
    return this.run(userDecider, streams.user(input.userId), { type: 'RemoveUserFromGroup', data: { userId: input.userId, group } }, context);
  }

  disableUser(input: { readonly userId: string; readonly reason?: string | null }, context: CommandContext): Promise<Administered<KnownUser>> {
    return this.run(userDecider, streams.user(input.userId), { type: 'DisableUser', data: input }, context);
  }

  enableUser(input: { readonly userId: string }, context: CommandContext): Promise<Administered<KnownUser>> {
    return this.run(userDecider, streams.user(input.userId), { type: 'EnableUser', data: input }, context);
  }

  /**
   * Limits the third parties the user sees: those of `territories` (null: any
   * territory) and, when `ownedOnly`, the ones they own. Null and false lift
   * every limit.
   */
  setScope(
    input: { readonly userId: string; readonly territories: readonly string[] | null; readonly ownedOnly: boolean },
    context: CommandContext,
  ): Promise<Administered<KnownUser>> {
    return this.run(userDecider, streams.user(input.userId), { type: 'SetUserScope', data: input }, context);
  }

  /**
   * Draws a token (or takes the given one: the bootstrap's configured secret),
   * hashes it and records the hash. The token is in the result, once.
   */
  async issueApiToken(
    input: {
      readonly userId: string;
      readonly label?: string | null;
      readonly expiresAt?: string | null;
      readonly token?: string;
    },
    context: CommandContext,
  ): Promise<IssuedToken> {
    const { token: given, ...data } = input;
    const drawn = given === undefined ? generateApiToken() : { token: given, tokenId: apiTokenId(given) };
    if (drawn.tokenId === null) throw new DomainRuleViolated('the token is neither a Suivi token nor a long enough secret');
    const hash = await hashApiToken(drawn.token, this.hashing);
    const result = await this.run(
      userDecider,
      streams.user(input.userId),
      { type: 'IssueApiToken', data: { ...data, tokenId: drawn.tokenId, hash } },
      context,
    );
    if (result.replayed) {
      const earlier = result.events.find((event) => event.type === 'ApiTokenIssued');
      const tokenId = earlier?.type === 'ApiTokenIssued' ? earlier.data.tokenId : drawn.tokenId;
      return { state: result.state, position: result.position, replayed: true, changed: false, tokenId, token: null };
    }
    return { state: result.state, position: result.position, replayed: false, changed: result.changed, tokenId: drawn.tokenId, token: drawn.token };
  }

  /** Revokes a token; its user is found through the users read model unless given. */
  async revokeApiToken(
    input: { readonly tokenId: string; readonly reason?: string | null; readonly userId?: string },
    context: CommandContext,
  ): Promise<Administered<KnownUser>> {
    const userId = input.userId ?? (await this.deps.users?.findByTokenId(input.tokenId))?.id;
    if (userId === undefined) throw new NotFound('API token', input.tokenId);
    const { userId: _given, ...data } = input;
    return this.run(userDecider, streams.user(userId), { type: 'RevokeApiToken', data: { ...data, userId } }, context);
  }

  private async run<State extends { readonly status: string }, Command extends Message, Event extends Message>(
    decider: Decider<State, Command, Event>,
    streamName: string,
    command: Command,
    context: CommandContext,
    options: HandleCommandOptions = {},
  ): Promise<Administered<Exclude<State, { status: 'none' }>> & { readonly events: readonly Event[] }> {
    const result = await handleCommand({ store: this.deps.store, codec: this.deps.codec, ids: this.ids }, decider, streamName, command, context, options);
    // Every command of these deciders refuses to leave a stream empty: a no-op
    // is only possible on an existing user or group.
    if (result.position === null || result.state.status === 'none') throw new Error(`${command.type} on ${streamName} left the stream empty`);
    return {
      state: result.state as Exclude<State, { status: 'none' }>,
      position: result.position,
      replayed: result.replayed,
      changed: !result.replayed && result.events.length > 0,
      events: result.events.map((envelope) => ({ type: envelope.type, data: envelope.data }) as Event),
    };
  }
}
