import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventsAfter, eventStoreOf } from './support/event-log.js';
import { serverBuilt, ServerChild } from './support/server-child.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient, THIRD_PARTY_FIELDS, writeTestCatalogue, type Node } from './support/suivi-client.js';

/**
 * Two people editing the same third party at the same moment. With the
 * version they read (expectedVersion), the second to write is told its copy
 * is stale: one wins, the other gets CONFLICT, and nothing the loser sent is
 * applied. Without it, the command is decided again on the newer history, so
 * changes to different fields are all kept.
 *
 * In one process the embedded store serialises most requests by itself; the
 * last case runs two server processes on one data directory, so that reads
 * and appends really interleave and the re-decision is exercised.
 */

const ROUNDS = 10;

interface ThirdPartyView extends Node {
  version: string;
  phone: string | null;
  website: string | null;
  email: string | null;
  paymentTerms: string | null;
  leadSource: string | null;
}

describe('concurrent writers on one third party', () => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let catalogueDir: string;

  const register = async (name: string): Promise<ThirdPartyView> =>
    (await client.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'] })).thirdParty as ThirdPartyView;

  const reread = async (id: string): Promise<ThirdPartyView> =>
    (await client.read<{ thirdParty: ThirdPartyView }>(`query($id: ID!) { thirdParty(id: $id) { ${THIRD_PARTY_FIELDS} } }`, { id })).thirdParty;

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-concurrency-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), env: { SUIVI_RATE_LIMIT_PER_MINUTE: '0' } });
    client = new SuiviClient(suivi);
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  it('with the same expectedVersion: one wins, the other gets CONFLICT, and the winner is not overwritten', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const seen = await register(`Menuiserie Blanc ${round}`);
      const store = eventStoreOf(suivi);
      const head = await store.headPosition();
      const [alice, bob] = await Promise.all([
        client.mutate('updateThirdParty', { thirdPartyId: seen.id, expectedVersion: seen.version, phone: `+33 1 00 00 00 ${10 + round}` }),
        client.mutate('updateThirdParty', { thirdPartyId: seen.id, expectedVersion: seen.version, phone: `+33 6 00 00 00 ${10 + round}` }),
      ]);
      const answers = [alice, bob];
      const winners = answers.filter((answer) => answer.payload !== undefined);
      const losers = answers.filter((answer) => answer.payload === undefined);
      expect([winners.length, losers.length]).toEqual([1, 1]);
      expect(losers[0]!.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: seen.version, actualVersion: winners[0]!.payload!.thirdParty['version'] });
      // Only the winner's change reached the log, and the record shows it.
      expect((await eventsAfter(store, head)).map((event) => [event.streamName, event.type])).toEqual([[`thirdParty-${seen.id}`, 'ThirdPartyUpdated']]);
      const after = await reread(seen.id);
      expect(after.phone).toBe(winners[0]!.payload!.thirdParty['phone']);
      expect(after.version).toBe(winners[0]!.payload!.thirdParty['version']);

      // The loser reloads, and its change then goes through on the new version.
      const retried = await client.mutate('updateThirdParty', { thirdPartyId: seen.id, expectedVersion: after.version, website: `https://blanc-${round}.example` });
      expect(retried.errors).toBeUndefined();
      expect(retried.payload!.thirdParty).toMatchObject({ phone: after.phone, website: `https://blanc-${round}.example` });
    }
  });

  it('without expectedVersion: the command is decided again on the newer history, every field change is kept', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const seen = await register(`Atelier Noir ${round}`);
      const changes = {
        phone: `+33 1 11 11 11 ${10 + round}`,
        website: `https://noir-${round}.example`,
        email: `contact-${round}@noir.example`,
        paymentTerms: `${30 + round} days`,
        leadSource: `fair ${round}`,
      };
      const answers = await Promise.all(
        Object.entries(changes).map(([field, value]) => client.mutate('updateThirdParty', { thirdPartyId: seen.id, [field]: value })),
      );
      expect(answers.map((answer) => answer.errors ?? null)).toEqual(answers.map(() => null));
      const after = await reread(seen.id);
      expect(after).toMatchObject(changes);
      expect(BigInt(after.version)).toBe(BigInt(seen.version) + BigInt(Object.keys(changes).length));
    }
  });
});

