import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Built data sets kept between runs: the generated log, and the read models the
 * projections built from it. Both are deterministic for a seed and a build, so
 * an entry is keyed by the mode, the seed and a hash of the compiled code that
 * produces it; any change to the domain, the stores, the projections or the
 * generator makes a new key, and a new entry replaces the old one of its mode.
 */
export const CACHE_ROOT = path.join(os.tmpdir(), 'suivi-bench-cache');

const DIST = path.resolve('dist');

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (fs.statSync(dir).isFile()) {
    hash.update(path.relative(DIST, dir)).update(fs.readFileSync(dir));
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, full);
    else if (entry.name.endsWith('.js') && !entry.name.endsWith('.spec.js')) {
      hash.update(path.relative(DIST, full)).update(fs.readFileSync(full));
    }
  }
}

const keyOf = (parts: readonly string[], trees: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  for (const tree of trees) hashTree(hash, path.join(DIST, tree));
  return hash.digest('hex').slice(0, 16);
};

export interface CacheKeys {
  readonly events: string;
  readonly readModels: string;
}

export function cacheKeys(mode: string, seed: string): CacheKeys {
  const events = keyOf([mode, seed], ['libs/domain', 'libs/event-store', 'libs/platform', 'bench/data', 'bench/support/seeded-random.js']);
  // Read models depend on every lib (projections read the security lib's events too).
  const readModels = keyOf([events], ['libs']);
  return { events: `events-${mode}-${events}`, readModels: `read-${mode}-${readModels}` };
}

/** The entry's directory when it is complete, else null. */
export function cachedEntry(name: string, files: readonly string[]): string | null {
  const dir = path.join(CACHE_ROOT, name);
  return files.every((file) => fs.existsSync(path.join(dir, file))) ? dir : null;
}

/** Copies `files` (and their -wal/-shm companions, if any) from one directory to another. */
export function copyFiles(from: string, to: string, files: readonly string[]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const file of files) {
    for (const suffix of ['', '-wal', '-shm']) {
      const source = path.join(from, `${file}${suffix}`);
      const target = path.join(to, `${file}${suffix}`);
      fs.rmSync(target, { force: true });
      if (fs.existsSync(source)) fs.copyFileSync(source, target);
    }
  }
}

/** Stores a new entry atomically (written aside, then renamed) and drops older entries of the same kind and mode. */
export function storeEntry(name: string, from: string, files: readonly string[]): void {
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  for (const old of fs.readdirSync(CACHE_ROOT)) {
    if (old.startsWith(prefix) && old !== name) fs.rmSync(path.join(CACHE_ROOT, old), { recursive: true, force: true });
  }
  const staging = path.join(CACHE_ROOT, `.staging-${process.pid}-${name}`);
  fs.rmSync(staging, { recursive: true, force: true });
  copyFiles(from, staging, files);
  fs.rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
  fs.renameSync(staging, path.join(CACHE_ROOT, name));
}
