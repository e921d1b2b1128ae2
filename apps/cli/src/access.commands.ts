import os from 'node:os';
import { Command } from 'commander';
import { DomainError, NotFound, permissions, type CommandContext } from '#domain';
import { randomIds, type EventCodec, type EventStore, type IdGenerator } from '#event-store';
import { openCodec, loadConfig, openEventStore, openReadStore, systemClock, type Clock } from '#platform';
import { GroupQueries, UserQueries, type UserEntry } from '#projections';
import type { ReadStore } from '#read-store';
import { UserAdministration } from '#security';

/**
 * `suivi users …`, `suivi groups …`, `suivi tokens …`: the operator's way to
 * administer accounts, with direct access to the stores. Writes go through the
 * same deciders as the API's; they are recorded with the actor
 * `cli:<operating-system user>` and source `system`. Lists read the users read
 * model, which the projection worker keeps current.
 */
export interface AccessSession {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Who the journal says did it. */
  readonly actorId: string;
  /** Results (a token, a list): standard output. */
  out(line: string): void;
  /** Explanations around them: standard error, so `$(suivi tokens issue …)` captures the token alone. */
  note(line: string): void;
}

const context = (session: AccessSession): CommandContext => {
  const commandId = session.ids.next();
  return { actorId: session.actorId, now: session.clock.now(), commandId, correlationId: commandId, causationId: null, source: 'system' };
};

const administration = async (session: AccessSession): Promise<UserAdministration> =>
  new UserAdministration({ store: session.store, codec: session.codec, ids: session.ids, users: await UserQueries.open(session.readStore) });

/** A login names a user on the command line; a NotFound about their id says so in those words. */
async function forLogin<T>(login: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFound && error.entity === 'user') {
      throw new Error(`no user with login ${login.trim().toLowerCase()}`, { cause: error });
    }
    throw error;
  }
}

export async function createUser(
  session: AccessSession,
  login: string,
  options: { name?: string; email?: string; group?: string[] },
): Promise<void> {
  const admin = await administration(session);
  const { state, changed } = await admin.createUser(
    { login, displayName: options.name ?? null, email: options.email ?? null, groupCodes: options.group ?? [] },
    context(session),
  );
  const groups = state.groups.map((g) => g.code).join(', ') || 'no group';
  session.out(`${changed ? 'created user' : 'user exists already, unchanged:'} ${state.login} (${state.userId}), in ${groups}`);
}

export async function listUsers(session: AccessSession): Promise<void> {
  const users = await UserQueries.open(session.readStore);
  const all: UserEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await users.list({ first: 100, after });
    all.push(...page.items.map((item) => item.doc));
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  if (all.length === 0) {
    session.note('no users (the list is read from the users read model: is the projection worker running?)');
    return;
  }
  const now = session.clock.now().getTime();
  for (const user of all) {
    const valid = user.tokens.filter((t) => !t.revoked && (t.expiresAt === null || Date.parse(t.expiresAt) > now)).length;
    session.out(
      [
        user.login.padEnd(24),
        user.displayName.padEnd(24),
        (user.groups.join(',') || '-').padEnd(24),
        `${valid} valid token${valid === 1 ? '' : 's'}`.padEnd(16),
        user.disabled ? 'disabled' : 'active',
        user.id,
      ].join(' '),
    );
  }
}

export async function setUserStatus(session: AccessSession, login: string, status: 'disabled' | 'active', reason?: string): Promise<void> {
  const admin = await administration(session);
  const userId = admin.userIdOf(login);
  const { state } = await forLogin(login, () =>
    status === 'disabled' ? admin.disableUser({ userId, reason: reason ?? null }, context(session)) : admin.enableUser({ userId }, context(session)),
  );
  session.out(`${state.login} is ${state.status}`);
}

export async function changeMembership(session: AccessSession, login: string, groupCode: string, change: 'add' | 'remove'): Promise<void> {
  const admin = await administration(session);
  const userId = admin.userIdOf(login);
  const input = { userId, groupCode };
  const { state } = await forLogin(login, () =>
    change === 'add' ? admin.addUserToGroup(input, context(session)) : admin.removeUserFromGroup(input, context(session)),
  );
  session.out(`${state.login} is in ${state.groups.map((g) => g.code).join(', ') || 'no group'}`);
}

/** How a scope reads on the command line. */
export const describeScope = (scope: { readonly territories: readonly string[] | null; readonly ownedOnly: boolean }): string => {
  if (scope.territories === null && !scope.ownedOnly) return 'every third party';
  const where = scope.territories === null ? 'any territory' : `territor${scope.territories.length === 1 ? 'y' : 'ies'} ${scope.territories.join(', ')}`;
  return `third parties of ${where}${scope.ownedOnly ? ' that they own' : ''}`;
};

