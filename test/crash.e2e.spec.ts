import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runCrashHarness, type Durability } from './crash/crash-harness.js';
import { serverBuilt } from './support/server-child.js';

/**
 * The crash harness (test/crash/crash-harness.ts) in both durability modes:
 * SUIVI_CRASH_ROUNDS rounds each (3 here by default; `npm run test:crash`
 * runs 20), SUIVI_CRASH_SEED to replay a failing run.
 */

const rounds = Number(process.env['SUIVI_CRASH_ROUNDS'] ?? 3);
const seed = Number(process.env['SUIVI_CRASH_SEED'] ?? 20_261_123);
// A round is a start, a burst and a kill: a few seconds on a loaded machine; the checks at the end a few more.
const timeoutMs = 60_000 + rounds * 10_000;

const built = serverBuilt();
if (!built) process.stdout.write('crash harness skipped: dist/apps/api/src/main.js is missing (npm run build)\n');

describe.each<Durability>(['normal', 'full'])('SIGKILL at random moments, SUIVI_DURABILITY=%s', (durability) => {
  (built ? it : it.skip)(
    `loses nothing acknowledged, doubles nothing, converges and mails once (${rounds} rounds, seed ${seed})`,
    async () => {
      const workDir = mkdtempSync(path.join(os.tmpdir(), `suivi-crash-${durability}-`));
      const report = await runCrashHarness({
        durability,
        rounds,
        seed: seed + (durability === 'full' ? 1 : 0),
        workDir,
        log: (line) => (process.env['SUIVI_CRASH_VERBOSE'] ? process.stdout.write(`${line}\n`) : undefined),
      });
      process.stdout.write(`crash harness (${durability}): ${JSON.stringify({ ...report, problems: report.problems.length })}\n`);
      expect(report.problems).toEqual([]);
      // The harness proves something only if kills cut answers off and resends found work already done.
      expect(report.resent).toBeGreaterThan(0);
      expect(report.mails).toBeGreaterThan(0);
      rmSync(workDir, { recursive: true, force: true });
    },
    timeoutMs,
  );
});
