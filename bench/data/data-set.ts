import fs from 'node:fs';
import path from 'node:path';
import { SqliteEventStore, type IdGenerator } from '#event-store';
import { KEY_STORE_FILE } from '#platform';
import type { BenchOptions } from '../bench-options.js';
import { openBenchCodec } from '../support/bench-codec.js';
import { SeededRandom } from '../support/seeded-random.js';
import { cacheKeys, cachedEntry, copyFiles, storeEntry, type CacheKeys } from './data-set.cache.js';
import { DataSetGenerator, type DataSetWorld } from './data-set.generator.js';
import { loadDataSet, type LoadResult } from './data-set.loader.js';

export const EVENTS_FILE = 'events.sqlite';
export const READ_FILE = 'read.sqlite';
/** The data subjects' keys the log's personal data is encrypted with: part of the data set. */
export const KEYS_FILE = KEY_STORE_FILE;
const WORLD_FILE = 'world.json';

export interface PreparedDataSet {
  readonly dir: string;
  readonly eventsFile: string;
  readonly readFile: string;
  readonly world: DataSetWorld;
  /** Null when an earlier run's data set was reused. */
  readonly load: LoadResult | null;
  /** Where built data sets are kept between runs; null with --no-cache or --reuse. */
  readonly cache: CacheKeys | null;
  /** How the log got here. */
  readonly origin: 'generated' | 'cache' | 'reused';
}

/** Ids drawn from the seed, so two runs with one seed store identical logs. */
export const seededIds = (seed: string): IdGenerator => {
  const random = new SeededRandom(seed);
  return { next: () => random.uuid() };
};

interface WorldFile {
  readonly mode: string;
  readonly seed: string;
  readonly world: DataSetWorld;
}

/**
 * Generates the data set into `dir/events.sqlite` (or reuses one a kept run
 * left there for the same mode and seed) and records what it holds in world.json.
 */
export async function prepareDataSet(options: BenchOptions, dir: string, log: (line: string) => void): Promise<PreparedDataSet> {
  const eventsFile = path.join(dir, EVENTS_FILE);
  const readFile = path.join(dir, READ_FILE);
  const worldFile = path.join(dir, WORLD_FILE);
  if (options.reuse !== null && fs.existsSync(worldFile) && fs.existsSync(eventsFile) && fs.existsSync(path.join(dir, KEYS_FILE))) {
    const saved = JSON.parse(fs.readFileSync(worldFile, 'utf8')) as WorldFile;
    if (saved.mode === options.mode && saved.seed === options.seed) {
      log(`reusing the data set in ${dir} (${saved.world.events.toLocaleString('en-US')} events)`);
      return { dir, eventsFile, readFile, world: saved.world, load: null, cache: null, origin: 'reused' };
    }
    throw new Error(`${dir} holds a ${saved.mode} data set with seed ${saved.seed}, not ${options.mode}/${options.seed}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file), { recursive: true, force: true });

  const cache = options.cache ? cacheKeys(options.mode, options.seed) : null;
  const cached = cache === null ? null : cachedEntry(cache.events, [EVENTS_FILE, KEYS_FILE, WORLD_FILE]);
  if (cache !== null && cached !== null) {
    copyFiles(cached, dir, [EVENTS_FILE, KEYS_FILE, WORLD_FILE]);
    const saved = JSON.parse(fs.readFileSync(worldFile, 'utf8')) as WorldFile;
    log(`the generated log of this build and seed is cached: copied ${saved.world.events.toLocaleString('en-US')} events from ${cached}`);
    return { dir, eventsFile, readFile, world: saved.world, load: null, cache, origin: 'cache' };
  }

  const size = options.sizes.dataSet;
  log(
    `generating ${size.events.toLocaleString('en-US')} events: ${size.thirdParties.toLocaleString('en-US')} third parties, ` +
      `${size.contacts.toLocaleString('en-US')} contacts (seed ${options.seed})`,
  );
  const generator = new DataSetGenerator(size, options.seed);
  const store = SqliteEventStore.open({ file: eventsFile, durability: 'normal' });
  const codec = openBenchCodec(eventsFile);
  let load: LoadResult;
  try {
    load = await loadDataSet(store, codec, generator, seededIds(`${options.seed}:events`), (events) =>
      log(`  ${events.toLocaleString('en-US')} events`),
    );
  } finally {
    await store.close();
    await codec.close();
  }
  const world = generator.world();
  fs.writeFileSync(worldFile, JSON.stringify({ mode: options.mode, seed: options.seed, world } satisfies WorldFile));
  if (cache !== null) storeEntry(cache.events, dir, [EVENTS_FILE, KEYS_FILE, WORLD_FILE]);
  log(
    `  ${load.events.toLocaleString('en-US')} events in ${(load.durationMs / 1000).toFixed(1)} s; largest account: ` +
      `${world.largestAccounts[0]?.timelineEntries.toLocaleString('en-US') ?? 0} timeline entries`,
  );
  return { dir, eventsFile, readFile, world, load, cache, origin: 'generated' };
}
