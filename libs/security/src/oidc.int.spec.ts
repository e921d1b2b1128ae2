import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64url, exportSPKI, importJWK, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { readStoreBackends } from '../../read-store/src/testing/read-store-backends.js';
import { generateApiToken } from './api-token.js';
import { userIdForLogin } from './access-ids.js';
import { looksLikeJwt, OidcAuthenticator } from './oidc.js';
import { testSigningKey, TestOidcProvider } from './oidc-test-provider.js';
import { contextAt, openAccessStores, type AccessStores } from './testing/access-stores.js';

const T0 = new Date('2026-03-02T09:30:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const clock = { now: () => T0 };

/** A port nothing listens on: taken from the system, then released. */
const closedPort = async (): Promise<number> => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe.each(readStoreBackends())('authentication with OpenID Connect JWTs (%s read store)', (_label, openReadStore) => {
  let stores: AccessStores;
  let provider: TestOidcProvider;

  const authenticator = (overrides: { jwksUrl?: string; userClaim?: string } = {}) =>
    new OidcAuthenticator(stores.users, {
      issuer: provider.issuer,
      jwksUrl: overrides.jwksUrl ?? provider.jwksUrl,
      audience: 'suivi-api',
      userClaim: overrides.userClaim ?? 'preferred_username',
      clock,
      jwksTimeoutMs: 2_000,
    });
  const signed = (claims: Record<string, unknown>, options: Parameters<TestOidcProvider['sign']>[1] = {}) =>
    provider.sign(claims, { issuedAt: at(-60), ...options });
  const unsignedFor = (login: string) =>
    new UnsecuredJWT({ preferred_username: login })
      .setIssuer(provider.issuer)
      .setAudience('suivi-api')
      .setExpirationTime(Math.floor(at(300).getTime() / 1000))
      .encode();

  beforeAll(async () => {
    stores = await openAccessStores(openReadStore);
    provider = await TestOidcProvider.start('suivi-api');
    await stores.administration.createGroup({ code: 'sales', name: 'Sales', permissions: ['thirdParties.read'] }, contextAt(T0));
    const claire = await stores.administration.createUser(
      { login: 'claire', displayName: 'Claire Martin', email: 'claire@example.fr', groupCodes: ['sales'] },
      contextAt(T0),
    );
    const paul = await stores.administration.createUser({ login: 'paul' }, contextAt(T0));
    await stores.runner.waitFor(paul.position > claire.position ? paul.position : claire.position);
  });
  afterAll(async () => {
    await provider.stop();
    await stores.close();
  });

  it('knows the user the login claim names, lower-cased, with a token id that is not the token', async () => {
    const token = await signed({ preferred_username: 'Claire', sub: '4f1c-opaque' });
    const identity = await authenticator().authenticate(token);
    expect(identity).toMatchObject({
      userId: userIdForLogin('claire'),
      login: 'claire',
      displayName: 'Claire Martin',
      groups: ['sales'],
      tokenId: expect.stringMatching(/^oidc:[0-9a-f]{24}$/),
    });
    expect(token).not.toContain(identity!.tokenId.slice('oidc:'.length));
    expect((await authenticator().authenticate(token))?.tokenId).toBe(identity!.tokenId);
  });

  it('reads the login from the configured claim', async () => {
    const token = await signed({ preferred_username: 'someone-else', suivi_login: 'claire' });
    expect(await authenticator({ userClaim: 'suivi_login' }).authenticate(token)).toMatchObject({ login: 'claire' });
  });

  it('refuses a token of another issuer or for another audience', async () => {
    const auth = authenticator();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { issuer: 'https://login.example.fr' }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { audience: 'other-app' }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }))).not.toBeNull();
  });

  it('refuses an expired token, beyond 30 seconds of clock tolerance, and one without exp', async () => {
    const auth = authenticator();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { issuedAt: at(-600), expiresAt: at(-29) }))).not.toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { issuedAt: at(-600), expiresAt: at(-31) }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { expiresAt: null }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire', nbf: Math.floor(at(60).getTime() / 1000) }))).toBeNull();
  });

  it('refuses a token signed by another key, whether it names a published kid or not', async () => {
    const auth = authenticator();
    const intruder = await testSigningKey('key-1');
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: intruder }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: intruder, kid: 'key-2' }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: intruder, kid: null }))).toBeNull();
    const token = await signed({ preferred_username: 'claire' });
    const [header, payload] = token.split('.');
    const forged = `${header}.${base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))), preferred_username: 'paul' }))}.${token.split('.')[2]}`;
    expect(await auth.authenticate(forged)).toBeNull();
  });

  it('refuses an unsigned token and one "signed" with HS256 and the public key as the secret, without fetching keys', async () => {
    const auth = authenticator();
    const unsigned = unsignedFor('claire');
    const publicPem = await exportSPKI((await importJWK(provider.key.publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    const confused = await new SignJWT({ preferred_username: 'claire' })
      .setProtectedHeader({ alg: 'HS256', kid: provider.key.kid })
      .setIssuer(provider.issuer)
      .setAudience('suivi-api')
      .setExpirationTime(Math.floor(at(300).getTime() / 1000))
      .sign(new TextEncoder().encode(publicPem));
    const fetches = provider.fetches;
    expect(looksLikeJwt(unsigned)).toBe(true);
    expect(await auth.authenticate(unsigned)).toBeNull();
    expect(await auth.authenticate(confused)).toBeNull();
    expect(provider.fetches).toBe(fetches);
  });

  it('refuses an unknown login, a missing or non-text claim, and what is not a JWT', async () => {
    const auth = authenticator();
    expect(await auth.authenticate(await signed({ preferred_username: 'nobody' }))).toBeNull();
    expect(await auth.authenticate(await signed({ email: 'claire@example.fr' }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: ['claire'] }))).toBeNull();
    expect(await auth.authenticate(await signed({ preferred_username: 'c'.repeat(65) }))).toBeNull();
    expect(await auth.authenticate(generateApiToken().token)).toBeNull();
    expect(await auth.authenticate(null)).toBeNull();
    expect(looksLikeJwt(generateApiToken().token)).toBe(false);
  });

  it("refuses a disabled user's tokens until they are enabled again", async () => {
    const auth = authenticator();
    const token = await signed({ preferred_username: 'paul' });
    expect(await auth.authenticate(token)).toMatchObject({ login: 'paul', groups: [] });
    const paul = userIdForLogin('paul');
    await stores.runner.waitFor((await stores.administration.disableUser({ userId: paul, reason: 'left' }, contextAt(T0))).position);
    expect(await auth.authenticate(token)).toBeNull();
    await stores.runner.waitFor((await stores.administration.enableUser({ userId: paul }, contextAt(T0))).position);
    expect(await auth.authenticate(token)).not.toBeNull();
  });

  it('tries each published key when a token names none and several match', async () => {
    const second = await testSigningKey('key-2');
    const withoutKids = [provider.key.publicJwk, second.publicJwk].map(({ kid: _kid, ...jwk }) => jwk);
    provider.published = { keys: withoutKids };
    try {
      const auth = authenticator();
      expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: second, kid: null }))).toMatchObject({ login: 'claire' });
      expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: await testSigningKey('key-3'), kid: null }))).toBeNull();
    } finally {
      provider.published = { keys: [provider.key.publicJwk] };
    }
  });

  it('throws when the key set cannot be fetched, so that the request is not refused as if the token were bad', async () => {
    const token = await signed({ preferred_username: 'claire' });
    const down = authenticator({ jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks` });
    await expect(down.authenticate(token)).rejects.toThrow();
    // A token refused on its face is refused all the same: no key is needed to see it.
    expect(await down.authenticate(unsignedFor('claire'))).toBeNull();

    provider.published = { status: 500 };
    try {
      await expect(authenticator().authenticate(token)).rejects.toThrow(/200 OK/);
    } finally {
      provider.published = { keys: [provider.key.publicJwk] };
    }
  });

  it('keeps verifying with the keys it has while the provider is unreachable', async () => {
    const auth = authenticator();
    const token = await signed({ preferred_username: 'claire' });
    expect(await auth.authenticate(token)).not.toBeNull();
    provider.published = { status: 503 };
    try {
      expect(await auth.authenticate(token)).not.toBeNull();
      expect(await auth.authenticate(await signed({ preferred_username: 'claire' }, { key: await testSigningKey('key-1') }))).toBeNull();
    } finally {
      provider.published = { keys: [provider.key.publicJwk] };
    }
  });
});
