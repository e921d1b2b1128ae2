import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { TestOidcProvider } from '../libs/security/src/oidc-test-provider.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';

const UNAUTHENTICATED = {
  errors: [
    {
      message: 'authentication required: send a valid API token as "Authorization: Bearer <token>"',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};
const ME = '{ me { id login groups { code } } }';

type Me = { me: { id: string; login: string; groups: { code: string }[] } };

const oidcEnv = (provider: TestOidcProvider, jwksUrl = provider.jwksUrl) => ({
  SUIVI_OIDC_ISSUER: provider.issuer,
  SUIVI_OIDC_JWKS_URL: jwksUrl,
  SUIVI_OIDC_AUDIENCE: provider.audience,
});

describe.each(e2eBackends())('JWTs of an OpenID Connect provider (%s)', (_label, mongodbUrl) => {
  let provider: TestOidcProvider;
  let suivi: SuiviApp;
  let claireId: string;

  const meWith = (token: string) => suivi.as(token).post<Me>(JSON.stringify({ query: ME }));

  beforeAll(async () => {
    provider = await TestOidcProvider.start('suivi-api');
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}), env: oidcEnv(provider) });
    const { body } = await suivi.graphql<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login: 'claire', displayName: 'Claire Martin', groupCodes: ['sales'] } },
    );
    if (!body.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(body.errors)}`);
    claireId = body.data.createUser.user.id;
  });
  afterAll(async () => {
    await suivi?.stop();
    await provider?.stop();
  });

  it('authenticates the Suivi user whose login the token names', async () => {
    const { status, body } = await meWith(await provider.sign({ preferred_username: 'Claire' }));
    expect(status).toBe(200);
    expect(body.data?.me).toEqual({ id: claireId, login: 'claire', groups: [{ code: 'sales' }] });
  });

  it('still accepts API tokens', async () => {
    expect((await suivi.graphql<Me>(ME)).body.data?.me.login).toBe('admin');
  });

  it('refuses, with the one 401 every bad token gets, a JWT for an unknown login, another audience or another key', async () => {
    const forged = await new SignJWT({ preferred_username: 'claire' })
      .setProtectedHeader({ alg: 'HS256', kid: provider.key.kid })
      .setIssuer(provider.issuer)
      .setAudience(provider.audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(provider.key.publicJwk)));
    for (const token of [
      await provider.sign({ preferred_username: 'nobody' }),
      await provider.sign({ preferred_username: 'claire' }, { audience: 'another-app' }),
      await provider.sign({ preferred_username: 'claire' }, { expiresAt: new Date(Date.now() - 120_000), issuedAt: new Date(Date.now() - 600_000) }),
      forged,
    ]) {
      const response = await meWith(token);
      expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: UNAUTHENTICATED });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="suivi", error="invalid_token"');
    }
  });
});

describe('JWTs while the provider cannot be reached', () => {
  let provider: TestOidcProvider;
  let suivi: SuiviApp;

  beforeAll(async () => {
    provider = await TestOidcProvider.start('suivi-api');
    // Nothing listens on the key set's address: the port is taken, then released.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    suivi = await SuiviApp.start({ env: oidcEnv(provider, `http://127.0.0.1:${port}/jwks`), logger: [] });
  });
  afterAll(async () => {
    await suivi?.stop();
    await provider?.stop();
  });

  it('answers 503 to a well-formed JWT, as to any authentication outage, and keeps serving API tokens', async () => {
    const response = await suivi.as(await provider.sign({ preferred_username: 'admin' })).post(JSON.stringify({ query: ME }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
    expect((await suivi.graphql<Me>(ME)).status).toBe(200);
  });
});
