import { ADMIN_GROUP, defaultGroups, type CommandContext } from '#domain';
import type { IdGenerator } from '#event-store';
import { usersProjection } from '#projections';
import type { CheckpointStore } from '#read-store';
import { BOOTSTRAP_ADMIN_LOGIN } from './access-ids.js';
import type { UserAdministration } from './user-administration.js';

/** The actor of what Suivi does on its own (the first-start bootstrap). */
export const SYSTEM_ACTOR = 'system';

export interface BootstrapLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface BootstrapOptions {
  readonly administration: UserAdministration;
  readonly store: { headPosition(): Promise<bigint | null> };
  readonly users: { count(): Promise<number> };
  readonly checkpoints: CheckpointStore;
  readonly clock: { now(): Date };
  readonly ids: IdGenerator;
  readonly logger: BootstrapLogger;
  /** SUIVI_ADMIN_TOKEN; null: draw one and log it once. */
  readonly adminToken: string | null;
  /** How long to wait for the users read model to catch up with the log. */
  readonly catchUpTimeoutMs?: number;
}

export type BootstrapOutcome =
  /** No user existed: the default groups and the administrator were created. */
  | 'created'
  /** Users exist: nothing to do. */
  | 'users-exist'
  /** The users read model did not catch up in time, so whether users exist is unknown: nothing was done. */
  | 'undecided';

export interface BootstrapResult {
  readonly outcome: BootstrapOutcome;
  /** The drawn administrator token, when this process drew it (it is also logged). */
  readonly generatedToken: string | null;
  /** Position of the bootstrap's last write. */
  readonly position: bigint | null;
}

const POLL_MS = 20;

/**
 * First start: when no user exists, creates the default groups and an
 * administrator (`admin`, in the admin group) with SUIVI_ADMIN_TOKEN as its
 * token, or a drawn one logged once. Every write carries an idempotency key
 * of the system actor, so a restart, or two processes starting together, write
 * nothing twice, and a token is never drawn twice. Whether users exist is asked
 * of the users read model once it has caught up with the log.
 */
export async function bootstrapAdministrator(options: BootstrapOptions): Promise<BootstrapResult> {
  const { administration, logger } = options;
  const timeout = options.catchUpTimeoutMs ?? 30_000;
  const head = await options.store.headPosition();
  if (head !== null && !(await caughtUp(options, head, timeout))) {
    logger.warn(
      `the users read model has not caught up with the event log after ${timeout / 1000} s: ` +
        'cannot tell whether users exist, so no administrator was created (is the projection worker running?)',
    );
    return { outcome: 'undecided', generatedToken: null, position: null };
  }
  if ((await options.users.count()) > 0) {
    if (options.adminToken !== null) logger.log('SUIVI_ADMIN_TOKEN is ignored: users exist already (it only applies on first start)');
    return { outcome: 'users-exist', generatedToken: null, position: null };
  }

  const context = (key: string): CommandContext => {
    const commandId = options.ids.next();
    return {
      actorId: SYSTEM_ACTOR,
      now: options.clock.now(),
      commandId,
      correlationId: commandId,
      causationId: null,
      source: 'system',
      idempotencyKey: `bootstrap:${key}`,
    };
  };
  for (const group of defaultGroups) {
    const existing = await administration.group(group.code);
    if (existing.status === 'active') continue;
    await administration.createGroup({ code: group.code, name: group.name, permissions: group.permissions }, context(`group:${group.code}`));
  }
  const admin = await administration.createUser(
    { login: BOOTSTRAP_ADMIN_LOGIN, displayName: 'Administrator', email: null, groupCodes: [ADMIN_GROUP] },
    context('admin'),
  );
  const issued = await administration.issueApiToken(
    {
      userId: admin.state.userId,
      label: 'bootstrap',
      expiresAt: null,
      ...(options.adminToken === null ? {} : { token: options.adminToken }),
    },
    context('admin-token'),
  );
  if (!(await caughtUp(options, issued.position, timeout))) {
    logger.warn('the users read model has not applied the administrator yet: its token is refused until it does');
  }

  if (options.adminToken !== null) {
    logger.log(`no user existed: created the administrator "${BOOTSTRAP_ADMIN_LOGIN}" with the token of SUIVI_ADMIN_TOKEN`);
    return { outcome: 'created', generatedToken: null, position: issued.position };
  }
  if (issued.token === null) {
    logger.log(`the administrator "${BOOTSTRAP_ADMIN_LOGIN}" and its token were created by another process: see its log`);
    return { outcome: 'created', generatedToken: null, position: issued.position };
  }
  logger.warn(
    [
      `no user existed: created the administrator "${BOOTSTRAP_ADMIN_LOGIN}". Its API token, shown only this once:`,
      '',
      `    ${issued.token}`,
      '',
      'Send it with every GraphQL request as "Authorization: Bearer <token>", and keep it somewhere safe.',
      'Set SUIVI_ADMIN_TOKEN before the first start to choose it instead; issue more with `npm run suivi -- tokens issue admin`.',
    ].join('\n'),
  );
  return { outcome: 'created', generatedToken: issued.token, position: issued.position };
}

/** Waits until the users projection has applied `position`; false on timeout. */
async function caughtUp(options: Pick<BootstrapOptions, 'checkpoints'>, position: bigint, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checkpoint = await options.checkpoints.get(usersProjection.name);
    if (checkpoint !== null && checkpoint >= position) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
