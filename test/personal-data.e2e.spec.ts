import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';

const REGISTER = `
  mutation Register($input: RegisterThirdPartyInput!) {
    registerThirdParty(input: $input) { position thirdParty { id name email territory } }
  }`;

const READ = `query Read($id: ID!) { thirdParty(id: $id) { name email territory } }`;

interface RegisterData {
  registerThirdParty: { position: string; thirdParty: { id: string; name: string; email: string | null; territory: string | null } };
}

/** Every byte of a SQLite database on disk: the file and its WAL. */
const bytesOf = (file: string): Buffer =>
  Buffer.concat(['', '-wal'].map((suffix) => (existsSync(file + suffix) ? readFileSync(file + suffix) : Buffer.alloc(0))));

describe.each(e2eBackends())('personal data at rest (%s)', (_label, mongoUrl) => {
  let suivi: SuiviApp;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongoUrl ? { mongodbUrl: mongoUrl } : {});
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('serves what it stores encrypted per data subject', async () => {
    const input = { name: 'Honorine Vasseur', kind: 'INDIVIDUAL', roles: ['PROSPECT'], email: 'honorine.vasseur@example.org', territory: 'FR-59' };
    const { body } = await suivi.graphql<RegisterData>(REGISTER, { input });
    expect(body.errors).toBeUndefined();
    const { id } = body.data!.registerThirdParty.thirdParty;
    const read = await suivi.graphql(READ, { id }, { 'x-suivi-consistent-with': body.data!.registerThirdParty.position });
    expect(read.body.data).toEqual({ thirdParty: { name: 'Honorine Vasseur', email: 'honorine.vasseur@example.org', territory: 'FR-59' } });

    const events = bytesOf(path.join(suivi.dataDir, 'events.sqlite'));
    expect(events.includes(id)).toBe(true);
    expect(events.includes('FR-59')).toBe(true);
    expect(events.includes('Honorine')).toBe(false);
    expect(events.includes('vasseur@example')).toBe(false);
    // The keys live with the read models' engine: a file of their own, or the MongoDB database.
    expect(existsSync(path.join(suivi.dataDir, 'keys.sqlite'))).toBe(mongoUrl === undefined);
  });
});
