import { uuidV5 } from '#event-store';

/**
 * A user's id derives from their login and a group's from its code: creating
 * an existing login or code lands on the existing stream, where the decider
 * refuses it, so uniqueness needs no index that could disagree with the log;
 * and a login is all the command line needs to find a user's stream. The
 * bootstrap administrator (`admin`) therefore has the same id in every
 * deployment, which keeps examples reproducible.
 */
export const userIdForLogin = (login: string): string => uuidV5(`user:${login}`);

export const groupIdForCode = (code: string): string => uuidV5(`group:${code}`);

/** Login of the administrator created on first start. */
export const BOOTSTRAP_ADMIN_LOGIN = 'admin';
