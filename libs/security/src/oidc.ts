import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { LOGIN_MAX } from '#domain';
import type { UserEntry } from '#projections';
import { tokenFingerprint } from './api-token.js';
import type { Identity } from './authenticator.js';

/** Where JWTs come from and whom they name (SUIVI_OIDC_*). */
export interface OidcSettings {
  /** Compared exactly with the `iss` claim. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** The `aud` a token must carry: a token minted for another application is refused. */
  readonly audience: string;
  /** The claim whose value is the Suivi login (lower-cased). */
  readonly userClaim: string;
}

export interface OidcAuthenticatorOptions extends OidcSettings {
  readonly clock: { now(): Date };
  /** Leeway on `exp` and `nbf` for clocks that disagree; default 30 s. */
  readonly clockToleranceSeconds?: number;
  /** How long a JWKS fetch may take before the request answers 503; default 5 s. */
  readonly jwksTimeoutMs?: number;
}

/** The read the OIDC check needs; UserQueries provides it. */
export interface LoginLookup {
  getByLogin(login: string): Promise<UserEntry | null>;
}

/**
 * Signatures by a key pair only: with a shared-secret algorithm (HS256), a
 * token "signed" with the provider's public key as the secret would verify.
 */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** Far above what a provider issues, far below what would make parsing a cost. */
const JWT_MAX_LENGTH = 8192;
// A JOSE header is a JSON object: its base64url starts with `eyJ` ('{"'), which no Suivi token does.
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer token is a JWT (three base64url parts, the first a JSON object) rather than a Suivi API token. */
export const looksLikeJwt = (token: string | null): token is string => token !== null && token.length <= JWT_MAX_LENGTH && JWT_SHAPE.test(token);

/**
 * What the token itself got wrong: refused like any bad token. Anything else
 * (the JWKS unreachable, slow, not JSON, not a key set) is the provider's
 * failure and is thrown, so the request answers 503 rather than 401.
 */
const REFUSALS = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
]);

const codeOf = (error: unknown): string | undefined => (error instanceof errors.JOSEError ? error.code : undefined);

/**
 * Checks JWTs from an OpenID Connect provider: signature against the
 * provider's published keys (fetched, cached and re-fetched on an unknown
 * `kid` by jose, so key rotation needs nothing here), issuer, audience and
 * expiry; then the configured claim names a Suivi user by login. The user
 * must exist and be enabled in the users read model, read on every request,
 * so disabling a user refuses their JWTs at once, however long those last.
 */
export class OidcAuthenticator {
  private readonly keys: JWTVerifyGetKey;
  private readonly clockTolerance: number;

  constructor(
    private readonly users: LoginLookup,
    private readonly options: OidcAuthenticatorOptions,
  ) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5_000 });
    this.clockTolerance = options.clockToleranceSeconds ?? 30;
  }

  /**
   * The identity of a JWT, or null: not a JWT, a bad signature, another
   * issuer or audience, expired, no usable login claim, an unknown or a
   * disabled user. Throws when the provider's keys cannot be had.
   */
  async authenticate(token: string | null): Promise<Identity | null> {
    if (!looksLikeJwt(token)) return null;
    const payload = await this.verify(token);
    if (payload === null) return null;
    const claim = payload[this.options.userClaim];
    if (typeof claim !== 'string' || claim.length === 0 || claim.length > LOGIN_MAX) return null;
    const user = await this.users.getByLogin(claim.toLowerCase());
    if (user === null || user.disabled) return null;
    return {
      userId: user.id,
      login: user.login,
      displayName: user.displayName,
      groups: user.groups,
      // Rate limits and the journal tell requests apart by token; the token itself is never kept.
      tokenId: `oidc:${tokenFingerprint(token).slice(0, 24)}`,
      user,
    };
  }

  private async verify(token: string): Promise<JWTPayload | null> {
    const options: JWTVerifyOptions = {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: [...OIDC_ALGORITHMS],
      clockTolerance: this.clockTolerance,
      requiredClaims: ['exp'],
      currentDate: this.options.clock.now(),
    };
    try {
      return (await jwtVerify(token, this.keys, options)).payload;
    } catch (error) {
      if (codeOf(error) === errors.JWKSMultipleMatchingKeys.code) return this.verifyWithEach(token, error as errors.JWKSMultipleMatchingKeys, options);
      if (REFUSALS.has(codeOf(error) ?? '')) return null;
      throw error;
    }
  }

  /** A token without `kid` while the provider publishes several keys (during a rotation): each key is tried. */
  private async verifyWithEach(token: string, candidates: errors.JWKSMultipleMatchingKeys, options: JWTVerifyOptions): Promise<JWTPayload | null> {
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (error) {
        if (codeOf(error) === errors.JWSSignatureVerificationFailed.code) continue;
        if (REFUSALS.has(codeOf(error) ?? '')) return null;
        throw error;
      }
    }
    return null;
  }
}