/**
 * Sets the whole scope at once: `--territory` (repeatable) and `--owned-only`
 * say what the user is limited to, `--clear` lifts every limit.
 */
export async function setUserScope(
  session: AccessSession,
  login: string,
  options: { territory?: string[]; ownedOnly?: boolean; clear?: boolean },
): Promise<void> {
  const limits = (options.territory?.length ?? 0) > 0 || options.ownedOnly === true;
  if (options.clear === true && limits) throw new Error('--clear lifts every limit: give it alone, without --territory or --owned-only');
  if (options.clear !== true && !limits) throw new Error('give --territory <territory> (repeatable) and/or --owned-only, or --clear to lift every limit');
  const admin = await administration(session);
  const userId = admin.userIdOf(login);
  const scope = options.clear === true ? { territories: null, ownedOnly: false } : { territories: options.territory ?? null, ownedOnly: options.ownedOnly === true };
  const { state, changed } = await forLogin(login, () => admin.setScope({ userId, ...scope }, context(session)));
  session.out(`${state.login} sees ${describeScope(state.scope)}${changed ? '' : ' (unchanged)'}`);
}

export async function createGroup(session: AccessSession, code: string, options: { name: string; permission?: string[] }): Promise<void> {
  const admin = await administration(session);
  const { state, changed } = await admin.createGroup({ code, name: options.name, permissions: options.permission ?? [] }, context(session));
  session.out(`${changed ? 'created group' : 'group exists already, unchanged:'} ${state.code} "${state.name}" (${state.groupId}): ${state.permissions.join(' ') || 'no permission'}`);
}

/**
 * Replaces a group's permissions (`--permission`, repeatable: the whole new
 * list), or grants and withdraws some (`--add`, `--remove`) keeping the others.
 */
export async function changeGroupPermissions(
  session: AccessSession,
  code: string,
  options: { permission?: string[]; add?: string[]; remove?: string[] },
): Promise<void> {
  const replace = options.permission !== undefined;
  const amend = options.add !== undefined || options.remove !== undefined;
  if (replace && amend) throw new Error('--permission gives the whole new list: give it alone, or --add / --remove to change some permissions');
  if (!replace && !amend) throw new Error('give --permission <code> (repeatable: the whole new list), or --add <code> / --remove <code>');
  const admin = await administration(session);
  const { state, changed } = replace
    ? await admin.changeGroupPermissions({ code, permissions: options.permission ?? [] }, context(session))
    : await admin.amendGroupPermissions({ code, add: options.add ?? [], remove: options.remove ?? [] }, context(session));
  session.out(`group ${state.code}: ${state.permissions.join(' ') || 'no permission'}${changed ? '' : ' (unchanged)'}`);
}

export async function listGroups(session: AccessSession): Promise<void> {
  const groups = await (await GroupQueries.open(session.readStore)).list();
  if (groups.length === 0) session.note('no groups (the list is read from the groups read model: is the projection worker running?)');
  for (const group of groups) session.out(`${group.code.padEnd(16)} ${group.name.padEnd(24)} ${group.permissions.join(' ') || '-'}`);
}

export async function issueToken(session: AccessSession, login: string, options: { label?: string; expires?: string }): Promise<void> {
  const admin = await administration(session);
  const userId = admin.userIdOf(login);
  const issued = await forLogin(login, () =>
    admin.issueApiToken({ userId, label: options.label ?? null, expiresAt: options.expires ?? null }, context(session)),
  );
  const expiry = issued.state.tokens.find((t) => t.tokenId === issued.tokenId)?.expiresAt;
  session.note(
    `issued token ${issued.tokenId} to ${issued.state.login}${expiry ? `, valid until ${expiry}` : ''}. ` +
      'It is shown only this once; send it as "Authorization: Bearer <token>":',
  );
  session.out(issued.token!);
}

export async function revokeToken(session: AccessSession, tokenId: string, options: { reason?: string }): Promise<void> {
  const admin = await administration(session);
  const { state } = await admin.revokeApiToken({ tokenId, reason: options.reason ?? null }, context(session));
  session.out(`revoked token ${tokenId} of ${state.login}`);
}

/** Where a session writes: standard output and standard error unless told otherwise. */
export interface AccessOutput {
  out(line: string): void;
  note(line: string): void;
}

const standardOutput: AccessOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

