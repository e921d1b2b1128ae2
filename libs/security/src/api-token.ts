import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API tokens: `suivi_<tokenId>_<secret>`. The prefix makes a leaked token
 * recognisable (secret scanners, log filters); the token id names the token
 * so it is found with one indexed read, never by trying every hash; the
 * secret is 256 random bits. Only a slow hash of the whole token is stored.
 */
export const API_TOKEN_PREFIX = 'suivi_';
const TOKEN_ID_BYTES = 12;
const SECRET_BYTES = 32;
const FORMAT = /^suivi_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

/** An operator's own secret (SUIVI_ADMIN_TOKEN): printable ASCII, no spaces, at least this long. */
export const OPAQUE_TOKEN_MIN_LENGTH = 32;
export const API_TOKEN_MAX_LENGTH = 256;
const OPAQUE = /^[\x21-\x7e]+$/;

export interface GeneratedToken {
  /** Shown once to whoever asked for it; never stored. */
  readonly token: string;
  readonly tokenId: string;
}

export function generateApiToken(): GeneratedToken {
  const tokenId = randomBytes(TOKEN_ID_BYTES).toString('hex');
  return { token: `${API_TOKEN_PREFIX}${tokenId}_${randomBytes(SECRET_BYTES).toString('base64url')}`, tokenId };
}

export const isSuiviTokenFormat = (token: string): boolean => FORMAT.test(token);

/**
 * The id of a token: the one it carries, or, for an opaque secret (accepted
 * so that an operator may set SUIVI_ADMIN_TOKEN from a secrets manager),
 * one derived from it — the same on every start. null: not a token at all.
 */
export function apiTokenId(token: string): string | null {
  const match = FORMAT.exec(token);
  if (match) return match[1]!;
  if (token.length < OPAQUE_TOKEN_MIN_LENGTH || token.length > API_TOKEN_MAX_LENGTH || !OPAQUE.test(token)) return null;
  return createHash('sha256').update(`suivi-opaque-token\u0000${token}`).digest('hex').slice(0, TOKEN_ID_BYTES * 2);
}

/** A fast digest of the whole token: the key of verified tokens in memory, so the token itself is never kept. */
export const tokenFingerprint = (token: string): string => createHash('sha256').update(token).digest('hex');

/** scrypt cost: N = 2^ln, block size r, parallelism p. */
export interface ScryptParameters {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and about 0.1 s per hash — the verification cache pays it once per token. */
export const DEFAULT_SCRYPT: ScryptParameters = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from a stored hash: a tampered record must not make one check cost minutes.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

const scryptAsync = (secret: string, salt: Buffer, keyLength: number, parameters: ScryptParameters): Promise<Buffer> => {
  const N = 2 ** parameters.ln;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // Node's default ceiling (32 MiB) is exactly what N = 2^15, r = 8 needs; leave headroom.
    maxmem: 256 * N * parameters.r + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
};

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/**
 * The stored form of a token: a PHC string, `$scrypt$ln=15,r=8,p=1$<salt>$<digest>`
 * (base64 without padding), which names its algorithm and parameters so that
 * they can change later without invalidating tokens already issued.
 */
export async function hashApiToken(token: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const digest = await scryptAsync(token, salt, KEY_BYTES, parameters);
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(digest)}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;

/** Whether `token` is the one `hash` was made from; false for a hash this build cannot read. Constant-time comparison. */
export async function verifyApiTokenHash(token: string, hash: string): Promise<boolean> {
  const match = PHC.exec(hash);
  if (!match) return false;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  const actual = await scryptAsync(token, salt, expected.length, { ln, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
