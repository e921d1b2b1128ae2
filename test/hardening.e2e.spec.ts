import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_API_LIMITS } from '#platform';
import { SuiviApp, type GraphQLResponse } from './support/suivi-app.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-00000000beef';

/** Every app starts with the harness's administrator, whose token `graphql()` and `post()` send. */
const start = (env: Record<string, string> = {}): Promise<SuiviApp> => SuiviApp.start({ env });

/** A request with no Authorization header at all. */
async function postWithoutToken(suivi: SuiviApp, body: string): Promise<number> {
  const response = await fetch(`${suivi.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  return response.status;
}

const codeOf = (body: GraphQLResponse): unknown => body.errors?.[0]?.extensions?.['code'];

/** `thirdParty { contacts { thirdParty { contacts { … } } } }`, `levels` pairs deep. */
const nested = (levels: number): string =>
  `query($id: ID!) { thirdParty(id: $id) { ${'contacts { thirdParty { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;

describe('GraphQL hardening: abusive requests get a clear error, never a 5xx', () => {
  let suivi: SuiviApp;

  beforeAll(async () => {
    suivi = await start();
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('serves a query as deep as the limit', async () => {
    // thirdParty (1) + 4 × contacts/thirdParty (8) + id (1) = the default limit of 10.
    expect(DEFAULT_API_LIMITS.maxDepth).toBe(10);
    const { status, body } = await suivi.graphql(nested(4), { id: UNKNOWN_ID });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { thirdParty: null } });
  });

  it('refuses a depth bomb before running it', async () => {
    const { status, body } = await suivi.graphql(nested(40), { id: UNKNOWN_ID });
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    // Its cost is refused too; each limit reports what it found.
    expect(body.errors).toContainEqual({
      message: 'query too deep: depth 82, at most 10 allowed',
      extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 10, found: 82 }),
    });
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: thirdParties { totalCount }`).join(' ');
    const { status, body } = await suivi.graphql(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toContainEqual({
      message: 'too many aliases: 100, at most 15 allowed',
      extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: 15, found: 100 }),
    });
  });

  it('refuses a document with too many tokens while parsing it', async () => {
    const fields = Array.from({ length: 2500 }, () => 'totalCount').join(' ');
    const { status, body } = await suivi.graphql(`{ thirdParties { ${fields} } }`);
    expect(status).toBe(400);
    expect(codeOf(body)).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error: Document contains more th\w+ 2000 tokens\. Parsing aborted\.$/);
  });

  it('refuses a query whose cost exceeds the limit: nested pages of 100', async () => {
    const query = `{ exchanges(first: 100) { edges { node { thirdParty { timeline(first: 100) { edges { node { id summary } } } } } } } }`;
    const { status, body } = await suivi.graphql(query);
    expect(status).toBe(400);
    expect(codeOf(body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/^query too costly: cost \d+, at most 20000 allowed$/);
  });

  it('refuses first: 100000, written in the query or passed as a variable', async () => {
    const inline = await suivi.graphql('{ thirdParties(first: 100000) { totalCount } }');
    expect(inline.status).toBe(400);
    expect(codeOf(inline.body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(inline.body.errors?.[0]?.message).toBe('query too costly: cost 350000, at most 20000 allowed');

    // A variable escapes the cost analysis, which sees only the document; the page size check does not.
    const variable = await suivi.graphql('query($first: Int) { thirdParties(first: $first) { totalCount } }', { first: 100_000 });
    expect(variable.status).toBeLessThan(500);
    expect(variable.body.data).toBeNull();
    expect(variable.body.errors?.[0]).toMatchObject({
      message: 'first: must be between 1 and 100',
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it('refuses a batched request: one HTTP request carries one operation', async () => {
    const operation = { query: '{ thirdParties { totalCount } }' };
    const { status, body } = await suivi.post(JSON.stringify([operation, operation]));
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const padding = 'x'.repeat(DEFAULT_API_LIMITS.bodyLimitBytes);
    const oversized = JSON.stringify({ query: '{ thirdParties { totalCount } }', variables: { padding } });
    const { status, body } = await suivi.post(oversized);
    expect(status).toBe(413);
    expect(body.errors?.[0]).toEqual({
      message: `request body too large: the limit is ${DEFAULT_API_LIMITS.bodyLimitBytes} bytes`,
      extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: DEFAULT_API_LIMITS.bodyLimitBytes },
    });
  });

  it('answers with field suggestions and stack traces outside production', async () => {
    const { body } = await suivi.graphql('{ thirdParties { edges { node { nme } } } }');
    expect(body.errors?.[0]?.message).toBe('Cannot query field "nme" on type "ThirdParty". Did you mean "name"?');
    expect(body.errors?.[0]?.extensions?.['stacktrace']).toBeDefined();
  });
});

describe('GraphQL hardening: production mode', () => {
  let suivi: SuiviApp;

  beforeAll(async () => {
    suivi = await start({ NODE_ENV: 'production' });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('leaves the environment of the test process as it was', () => {
    expect(process.env['NODE_ENV']).not.toBe('production');
  });

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "ThirdParty") { fields { name } } }'],
  ])('closes introspection (%s)', async (_label, query) => {
    const { status, body } = await suivi.graphql(query);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(codeOf(body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it('drops field suggestions from validation errors', async () => {
    const { status, body } = await suivi.graphql('{ thirdParties { edges { node { nme } } } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toBe('Cannot query field "nme" on type "ThirdParty".');
  });

  it('drops enum value suggestions from input errors', async () => {
    const { status, body } = await suivi.graphql(
      'mutation($input: RegisterThirdPartyInput!) { registerThirdParty(input: $input) { position } }',
      { input: { name: 'Garage Petit', kind: 'COMPANY', roles: ['PROSPCT'] } },
    );
    expect(status).toBeLessThan(500);
    const error = body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/"PROSPCT" does not exist in "ThirdPartyRole" enum\.$/);
  });

  it('sends no stack trace, whatever the error', async () => {
    const responses = await Promise.all([
      suivi.graphql('{ thirdParties { edges { node { nme } } } }'),
      suivi.graphql(`mutation { archiveThirdParty(input: { thirdPartyId: "${UNKNOWN_ID}" }) { position } }`),
      suivi.graphql('query($first: Int) { thirdParties(first: $first) { totalCount } }', { first: 0 }),
      suivi.graphql(nested(40), { id: UNKNOWN_ID }),
    ]);
    for (const { status, body } of responses) {
      expect(status).toBeLessThan(500);
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.extensions?.['stacktrace']).toBeUndefined();
    }
  });
});

describe('GraphQL hardening: rate limit per token, per address without one', () => {
  const LIMIT = 3;
  let suivi: SuiviApp;
  const body = JSON.stringify({ query: '{ thirdParties { totalCount } }' });

  beforeAll(async () => {
    suivi = await start({ SUIVI_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('answers 429 with RATE_LIMITED and Retry-After once a token has used its budget', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const allowed = await suivi.post(body);
      expect(allowed.status).toBe(200);
      expect(allowed.body.errors).toBeUndefined();
    }
    const limited = await suivi.post(body);
    expect(limited.status).toBe(429);
    expect(limited.body.data).toBeUndefined();
    const error = limited.body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('RATE_LIMITED');
    const retryAfterSeconds = error?.extensions?.['retryAfterSeconds'];
    expect(typeof retryAfterSeconds).toBe('number');
    expect(retryAfterSeconds).toBeGreaterThan(0);
    expect(retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error?.message).toBe(`rate limit exceeded: at most ${LIMIT} requests per minute; retry after ${String(retryAfterSeconds)} s`);
    expect(limited.headers.get('retry-after')).toBe(String(retryAfterSeconds));
  });

  it('gives another token a budget of its own', async () => {
    // Refused by authentication (not a token of this server), but not by the rate limit.
    const other = await suivi.post(body, { authorization: 'Bearer another-token-with-its-own-budget' });
    expect(other.status).toBe(401);
  });

  it('limits requests without a token by address, before authentication refuses them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push(await postWithoutToken(suivi, body));
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i <= LIMIT + 1; i++) {
      const response = await fetch(`${suivi.url}/health/live`);
      expect(response.status).toBe(200);
    }
  });
});
