import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_STORE_FILE, KEY_STORE_FILE, READ_STORE_FILE } from '../stores.js';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'suivi-backup/1';

/** The folders of the mailer's "already handed over" records: without them a restored worker could mail again. */
export const MAIL_RECORD_DIRS = ['mail-sent', 'outbox'] as const;

export interface BackupFile {
  /** Relative to the data directory, with `/` separators. */
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly suiviVersion: string;
  /** When the backup finished (ISO-8601). */
  readonly createdAt: string;
  /** Where it was taken from, for the operator's records. */
  readonly dataDir: string;
  /** Global position of the last event in the backed-up log; null for an empty log. */
  readonly eventStoreHead: string | null;
  readonly files: readonly BackupFile[];
}

export type BackupProgress =
  | { readonly phase: 'copying'; readonly file: string; readonly donePages: number; readonly totalPages: number }
  | { readonly phase: 'restarted'; readonly file: string }
  | { readonly phase: 'file-done'; readonly file: string; readonly bytes: number };

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * The order the SQLite files are copied in makes the set consistent without
 * stopping the server: the read store first, so its checkpoints never point
 * past the log copied after it (the projections catch up from them after a
 * restore); the log next; the subject keys after the log, so every key an
 * event of the copy was written with is in the copy (a key is drawn before
 * its event is appended). Any other database of the data directory follows.
 */
const FILE_ORDER = [READ_STORE_FILE, EVENT_STORE_FILE, KEY_STORE_FILE];

// Pages per step of the online backup: a few MB, so progress can be shown and writers are not held up.
const STEP_PAGES = 1024;
// sqlite3_backup_step with more pages than the file has: the rest in one step, under one read lock.
const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  readonly dataDir: string;
  /** A directory that does not exist yet, or is empty. */
  readonly out: string;
  readonly suiviVersion: string;
  readonly now?: () => Date;
  readonly onProgress?: (progress: BackupProgress) => void;
}

/**
 * A consistent online backup of the embedded stores: every *.sqlite of the
 * data directory through SQLite's online backup API (a running server keeps
 * writing meanwhile), the mailer's records, and a manifest (sizes, SHA-256,
 * head of the log) written last: a directory without one is not a backup.
 */
export async function backupDataDir(options: BackupOptions): Promise<BackupManifest> {
  const dataDir = path.resolve(options.dataDir);
  const out = path.resolve(options.out);
  const progress = options.onProgress ?? (() => undefined);
  if (out === dataDir || out.startsWith(`${dataDir}${path.sep}`)) {
    throw new BackupError(`--out ${out} is inside the data directory ${dataDir}: choose a directory elsewhere (another disk, ideally)`);
  }
  const databases = await sqliteFilesOf(dataDir);
  if (!databases.includes(EVENT_STORE_FILE)) {
    throw new BackupError(`${dataDir} holds no ${EVENT_STORE_FILE}: point SUIVI_DATA_DIR at the server's data directory (with EVENTSTORE_URL or MONGODB_URL, back those up with their own tools)`);
  }
  await requireEmptyOrMissing(out, '--out', 'choose a new directory for each backup');
  await mkdir(out, { recursive: true });

  const files: BackupFile[] = [];
  let head: bigint | null = null;
  for (const name of databases) {
    const target = path.join(out, name);
    await onlineCopy(path.join(dataDir, name), target, name, progress);
    // A standalone file, not a WAL database: it opens read-only anywhere and is one file to checksum.
    const copy = new Database(target);
    try {
      copy.pragma('journal_mode = DELETE');
      if (name === EVENT_STORE_FILE) {
        const row = copy.prepare('SELECT MAX(global_position) AS head FROM events').safeIntegers(true).get() as { head: bigint | null };
        head = row.head;
      }
      const check = String(copy.pragma('quick_check', { simple: true }));
      if (check !== 'ok') throw new BackupError(`the copy of ${name} fails SQLite's quick_check (${check}): check the data directory's disk, then run the backup again`);
    } finally {
      copy.close();
    }
    const file = await describe(out, name);
    files.push(file);
    progress({ phase: 'file-done', file: name, bytes: file.bytes });
  }
  for (const dir of MAIL_RECORD_DIRS) {
    for (const name of await plainFilesUnder(dataDir, dir)) {
      await mkdir(path.dirname(path.join(out, name)), { recursive: true });
      await copyFile(path.join(dataDir, name), path.join(out, name));
      files.push(await describe(out, name));
    }
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    suiviVersion: options.suiviVersion,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    dataDir,
    eventStoreHead: head === null ? null : head.toString(),
    files,
  };
  await writeFile(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { flush: true });
  return manifest;
}

