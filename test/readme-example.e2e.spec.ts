import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_USER_ID, e2eBackends, SuiviApp, type GraphQLResponse } from './support/suivi-app.js';

const SECTION = "## A day in a salesperson's life";

interface Step {
  readonly document: string;
  readonly variables: Record<string, unknown>;
}

/**
 * The README's worked example, as written: every ```graphql block in order, each
 * with the ```json block that follows it as its variables. Response excerpts are
 * ```jsonc and are not executed. Ids in the README are derived from the
 * idempotency keys the example sends, so they are the same on every run.
 */
function readmeSteps(): Step[] {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(SECTION);
  if (start === -1) throw new Error(`README.md has no section "${SECTION}"`);
  const next = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, next === -1 ? undefined : next);
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang!, body: body! }));
  const steps: Step[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'graphql') return;
    const following = blocks[index + 1];
    const variables = following?.lang === 'json' ? (JSON.parse(following.body) as Record<string, unknown>) : {};
    steps.push({ document: block.body, variables });
  });
  return steps;
}

describe.each(e2eBackends())("the README's day in a salesperson's life runs as written (%s)", (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  const steps = readmeSteps();
  const results: GraphQLResponse<Record<string, Record<string, unknown>>>[] = [];

  beforeAll(async () => {
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}) });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('has the steps the example promises', () => {
    const operations = steps.map((step) => /\{\s*(\w+)/.exec(step.document.replace(/^[^{]*/, ''))?.[1]);
    expect(operations).toEqual(
      expect.arrayContaining(['registerThirdParty', 'addContact', 'logExchange', 'latestExchanges', 'convertProspect', 'thirdParty', 'auditJournal']),
    );
  });

  it('runs every step without an error, reading its own writes', async () => {
    let position = '0';
    for (const step of steps) {
      const { body } = await suivi.graphql<Record<string, Record<string, unknown>>>(step.document, step.variables, {
        'x-suivi-consistent-with': position,
      });
      expect({ document: step.document, errors: body.errors }).toEqual({ document: step.document, errors: undefined });
      for (const payload of Object.values(body.data ?? {})) {
        if (typeof payload?.['position'] === 'string') position = payload['position'];
      }
      results.push(body);
    }
  });

  it('ends with a customer, its history and the journal of who did what', () => {
    const last = <T>(field: string): T => results.findLast((result) => result.data?.[field] !== undefined)!.data![field] as T;
    const thirdParty = last<{ roles: string[]; contacts: unknown[]; timeline: { edges: { node: { kind: string } }[] } }>('thirdParty');
    expect(thirdParty.roles).toEqual(['CUSTOMER']);
    expect(thirdParty.contacts).toHaveLength(2);
    expect(thirdParty.timeline.edges.map((e) => e.node.kind).sort()).toEqual(
      ['PROSPECT_CONVERTED', 'EXCHANGE_LOGGED', 'EXCHANGE_LOGGED', 'EXCHANGE_LOGGED', 'CONTACT_ADDED', 'CONTACT_ADDED', 'THIRD_PARTY_REGISTERED'].sort(),
    );
    const upcoming = last<{ edges: { node: { status: string } }[] }>('upcomingContacts');
    expect(upcoming.edges.map((e) => e.node.status)).toEqual(['TO_DO']);
    const journal = last<{ edges: { node: { action: string; actor: { id: string } } }[] }>('auditJournal');
    expect(journal.edges[0]!.node).toMatchObject({ action: 'ProspectConverted', actor: { id: ADMIN_USER_ID } });
  });

  it('answers with the ids and positions the README shows', () => {
    const readme = readFileSync('README.md', 'utf8');
    const first = <T>(field: string): T => results.find((result) => result.data?.[field] !== undefined)!.data![field] as T;
    const registered = first<{ position: string; thirdParty: { id: string } }>('registerThirdParty');
    expect(readme).toContain(`{ "data": { "registerThirdParty": { "position": "${registered.position}", "thirdParty": {`);
    expect(readme).toContain(`"id": "${registered.thirdParty.id}", "name": "Boulangerie Martin"`);
    const converted = first<{ position: string }>('convertProspect');
    expect(readme).toContain(`{ "data": { "convertProspect": { "position": "${converted.position}", "thirdParty": {`);
    expect(readme).toContain(`-H 'x-suivi-consistent-with: ${converted.position}'`);
    expect(readme).toContain(`"actor": { "id": "${ADMIN_USER_ID}" }`);
  });
});
