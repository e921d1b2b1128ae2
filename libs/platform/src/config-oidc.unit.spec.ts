import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

const PROVIDER = {
  SUIVI_OIDC_ISSUER: 'https://login.example.fr/realms/suivi',
  SUIVI_OIDC_JWKS_URL: 'https://login.example.fr/realms/suivi/protocol/openid-connect/certs',
  SUIVI_OIDC_AUDIENCE: 'suivi-api',
};

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('OpenID Connect settings from the environment', () => {
  it('are off unless configured', () => {
    expect(loadConfig({}).oidc).toBeNull();
    expect(loadConfig({ SUIVI_OIDC_ISSUER: '', SUIVI_OIDC_JWKS_URL: ' ' }).oidc).toBeNull();
  });

  it('reads issuer, key set, audience and the login claim (preferred_username by default), the issuer kept exactly', () => {
    expect(loadConfig(PROVIDER).oidc).toEqual({
      issuer: 'https://login.example.fr/realms/suivi',
      jwksUrl: 'https://login.example.fr/realms/suivi/protocol/openid-connect/certs',
      audience: 'suivi-api',
      userClaim: 'preferred_username',
    });
    expect(loadConfig({ ...PROVIDER, SUIVI_OIDC_ISSUER: 'https://idp.example.fr', SUIVI_OIDC_USER_CLAIM: 'email' }).oidc).toMatchObject({
      issuer: 'https://idp.example.fr',
      userClaim: 'email',
    });
  });

  it('needs the issuer and the key set together, naming the one missing', () => {
    expect(refusal({ ...PROVIDER, SUIVI_OIDC_JWKS_URL: '' })).toMatch(/^SUIVI_OIDC_JWKS_URL: must be set with SUIVI_OIDC_ISSUER/);
    expect(refusal({ ...PROVIDER, SUIVI_OIDC_ISSUER: '' })).toMatch(/^SUIVI_OIDC_ISSUER: must be set with SUIVI_OIDC_JWKS_URL/);
  });

  it('needs an audience, so that a token issued for another application is not accepted', () => {
    expect(refusal({ ...PROVIDER, SUIVI_OIDC_AUDIENCE: '' })).toMatch(/^SUIVI_OIDC_AUDIENCE: must be set .*any other application/);
  });

  it('refuses an audience or a claim without a provider rather than ignore it', () => {
    expect(refusal({ SUIVI_OIDC_AUDIENCE: 'suivi-api' })).toMatch(/^SUIVI_OIDC_AUDIENCE: is set but SUIVI_OIDC_ISSUER and SUIVI_OIDC_JWKS_URL are not/);
    expect(refusal({ SUIVI_OIDC_USER_CLAIM: 'email' })).toMatch(/^SUIVI_OIDC_USER_CLAIM: is set/);
  });

  it.each([
    ['SUIVI_OIDC_JWKS_URL', 'http://login.example.fr/certs', /must be an https:\/\/ URL; http:\/\/ is accepted only for a loopback host/],
    ['SUIVI_OIDC_ISSUER', 'http://login.example.fr', /must be an https:\/\/ URL; http:\/\/ is accepted only for a loopback host/],
    ['SUIVI_OIDC_JWKS_URL', 'ftp://127.0.0.1/certs', /must be an https:\/\/ URL/],
    ['SUIVI_OIDC_JWKS_URL', '/certs', /must be an absolute https:\/\/ URL \(got "\/certs"\)/],
    ['SUIVI_OIDC_ISSUER', 'login.example.fr', /must be an absolute https:\/\/ URL/],
  ])('refuses %s=%s, naming the variable', (variable, value, message) => {
    expect(refusal({ ...PROVIDER, [variable]: value })).toMatch(new RegExp(`^${variable}: ${message.source}`));
  });

  it.each(['http://127.0.0.1:8080/certs', 'http://localhost/certs', 'http://[::1]:9000/certs'])('accepts http:// on a loopback host: %s', (url) => {
    expect(loadConfig({ ...PROVIDER, SUIVI_OIDC_ISSUER: 'http://127.0.0.1:8080', SUIVI_OIDC_JWKS_URL: url }).oidc?.jwksUrl).toBe(url);
  });

  it('refuses a claim name that cannot be one', () => {
    expect(refusal({ ...PROVIDER, SUIVI_OIDC_USER_CLAIM: 'preferred username' })).toMatch(/^SUIVI_OIDC_USER_CLAIM: must be a claim name/);
  });
});