async function onlineCopy(source: string, target: string, name: string, progress: (p: BackupProgress) => void): Promise<void> {
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    let remaining = Number.POSITIVE_INFINITY;
    let rate = STEP_PAGES;
    await db.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        // Written to by the server meanwhile, SQLite starts the copy over (the pages left stop going
        // down): the rest then goes in one step, which no write can interrupt.
        if (remainingPages >= remaining && rate !== ALL_PAGES) {
          progress({ phase: 'restarted', file: name });
          rate = ALL_PAGES;
        }
        remaining = remainingPages;
        progress({ phase: 'copying', file: name, donePages: totalPages - remainingPages, totalPages });
        return rate;
      },
    });
  } catch (error) {
    throw new BackupError(`copying ${name} failed: ${error instanceof Error ? error.message : String(error)} (is there room in the target directory?)`);
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  readonly from: string;
  readonly dataDir: string;
  /** Replace the Suivi files of a non-empty data directory. */
  readonly force?: boolean;
  readonly onProgress?: (file: string, done: number, total: number) => void;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Checks every file of the backup against its manifest, then copies it into
 * the data directory. Refuses a non-empty directory unless `force`; with it,
 * the files the backup replaces go first, with their -wal and -shm (a stale
 * write-ahead log applied to a restored database would corrupt it).
 */
export async function restoreDataDir(options: RestoreOptions): Promise<RestoreResult> {
  const from = path.resolve(options.from);
  const dataDir = path.resolve(options.dataDir);
  const manifest = await readManifest(from);
  if (!options.force) await requireEmptyOrMissing(dataDir, '--data-dir', 'restore into a new directory, or stop the server and pass --force to replace its files');

  let total = 0;
  for (const file of manifest.files) total += file.bytes;
  let done = 0;
  for (const file of manifest.files) {
    const actual = await describe(from, file.name).catch(() => null);
    if (actual === null) throw new BackupError(`${file.name} is listed in the manifest but missing from ${from}: this backup is incomplete, use another one`);
    if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) {
      throw new BackupError(`${file.name} does not match the manifest (sha256 or size differs): this backup is damaged, use another one`);
    }
  }
  await mkdir(dataDir, { recursive: true });
  if (options.force) {
    for (const name of [...new Set([...(await sqliteFilesOf(dataDir)), ...manifest.files.map((file) => file.name)])]) {
      if (!name.endsWith('.sqlite')) continue;
      for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(path.join(dataDir, `${name}${suffix}`), { force: true });
    }
    for (const dir of MAIL_RECORD_DIRS) await rm(path.join(dataDir, dir), { recursive: true, force: true });
  }
  for (const file of manifest.files) {
    const target = path.join(dataDir, file.name);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.restoring`;
    await copyFile(path.join(from, file.name), temporary);
    const copied = await describe(dataDir, `${file.name}.restoring`);
    if (copied.sha256 !== file.sha256) throw new BackupError(`${file.name} changed while it was copied to ${dataDir}: check that disk, then restore again`);
    await rename(temporary, target);
    done += file.bytes;
    options.onProgress?.(file.name, done, total);
  }
  return { manifest, files: manifest.files.length, bytes: total };
}

export async function readManifest(from: string): Promise<BackupManifest> {
  let raw: string;
  try {
    raw = await readFile(path.join(from, MANIFEST_FILE), 'utf8');
  } catch {
    throw new BackupError(`${from} has no ${MANIFEST_FILE}: it is not a Suivi backup, or the backup did not finish (take another one)`);
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(raw) as BackupManifest;
  } catch {
    throw new BackupError(`${path.join(from, MANIFEST_FILE)} is not valid JSON: this backup is damaged, use another one`);
  }
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.files)) {
    throw new BackupError(`${path.join(from, MANIFEST_FILE)} is not a ${BACKUP_FORMAT} manifest (format: ${String(manifest.format)})`);
  }
  for (const file of manifest.files) {
    // A manifest names files inside the backup, never outside it.
    if (typeof file.name !== 'string' || path.isAbsolute(file.name) || file.name.split(/[\\/]/).includes('..')) {
      throw new BackupError(`${MANIFEST_FILE} lists a file outside the backup (${String(file.name)}): refusing it`);
    }
  }
  return manifest;
}

async function sqliteFilesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BackupError(`${dir} does not exist: point SUIVI_DATA_DIR at the server's data directory`);
    throw error;
  });
  const names = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.sqlite')).map((entry) => entry.name);
  const rank = (name: string) => (FILE_ORDER.includes(name) ? FILE_ORDER.indexOf(name) : FILE_ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

async function plainFilesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function requireEmptyOrMissing(dir: string, option: string, advice: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new BackupError(`${option} ${dir} is not empty: ${advice}`);
}

async function describe(root: string, name: string): Promise<BackupFile> {
  const file = path.join(root, name);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { name: name.replace(/\.restoring$/, ''), bytes: (await stat(file)).size, sha256: hash.digest('hex') };
}
