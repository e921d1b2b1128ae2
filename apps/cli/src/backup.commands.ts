import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { backupDataDir, BackupError, loadConfig, reapplyErasures, restoreDataDir, type BackupProgress } from '#platform';

/**
 * `suivi backup --out DIR` and `suivi restore --from DIR --data-dir DIR`: the
 * embedded stores (SQLite files under SUIVI_DATA_DIR), backed up while the
 * server runs. Progress goes to standard error, what was done to standard
 * output; an error says what to do next.
 */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .requiredOption('--out <dir>', 'a new (or empty) directory for this backup, ideally on another disk')
    .description('consistent online backup of the embedded stores of SUIVI_DATA_DIR (the server may keep running)')
    .action(async (options: { out: string }) => {
      const config = loadConfig();
      if (config.eventStoreUrl || config.mongodbUrl) {
        throw new BackupError(
          'suivi backup covers the embedded SQLite stores only; with EVENTSTORE_URL or MONGODB_URL set, back up EventStoreDB and MongoDB with their own tools (and keys.sqlite lives in MongoDB then)',
        );
      }
      const bars = progressBars();
      const manifest = await backupDataDir({ dataDir: config.dataDir, out: options.out, suiviVersion: suiviVersion(), onProgress: bars.update });
      bars.stop();
      process.stdout.write(
        `backed up ${manifest.files.length} files (${megabytes(manifest.files.reduce((sum, file) => sum + file.bytes, 0))}) from ${config.dataDir} to ${path.resolve(options.out)}\n` +
          `log head: position ${manifest.eventStoreHead ?? '(empty log)'}; manifest: ${path.join(path.resolve(options.out), 'manifest.json')}\n` +
          'keep this backup as safely as the data directory: it holds the subjects\' keys and their personal data\n',
      );
    });

  program
    .command('restore')
    .requiredOption('--from <dir>', 'a backup made by `suivi backup`')
    .requiredOption('--data-dir <dir>', 'where to restore: a new or empty directory (the server must not run on it)')
    .option('--force', 'replace the Suivi files of a non-empty directory (stop the server first)')
    .description('restore a backup into a data directory, check it, and destroy again the keys of every subject its log records as forgotten')
    .action(async (options: { from: string; dataDir: string; force?: boolean }) => {
      const bar = new cliProgress.SingleBar(
        { format: 'restore [{bar}] {percentage}% | {file}', stream: process.stderr, hideCursor: false },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      const result = await restoreDataDir({
        from: options.from,
        dataDir: options.dataDir,
        force: options.force ?? false,
        onProgress: (file, done, total) => {
          if (!process.stderr.isTTY) {
            process.stderr.write(`restored ${file} (${megabytes(done)} of ${megabytes(total)})\n`);
            return;
          }
          if (!started) bar.start(Math.max(total, 1), 0, { file });
          started = true;
          bar.update(done, { file });
        },
      });
      if (started) bar.stop();
      const dataDir = path.resolve(options.dataDir);
      const erasures = await reapplyErasures({ ...loadConfig(), dataDir, eventStoreUrl: null, mongodbUrl: null });
      const { manifest } = result;
      process.stdout.write(
        [
          `restored ${result.files} files (${megabytes(result.bytes)}) into ${dataDir}, checksums verified`,
          `backup taken ${manifest.createdAt} by Suivi ${manifest.suiviVersion}; log head: position ${manifest.eventStoreHead ?? '(empty log)'}`,
          `erasures in the restored log: ${erasures.erasureEvents} (${erasures.subjects} subjects); keys destroyed again now: ${erasures.keysDestroyed}`,
          'next:',
          `  1. run again every erasure made after ${manifest.createdAt}, from its certificate: suivi privacy forget <kind> <id> --reason <reason>`,
          `  2. start the server with SUIVI_DATA_DIR=${dataDir} (and the same SUIVI_KEY_ENCRYPTION_KEY as when the backup was taken)`,
          '  3. check `suivi projections status`: the read models catch up from their checkpoints; writes made after the backup are not in it',
        ].join('\n') + '\n',
      );
    });
}

function progressBars(): { update: (progress: BackupProgress) => void; stop: () => void } {
  // Redirected to a file or a pipe (cron, CI): a line per file rather than bars.
  if (!process.stderr.isTTY) {
    return {
      update: (progress) => {
        if (progress.phase === 'restarted') process.stderr.write(`${progress.file} was written to during the copy: copying the rest in one step\n`);
        if (progress.phase === 'file-done') process.stderr.write(`copied ${progress.file} (${megabytes(progress.bytes)})\n`);
      },
      stop: () => undefined,
    };
  }
  const multibar = new cliProgress.MultiBar(
    { format: '{file} [{bar}] {percentage}% | {value}/{total} pages', stream: process.stderr, hideCursor: false, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update: (progress) => {
      if (progress.phase === 'restarted') {
        multibar.log(`${progress.file} was written to during the copy: copying the rest in one step\n`);
        return;
      }
      if (progress.phase !== 'copying') return;
      let bar = bars.get(progress.file);
      if (bar === undefined) {
        bar = multibar.create(progress.totalPages, 0, { file: progress.file.padEnd(14) });
        bars.set(progress.file, bar);
      }
      bar.setTotal(progress.totalPages);
      bar.update(progress.donePages);
    },
    stop: () => {
      for (const bar of bars.values()) bar.update(bar.getTotal());
      multibar.stop();
    },
  };
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** The version in Suivi's package.json, found above this file (source or dist alike). */
function suiviVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'suivi' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
