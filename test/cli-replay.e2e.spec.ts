import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { directoryProjection, projections, timelineProjection, type DirectoryEntry, type Projection } from '#projections';
import { SqliteReadStore, type Doc } from '#read-store';
import { replay, withReplaySession, REPLAY_MANIFEST_FILE, type ReplayArgs } from '../apps/cli/src/replay.commands.js';
import { eventsAfter, eventStoreOf } from './support/event-log.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every document of a projection's collection in a SQLite read store, by id. */
async function documents(file: string, projection: Projection): Promise<Doc[]> {
  const store = SqliteReadStore.open({ file });
  try {
    const collection = await store.collection<Doc>(projection.collection);
    const docs: Doc[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await collection.find({ first: 100, after });
      docs.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    return docs.sort((a, b) => (a.id < b.id ? -1 : 1));
  } finally {
    await store.close();
  }
}

const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * `suivi replay`, run in-process as the command line runs it (stores opened
 * from the environment), on the data directory a server wrote and left: a
 * history with an instant in its middle, replayed as of that instant and as of
 * now, into directories of its own.
 */
describe('replaying read models as of a past instant', () => {
  let dataDir: string;
  let work: string;
  let between: string;
  /** The last event handled before `between`. */
  let lastBefore: bigint;
  let head: bigint;
  let alpha: string;
  const notes: string[] = [];
  const lines: string[] = [];

  const cli = (args: ReplayArgs) => {
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
    return withReplaySession((session) => replay(session, args, { out: (line) => lines.push(line), note: (line) => notes.push(line), progress: false }));
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-replay-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-replay-out-'));
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const client = new SuiviClient(suivi);
      alpha = (await client.must('registerThirdParty', { name: 'Alpha Conseil', kind: 'COMPANY', roles: ['PROSPECT'] })).thirdParty.id;
      await client.must('logExchange', { thirdPartyId: alpha, mode: 'phone', subject: 'prospecting' });
      await pause(25);
      between = new Date().toISOString();
      await pause(25);
      await client.must('updateThirdParty', { thirdPartyId: alpha, name: 'Alpha Conseil SARL' });
      await client.must('registerThirdParty', { name: 'Beta Industries', kind: 'COMPANY', roles: ['CUSTOMER'] });
      // Reading with the last position waits for every projection: stopping then saves their checkpoints.
      await client.read('query { thirdParties(first: 10) { totalCount } }');
      const events = await eventsAfter(eventStoreOf(suivi));
      lastBefore = events.filter((e) => Date.parse((e.metadata as { occurredAt: string }).occurredAt) <= Date.parse(between)).at(-1)!.position;
      head = events.at(-1)!.position;
    } finally {
      await suivi.stop();
    }
  }, 60_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('rebuilds a projection as it stood at the instant, in a store of its own, and reads the live stores only', async () => {
    const live = ['events.sqlite', 'read.sqlite', 'keys.sqlite'].map((file) => digest(path.join(dataDir, file)));
    const out = path.join(work, 'then');
    const result = await cli({ until: between, projection: 'directory', out });
    expect(result.last?.position).toBe(lastBefore);
    expect(result.last!.handledAt.getTime()).toBeLessThanOrEqual(Date.parse(between));
    expect(result.projections.map((p) => p.name)).toEqual([directoryProjection.name]);
    const docs = (await documents(path.join(out, 'read.sqlite'), directoryProjection)) as DirectoryEntry[];
    expect(docs.map((d) => d.name)).toEqual(['Alpha Conseil']);
    const manifest = JSON.parse(readFileSync(path.join(out, REPLAY_MANIFEST_FILE), 'utf8')) as { until: string; lastEvent: { position: string } };
    expect(manifest).toMatchObject({ until: between, lastEvent: { position: String(lastBefore) } });
    const store = SqliteReadStore.open({ file: path.join(out, 'read.sqlite') });
    try {
      expect(await store.checkpoints.get(directoryProjection.name)).toBe(lastBefore);
    } finally {
      await store.close();
    }
    expect(['events.sqlite', 'read.sqlite', 'keys.sqlite'].map((file) => digest(path.join(dataDir, file)))).toEqual(live);
    expect(lines.at(-1)).toMatch(new RegExp(`^replayed directory\\.v\\d+ as of ${between.replace(/[.]/g, '\\.')}: \\d+ events up to position ${lastBefore} `));
  });

  it('as of now, every projection equals the live read model', async () => {
    const out = path.join(work, 'now');
    const result = await cli({ until: new Date(Date.now() + 60_000).toISOString(), projection: 'all', out });
    expect(result.last?.position).toBe(head);
    expect(result.projections).toHaveLength(projections.length);
    expect(result.parked).toBe(0);
    for (const projection of projections) {
      expect({ projection: projection.name, docs: await documents(path.join(out, 'read.sqlite'), projection) }).toEqual({
        projection: projection.name,
        docs: await documents(path.join(dataDir, 'read.sqlite'), projection),
      });
    }
    expect(await documents(path.join(out, 'read.sqlite'), timelineProjection)).not.toEqual([]);
    const names = ((await documents(path.join(out, 'read.sqlite'), directoryProjection)) as DirectoryEntry[]).map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['Alpha Conseil SARL', 'Beta Industries']));
  });

  it('holds empty read models as of an instant before the first event, and says so', async () => {
    const out = path.join(work, 'before');
    const result = await cli({ until: '2001-01-01', projection: 'directory.v2', out });
    expect(result.last).toBeNull();
    expect(await documents(path.join(out, 'read.sqlite'), directoryProjection)).toEqual([]);
    expect(notes.at(-1)).toBe('no event was handled at or before 2001-01-01T00:00:00.000Z: the replay holds empty read models');
  });

  it('refuses what it must not do, saying what to do instead', async () => {
    await expect(cli({ until: between, projection: 'directori', out: path.join(work, 'x') })).rejects.toThrow(
      /^no projection named "directori": give one of directory, contacts, .*, or all$/,
    );
    const used = path.join(work, 'used');
    mkdirSync(used);
    writeFileSync(path.join(used, 'notes.txt'), 'mine');
    await expect(cli({ until: between, projection: 'directory', out: used })).rejects.toThrow(/is not empty \(notes\.txt\): give an empty or new directory, or --force/);
    await cli({ until: between, projection: 'directory', out: used, force: true });
    expect(readFileSync(path.join(used, 'notes.txt'), 'utf8')).toBe('mine');
    await expect(cli({ until: between, projection: 'directory', out: dataDir, force: true })).rejects.toThrow(/is the live data directory/);
    await expect(cli({ until: '2026-03-01T09:30', projection: 'directory', out: path.join(work, 'y') })).rejects.toThrow(/^--until must be a date .* or a date-time with its offset/);
    await expect(cli({ until: '2026-02-30', projection: 'directory', out: path.join(work, 'y') })).rejects.toThrow('--until is not a valid date: "2026-02-30"');
    process.env['SUIVI_DATA_DIR'] = path.join(work, 'no-data');
    await expect(withReplaySession(async () => undefined)).rejects.toThrow(
      `no event log at ${path.join(work, 'no-data', 'events.sqlite')}: set SUIVI_DATA_DIR to the server's data directory`,
    );
  });
});