/** Opens the stores as the server does (same environment variables) for one command, and closes them after. */
export async function withAccessSession<T>(work: (session: AccessSession) => Promise<T>, output: AccessOutput = standardOutput): Promise<T> {
  const config = loadConfig();
  const store = openEventStore(config);
  const readStore = await openReadStore(config);
  const codec = await openCodec(config);
  try {
    return await work({
      store,
      readStore,
      codec,
      clock: systemClock,
      ids: randomIds,
      actorId: `cli:${os.userInfo().username}`,
      out: (line) => output.out(line),
      note: (line) => output.note(line),
    });
  } finally {
    await codec.close();
    await readStore.close();
    await store.close();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Domain refusals are the operator's input errors: their message is the whole story. */
const run =
  <A extends unknown[]>(work: (session: AccessSession, ...args: A) => Promise<void>) =>
  (...args: A): Promise<void> =>
    withAccessSession((session) => work(session, ...args)).catch((error: unknown) => {
      if (error instanceof DomainError) throw new Error(error.message, { cause: error });
      throw error;
    });

export function registerAccessCommands(program: Command): void {
  const users = program.command('users').description('user accounts (who a token authenticates)');
  users
    .command('create')
    .argument('<login>', 'letters, digits, ".", "_", "-", "@"; stored in lower case')
    .option('--name <displayName>', 'display name (default: the login)')
    .option('--email <email>')
    .option('--group <code>', 'a group to start in (repeatable)', collect)
    .description('create a user')
    .action((login: string, options: { name?: string; email?: string; group?: string[] }) => run(createUser)(login, options));
  users.command('list').description('every user, with groups, valid tokens and status').action(() => run(listUsers)());
  users
    .command('disable')
    .argument('<login>')
    .option('--reason <reason>')
    .description("refuse the user's tokens until enabled again")
    .action((login: string, options: { reason?: string }) => run(setUserStatus)(login, 'disabled', options.reason));
  users.command('enable').argument('<login>').description('enable a disabled user').action((login: string) => run(setUserStatus)(login, 'active'));
  users
    .command('add-to-group')
    .argument('<login>')
    .argument('<group>', 'group code')
    .description('add a user to a group')
    .action((login: string, group: string) => run(changeMembership)(login, group, 'add'));
  users
    .command('remove-from-group')
    .argument('<login>')
    .argument('<group>', 'group code')
    .description('remove a user from a group')
    .action((login: string, group: string) => run(changeMembership)(login, group, 'remove'));
  users
    .command('scope')
    .argument('<login>')
    .option('--territory <territory>', 'a territory whose third parties the user sees (repeatable; none: any territory)', collect)
    .option('--owned-only', 'only the third parties the user owns')
    .option('--clear', 'lift every limit: the user sees every third party')
    .description('limit the third parties a user sees (replaces their current limits)')
    .action((login: string, options: { territory?: string[]; ownedOnly?: boolean; clear?: boolean }) => run(setUserScope)(login, options));

  const groups = program.command('groups').description('groups of users and their permissions');
  groups
    .command('create')
    .argument('<code>', 'lower-case letter, then letters, digits, "_" or "-"')
    .requiredOption('--name <name>')
    .option('--permission <code>', `a permission (repeatable): ${permissions.join(', ')}`, collect)
    .description('create a group')
    .action((code: string, options: { name: string; permission?: string[] }) => run(createGroup)(code, options));
  groups
    .command('permissions')
    .argument('<code>', 'group code')
    .option('--permission <code>', 'a permission of the new list, which replaces the current one (repeatable)', collect)
    .option('--add <code>', 'grant a permission, keeping the others (repeatable)', collect)
    .option('--remove <code>', 'withdraw a permission, keeping the others (repeatable)', collect)
    .description("change a group's permissions; its members hold them from their next request once the worker has applied the change")
    .action((code: string, options: { permission?: string[]; add?: string[]; remove?: string[] }) => run(changeGroupPermissions)(code, options));
  groups.command('list').description('every group with its permissions').action(() => run(listGroups)());

  const tokens = program.command('tokens').description('API tokens');
  tokens
    .command('issue')
    .argument('<login>')
    .option('--label <label>', 'what the token is for')
    .option('--expires <instant>', 'ISO-8601 instant with an offset after which it is refused, e.g. 2026-12-31T23:59:59Z')
    .description('issue a token and print it, once (the token alone on standard output)')
    .action((login: string, options: { label?: string; expires?: string }) => run(issueToken)(login, options));
  tokens
    .command('revoke')
    .argument('<tokenId>', 'the id part of the token: suivi_<tokenId>_…')
    .option('--reason <reason>')
    .description('revoke a token')
    .action((tokenId: string, options: { reason?: string }) => run(revokeToken)(tokenId, options));
}
