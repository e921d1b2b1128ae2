#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import type { EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import { openCodec, describeStores, loadConfig, openEventStore, openReadStore, systemClock } from '#platform';
import { ProjectionRunner, projections, UnknownProjection } from '#projections';
import { registerAccessCommands } from './access.commands.js';
import { registerAuditCommands } from './audit.commands.js';
import { registerBackupCommands } from './backup.commands.js';
import { registerPrivacyExportCommands } from './privacy-export.commands.js';
import { registerPrivacyCommands } from './privacy.commands.js';
import { registerRetentionCommands } from './retention.commands.js';
import { registerImportCommands } from './import.commands.js';
import { registerReplayCommands } from './replay.commands.js';
import { registerExportEventsCommands } from './export-events.commands.js';
import { registerReportCommands } from './report.commands.js';

/**
 * `suivi`: operator commands. They open the stores the same way the server does
 * (same environment variables), so run them with the server's configuration.
 */

interface Session {
  store: EventStore;
  readStore: ReadStore;
  runner: ProjectionRunner;
}

const quietLogger = {
  log: () => undefined,
  warn: (message: string) => process.stderr.write(`warning: ${message}\n`),
  error: (message: string) => process.stderr.write(`error: ${message}\n`),
};

async function withSession<T>(work: (session: Session) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openEventStore(config);
  const readStore = await openReadStore(config);
  const codec = await openCodec(config);
  const runner = new ProjectionRunner({ store, readStore, codec, clock: systemClock, logger: quietLogger });
  try {
    return await work({ store, readStore, runner });
  } finally {
    await runner.stop();
    await codec.close();
    await readStore.close();
    await store.close();
  }
}

/** Accepts a projection's full name (`directory.v2`) or its base name (`directory`). */
function projectionName(name: string): string {
  const found = projections.find((p) => p.name === name || p.name.split('.')[0] === name);
  if (!found) {
    throw new UnknownProjection(`${name} (known: ${projections.map((p) => p.name.split('.')[0]).join(', ')})`);
  }
  return found.name;
}

const program = new Command()
  .name('suivi')
  .description('Suivi operator commands (stores are chosen by SUIVI_DATA_DIR, EVENTSTORE_URL, MONGODB_URL)')
  .showHelpAfterError();

const projectionsCommand = program.command('projections').description('read models built from the event log');

projectionsCommand
  .command('status')
  .description('checkpoint, head of the log and lag of every projection')
  .action(() =>
    withSession(async ({ runner }) => {
      process.stdout.write(`${describeStores(loadConfig())}\n`);
      const rows = await runner.lag();
      const parked = await runner.listParked();
      for (const row of rows) {
        const parkedCount = parked.filter((p) => p.projection === row.name).length;
        process.stdout.write(
          `${row.name.padEnd(24)} checkpoint ${String(row.checkpoint ?? '-').padStart(10)}  head ${String(row.head ?? '-').padStart(10)}  lag ${String(row.lagEvents).padStart(8)}  parked ${parkedCount}\n`,
        );
      }
    }),
  );

projectionsCommand
  .command('rebuild')
  .argument('<name>', 'projection to rebuild, e.g. directory')
  .description('drop a read model and rebuild it from position 0 (stop the worker first)')
  .action((name: string) =>
    withSession(async ({ runner }) => {
      const full = projectionName(name);
      const bar = new cliProgress.SingleBar(
        { format: `${full} [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}`, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      const started = Date.now();
      let barStarted = false;
      const result = await runner.rebuild(full, {
        onProgress: (done, head) => {
          const total = Number(head ?? done);
          const value = Number(done);
          const rate = Math.round(value / Math.max((Date.now() - started) / 1000, 0.001));
          if (!barStarted) {
            bar.start(total, 0, { rate });
            barStarted = true;
          }
          bar.setTotal(Math.max(total, value));
          bar.update(value, { rate });
        },
      });
      if (barStarted) bar.stop();
      process.stdout.write(`rebuilt ${full}: ${result.events} events in ${(result.durationMs / 1000).toFixed(1)} s\n`);
    }),
  );

projectionsCommand
  .command('parked')
  .argument('[name]', 'only this projection')
  .description('events a projection failed on and set aside')
  .action((name: string | undefined) =>
    withSession(async ({ runner }) => {
      const parked = await runner.listParked(name ? projectionName(name) : undefined);
      if (parked.length === 0) process.stdout.write('no parked events\n');
      for (const p of parked) {
        process.stdout.write(`${p.projection} position ${p.position} ${p.type} (${p.streamName}) after ${p.attempts} attempts: ${p.error}\n`);
      }
      if (parked.length > 0) process.stdout.write('fix the projection, then: suivi projections replay-parked <name> <position>\n');
    }),
  );

projectionsCommand
  .command('replay-parked')
  .argument('<name>', 'projection')
  .argument('<position>', 'position of the parked event')
  .description('apply a parked event again, after the projection was fixed')
  .action((name: string, position: string) =>
    withSession(async ({ runner }) => {
      if (!/^\d+$/.test(position)) throw new Error(`position must be a whole number, got "${position}"`);
      await runner.replayParked(projectionName(name), BigInt(position));
      process.stdout.write(`replayed ${name} position ${position}\n`);
    }),
  );

registerAccessCommands(program);
registerAuditCommands(program);
registerBackupCommands(program);
registerPrivacyExportCommands(program);
registerPrivacyCommands(program);
registerRetentionCommands(program);
registerImportCommands(program);
registerReplayCommands(program);
registerExportEventsCommands(program);
registerReportCommands(program);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`suivi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
