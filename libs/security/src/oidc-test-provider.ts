import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A signing key of the test provider, with the `kid` its tokens name. */
export interface TestSigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface TestTokenOptions {
  readonly key?: TestSigningKey;
  /** null: no `kid` in the header. */
  readonly kid?: string | null;
  readonly issuer?: string;
  readonly audience?: string;
  /** The time the token is issued at; exp is 5 minutes later unless given. */
  readonly issuedAt?: Date;
  /** null: no `exp`. */
  readonly expiresAt?: Date | null;
}

export async function testSigningKey(kid: string, alg = 'ES256'): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * Test support: an OpenID Connect provider reduced to what Suivi reads of one,
 * its key set, served over HTTP on loopback; and the tokens it would issue,
 * signed with a locally generated key pair. The issuer is the server's URL.
 */
export class TestOidcProvider {
  /** What GET /jwks answers: the published keys, or a bare status. */
  published: { keys: JWK[] } | { status: number };
  /** Requests for the key set so far. */
  fetches = 0;
  private readonly server = http.createServer((request, response) => this.answer(request, response));
  private port = 0;

  private constructor(
    readonly audience: string,
    readonly key: TestSigningKey,
  ) {
    this.published = { keys: [key.publicJwk] };
  }

  static async start(audience = 'suivi-api'): Promise<TestOidcProvider> {
    const provider = new TestOidcProvider(audience, await testSigningKey('key-1'));
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    provider.port = (provider.server.address() as AddressInfo).port;
    return provider;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  /** A token of this provider for Suivi, carrying `claims`; each option makes it wrong in one way. */
  sign(claims: JWTPayload, options: TestTokenOptions = {}): Promise<string> {
    const key = options.key ?? this.key;
    const kid = options.kid === undefined ? key.kid : options.kid;
    const issuedAt = options.issuedAt ?? new Date();
    const expiresAt = options.expiresAt === undefined ? new Date(issuedAt.getTime() + 5 * 60_000) : options.expiresAt;
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(kid === null ? {} : { kid }) })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000));
    if (expiresAt !== null) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
    return jwt.sign(key.privateKey);
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.fetches += 1;
    if (request.url !== '/jwks') {
      response.writeHead(404).end();
    } else if ('status' in this.published) {
      response.writeHead(this.published.status).end();
    } else {
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(this.published));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}
