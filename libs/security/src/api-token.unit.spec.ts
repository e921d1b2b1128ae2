import { describe, expect, it } from '@jest/globals';
import { bearerToken } from './authenticator.js';
import {
  API_TOKEN_PREFIX,
  apiTokenId,
  generateApiToken,
  hashApiToken,
  isSuiviTokenFormat,
  tokenFingerprint,
  verifyApiTokenHash,
} from './api-token.js';

const CHEAP = { ln: 4, r: 8, p: 1 };

describe('API tokens', () => {
  it('are suivi_<24 hex id>_<43 base64url characters>, carrying their id', () => {
    const { token, tokenId } = generateApiToken();
    expect(token).toMatch(/^suivi_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(`${API_TOKEN_PREFIX}${tokenId}_`)).toBe(true);
    expect(isSuiviTokenFormat(token)).toBe(true);
    expect(apiTokenId(token)).toBe(tokenId);
  });

  it('are drawn at random', () => {
    const drawn = new Set(Array.from({ length: 50 }, () => generateApiToken().token));
    expect(drawn.size).toBe(50);
  });

  it('accept an operator secret of 32 or more printable characters, with an id derived from it', () => {
    const secret = 'correct-horse-battery-staple-2026!';
    const id = apiTokenId(secret);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(apiTokenId(secret)).toBe(id);
    expect(apiTokenId(`${secret}x`)).not.toBe(id);
    expect(isSuiviTokenFormat(secret)).toBe(false);
  });

  it.each([
    ['a short secret', 'x'.repeat(31)],
    ['a space', `${'x'.repeat(20)} ${'x'.repeat(20)}`],
    ['a non-ASCII character', `${'x'.repeat(40)}é`],
    ['more than 256 characters', 'x'.repeat(257)],
    ['nothing', ''],
  ])('refuse %s', (_label, token) => {
    expect(apiTokenId(token)).toBeNull();
  });

  it('fingerprint the whole token with SHA-256', () => {
    expect(tokenFingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('token hashes', () => {
  it('are scrypt PHC strings with N = 2^15, r = 8, p = 1 and a 16-byte salt by default', async () => {
    const { token } = generateApiToken();
    const hash = await hashApiToken(token);
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyApiTokenHash(token, hash)).toBe(true);
  });

  it('verify only the token they were made from; the salt makes each hash different', async () => {
    const { token } = generateApiToken();
    const [first, second] = await Promise.all([hashApiToken(token, CHEAP), hashApiToken(token, CHEAP)]);
    expect(first).not.toBe(second);
    expect(await verifyApiTokenHash(token, first)).toBe(true);
    expect(await verifyApiTokenHash(token, second)).toBe(true);
    expect(await verifyApiTokenHash(generateApiToken().token, first)).toBe(false);
    expect(await verifyApiTokenHash(`${token}x`, first)).toBe(false);
  });

  it('refuse a hash this build cannot read, or whose parameters are out of bounds', async () => {
    const { token } = generateApiToken();
    const hash = await hashApiToken(token, CHEAP);
    const digest = hash.split('$').at(-1)!;
    const flipped = `${digest[0] === 'A' ? 'B' : 'A'}${digest.slice(1)}`;
    expect(await verifyApiTokenHash(token, hash.replace(digest, flipped))).toBe(false);
    expect(await verifyApiTokenHash(token, hash.replace('$scrypt$', '$argon2id$'))).toBe(false);
    expect(await verifyApiTokenHash(token, hash.replace('ln=4', 'ln=40'))).toBe(false);
    expect(await verifyApiTokenHash(token, 'not a hash')).toBe(false);
  });
});

describe('the Authorization header', () => {
  it.each<[string | string[] | undefined, string | null]>([
    ['Bearer suivi_abc', 'suivi_abc'],
    ['bearer   suivi_abc  ', 'suivi_abc'],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer', null],
    ['Bearer a b', null],
    ['suivi_abc', null],
    [['Bearer a', 'Bearer b'], null],
    [undefined, null],
  ])('%p carries %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
