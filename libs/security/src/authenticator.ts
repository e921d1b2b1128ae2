import { isTokenValid } from '#domain';
import type { UserEntry } from '#projections';
import { API_TOKEN_MAX_LENGTH, apiTokenId, tokenFingerprint, verifyApiTokenHash } from './api-token.js';

/** Who a request is: the user its token belongs to, as the users read model has them now. */
export interface Identity {
  readonly userId: string;
  readonly login: string;
  readonly displayName: string;
  /** Codes of the user's groups. */
  readonly groups: readonly string[];
  /** The token the request was authenticated with. */
  readonly tokenId: string;
  /** The user's document in the users read model, as read for this request. */
  readonly user: UserEntry;
}

/** The reads authentication needs; UserQueries provides them. */
export interface UserLookup {
  get(userId: string): Promise<UserEntry | null>;
  findByTokenId(tokenId: string): Promise<UserEntry | null>;
}

export interface AuthenticatorOptions {
  /** How long a successful slow-hash verification is remembered; 0 disables the cache. */
  readonly cacheTtlMs: number;
  /** At most this many verified tokens are remembered (oldest forgotten first). */
  readonly cacheMaxEntries?: number;
  readonly clock: { now(): Date };
  /** The slow comparison; verifyApiTokenHash unless a test counts calls. */
  readonly verify?: (token: string, hash: string) => Promise<boolean>;
}

interface Verified {
  readonly userId: string;
  readonly tokenId: string;
  /** The stored hash the token was verified against. */
  readonly hash: string;
  readonly until: number;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header; null when there is none or it is malformed. */
export function bearerToken(header: string | readonly string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/**
 * Checks API tokens. The slow hash (scrypt) is verified once per token and the
 * success remembered, keyed by a SHA-256 of the token, for `cacheTtlMs`: a
 * request then costs one read of the user's document by id. Whether the token
 * is revoked or expired and whether the user is disabled is read from that
 * document on every request, never from the cache, so revocation takes effect
 * as soon as the users read model has applied it.
 */
export class Authenticator {
  private readonly verified = new Map<string, Verified>();
  private readonly inFlight = new Map<string, Promise<{ readonly user: UserEntry; readonly verified: Verified } | null>>();
  private readonly maxEntries: number;
  private readonly verify: (token: string, hash: string) => Promise<boolean>;

  constructor(
    private readonly users: UserLookup,
    private readonly options: AuthenticatorOptions,
  ) {
    this.maxEntries = options.cacheMaxEntries ?? 10_000;
    this.verify = options.verify ?? verifyApiTokenHash;
  }

  /** The identity of a token, or null: no token, an unknown, wrong, revoked or expired one, or a disabled user. */
  async authenticate(token: string | null): Promise<Identity | null> {
    if (token === null || token.length > API_TOKEN_MAX_LENGTH) return null;
    const tokenId = apiTokenId(token);
    if (tokenId === null) return null;
    const key = tokenFingerprint(token);
    const now = this.options.clock.now();
    const remembered = this.remembered(key, now.getTime());
    if (remembered) return accepted(await this.users.get(remembered.userId), remembered.tokenId, remembered.hash, now);
    const found = await this.verifyOnce(key, token, tokenId, now);
    return found === null ? null : accepted(found.user, tokenId, found.verified.hash, now);
  }

  /** Number of verified tokens remembered (for tests and metrics). */
  get cacheSize(): number {
    return this.verified.size;
  }

  private remembered(key: string, now: number): Verified | null {
    const entry = this.verified.get(key);
    if (entry === undefined) return null;
    if (entry.until <= now) {
      this.verified.delete(key);
      return null;
    }
    return entry;
  }

  private remember(key: string, entry: Verified): void {
    if (this.options.cacheTtlMs <= 0) return;
    this.verified.delete(key);
    this.verified.set(key, entry);
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.verified.size > this.maxEntries) this.verified.delete(this.verified.keys().next().value!);
  }

  /**
   * Looks the token up and verifies its slow hash, remembering a success.
   * Concurrent first requests with one token share it, so a burst of them
   * costs one slow hash; it is over only once the success is remembered.
   */
  private verifyOnce(key: string, token: string, tokenId: string, now: Date): Promise<{ readonly user: UserEntry; readonly verified: Verified } | null> {
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = this.lookUpAndVerify(key, token, tokenId, now).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  private async lookUpAndVerify(
    key: string,
    token: string,
    tokenId: string,
    now: Date,
  ): Promise<{ readonly user: UserEntry; readonly verified: Verified } | null> {
    const user = await this.users.findByTokenId(tokenId);
    const stored = user?.tokens.find((t) => t.tokenId === tokenId);
    // A token that would be refused anyway is not worth a slow hash.
    if (!user || !stored || accepted(user, tokenId, stored.hash, now) === null) return null;
    if (!(await this.verify(token, stored.hash))) return null;
    const verified: Verified = { userId: user.id, tokenId, hash: stored.hash, until: now.getTime() + this.options.cacheTtlMs };
    this.remember(key, verified);
    return { user, verified };
  }
}

function accepted(user: UserEntry | null, tokenId: string, hash: string, now: Date): Identity | null {
  if (user === null || user.disabled) return null;
  const token = user.tokens.find((t) => t.tokenId === tokenId);
  if (token === undefined || token.hash !== hash || !isTokenValid(token, now)) return null;
  return { userId: user.id, login: user.login, displayName: user.displayName, groups: user.groups, tokenId, user };
}