const UPDATE = 'mutation($input: UpdateThirdPartyInput!) { updateThirdParty(input: $input) { thirdParty { id version } } }';
const REGISTER = 'mutation($input: RegisterThirdPartyInput!) { registerThirdParty(input: $input) { thirdParty { id version } } }';
const READ = 'query($id: ID!) { thirdParty(id: $id) { phone website email paymentTerms leadSource version } }';

describe('two server processes writing to one data directory', () => {
  const built = serverBuilt();
  if (!built) process.stdout.write('skipped: dist/apps/api/src/main.js is missing (npm run build)\n');
  const maybe = built ? it : it.skip;
  let dataDir: string;
  let servers: ServerChild[] = [];

  beforeAll(async () => {
    if (!built) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-two-writers-'));
    const logFile = path.join(dataDir, 'servers.log');
    // One runs the worker; the other only serves the API, as a second instance would.
    servers = [
      await ServerChild.start({ dataDir, logFile }),
      await ServerChild.start({ dataDir, logFile, env: { SUIVI_WORKER: 'off' } }),
    ];
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  maybe('keeps every field change, and lets only one of two same-version writers win', async () => {
    const [a, b] = servers as [ServerChild, ServerChild];
    let conflicts = 0;
    for (let round = 0; round < ROUNDS * 2; round++) {
      const created = await a.graphql<{ registerThirdParty: { thirdParty: { id: string; version: string } } }>(REGISTER, {
        input: { name: `Scierie Vert ${round}`, kind: 'COMPANY', roles: ['PROSPECT'] },
      });
      const { id, version } = created.body.data!.registerThirdParty.thirdParty;
      const changes = { phone: `+33 2 22 22 22 ${10 + round}`, website: `https://vert-${round}.example`, email: `vert-${round}@example.fr`, paymentTerms: `${round} days` };
      const answers = await Promise.all(
        Object.entries(changes).map(([field, value], index) => (index % 2 === 0 ? a : b).graphql(UPDATE, { input: { thirdPartyId: id, [field]: value } })),
      );
      expect(answers.map((answer) => answer.body.errors ?? null)).toEqual(answers.map(() => null));
      const versions = answers.map((answer) => (answer.body.data as { updateThirdParty: { thirdParty: { version: string } } }).updateThirdParty.thirdParty.version);
      // Every writer's change landed on its own revision: none was appended over another.
      expect(new Set(versions).size).toBe(versions.length);
      const last = versions.map(BigInt).reduce((max, v) => (v > max ? v : max));
      expect(last).toBe(BigInt(version) + BigInt(versions.length));
      const after = await a.graphql<{ thirdParty: Record<string, string> }>(READ, { id }, { 'x-suivi-consistent-with': '0' });
      // The read side catches up on its own schedule; the write side's answer is the truth to wait for.
      let view = after.body.data?.thirdParty;
      for (let wait = 0; wait < 100 && view?.['version'] !== String(last); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        view = (await a.graphql<{ thirdParty: Record<string, string> }>(READ, { id })).body.data?.thirdParty;
      }
      expect(view).toMatchObject(changes);

      const stale = await Promise.all([
        a.graphql(UPDATE, { input: { thirdPartyId: id, expectedVersion: String(last), leadSource: `a-${round}` } }),
        b.graphql(UPDATE, { input: { thirdPartyId: id, expectedVersion: String(last), leadSource: `b-${round}` } }),
      ]);
      const codes = stale.map((answer) => answer.body.errors?.[0]?.extensions?.['code'] ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
      conflicts += 1;
    }
    expect(conflicts).toBe(ROUNDS * 2);
  });
});
