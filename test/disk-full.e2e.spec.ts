import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { EVENT_STORE_FILE, KEY_STORE_FILE, READ_STORE_FILE } from '#platform';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type MutationName } from './support/suivi-client.js';

/**
 * A data directory that runs out of space, or turns read-only under the
 * running server: writes are refused with SERVICE_UNAVAILABLE and a message
 * saying what to do, reads go on, nothing half-written is left behind, and
 * once the volume is fixed writes work again on files SQLite finds intact.
 *
 * Running as root, chmod does not stop a write: the full data directory is a
 * small tmpfs of its own (`mount -t tmpfs`), the read-only one a loop-mounted
 * ext4 image turned read-only by the kernel; both need CAP_SYS_ADMIN. Where
 * that is not allowed the suite is skipped and says why.
 */

const SIZE = '6m';

function tryMount(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr || (error instanceof Error ? error.message : String(error));
  }
}

/** Whether this process may mount at all: tried once on a scratch directory, at once undone. */
function probeMount(): string | null {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-mount-probe-'));
  const refused = tryMount(probe);
  if (!refused) execFileSync('umount', [probe], { stdio: 'pipe' });
  fs.rmSync(probe, { recursive: true, force: true });
  return refused;
}

const cannotMount = probeMount();
if (cannotMount) process.stdout.write(`disk-full suite skipped: cannot mount a small tmpfs here (${cannotMount}); it needs root with CAP_SYS_ADMIN\n`);
const suite = cannotMount ? describe.skip : describe;

/** Fills the volume to the last byte; returns the filler file, to delete to free the space. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler.bin');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last bytes, smaller than a chunk.
  try {
    for (;;) fs.writeSync(fd, chunk, 0, 512);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function integrity(dir: string): Record<string, string> {
  return Object.fromEntries(
    [EVENT_STORE_FILE, READ_STORE_FILE, KEY_STORE_FILE]
      .filter((name) => fs.existsSync(path.join(dir, name)))
      .map((name) => {
        const db = new Database(path.join(dir, name), { readonly: true });
        try {
          return [name, String(db.pragma('integrity_check', { simple: true }))];
        } finally {
          db.close();
        }
      }),
  );
}

/**
 * A small ext4 file system in a loop-mounted image, mounted errors=remount-ro.
 * A volume cannot be remounted read-only while files are open for writing
 * (EBUSY); the kernel's own reaction to a file-system error can, and ext4
 * lets root trigger one (/sys/fs/ext4/<dev>/trigger_fs_error). Returns why
 * not, where it cannot be done.
 */
function ext4Volume(): { dir: string; failToReadOnly(): void; repair(): void; remove(): void } | string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-ext4-'));
  const image = path.join(root, 'volume.img');
  const dir = path.join(root, 'data');
  fs.mkdirSync(dir);
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' });
  const mount = () => run('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
  try {
    run('truncate', ['-s', '32M', image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    mount();
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot loop-mount an ext4 image here (${stderr || String(error)})`;
  }
  const device = () => path.basename(execFileSync('findmnt', ['-n', '-o', 'SOURCE', dir]).toString().trim());
  return {
    dir,
    failToReadOnly: () => fs.writeFileSync(`/sys/fs/ext4/${device()}/trigger_fs_error`, 'suivi disk-full suite'),
    repair: () => {
      run('umount', [dir]);
      try {
        run('e2fsck', ['-f', '-y', image]);
      } catch (error) {
        // Exit status 1: errors were corrected, which is what this is for.
        if ((error as { status?: number }).status !== 1) throw error;
      }
      mount();
    },
    remove: () => {
      try {
        run('umount', [dir]);
      } catch {
        // Already unmounted.
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

suite('a data directory that is full, or read-only', () => {
  let mountPoint: string;
  let suivi: SuiviApp | null = null;
  let client: SuiviClient;
  let thirdPartyId: string;
  let serial = 0;

  /** A few kinds of writes: a new record, a change, a contact (which creates a data subject's key). */
  const attempts = (): [MutationName, Record<string, unknown>][] => {
    serial += 1;
    return [
      ['registerThirdParty', { name: `Volume ${serial} ${'x'.repeat(100)}`, kind: 'COMPANY', roles: ['PROSPECT'] }],
      ['updateThirdParty', { thirdPartyId, website: `https://volume-${serial}.example/${'y'.repeat(100)}` }],
      ['addContact', { thirdPartyId, lastName: `Plein${serial}`, notes: 'z'.repeat(1000) }],
    ];
  };

  /** Sends writes until one is refused; every answer must be a success or the storage refusal. */
  const writeUntilRefused = async (max: number) => {
    const refusals: { message: string; code: unknown }[] = [];
    for (let i = 0; i < max && refusals.length === 0; i++) {
      for (const [name, input] of attempts()) {
        const head = await suivi!.headPosition();
        const result = await client.mutate(name, input);
        if (result.payload) continue;
        const error = result.errors?.[0];
        refusals.push({ message: error?.message ?? '', code: error?.extensions?.['code'] });
        expect(result.status).toBeLessThan(500);
        // Refused means not written: the log's head did not move.
        expect(await suivi!.headPosition()).toBe(head);
      }
    }
    return refusals;
  };

  const readsStillWork = async () => {
    const { body } = await suivi!.graphql<{ thirdParty: { id: string } }>('query($id: ID!) { thirdParty(id: $id) { id name } }', { id: thirdPartyId });
    expect(body.errors).toBeUndefined();
    expect(body.data?.thirdParty.id).toBe(thirdPartyId);
  };

  beforeAll(() => {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-small-volume-'));
    const refused = tryMount(mountPoint);
    if (refused) throw new Error(`mounting a tmpfs on ${mountPoint} failed: ${refused}`);
  });

  // A failed case must not leave its server holding files on the volume: the next case,
  // the unmount and the test run itself would wait on it.
  afterEach(async () => {
    await suivi?.stop().catch(() => undefined);
    suivi = null;
  });

  afterAll(async () => {
    await suivi?.stop();
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      // Not mounted (skipped, or already gone).
    }
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  it('disk full: refuses writes with SERVICE_UNAVAILABLE saying to free space, serves reads, and recovers intact', async () => {
    suivi = await SuiviApp.start({ dataDir: mountPoint });
    client = new SuiviClient(suivi);
    thirdPartyId = (await client.must('registerThirdParty', { name: 'Scierie Plein', kind: 'COMPANY', roles: ['CUSTOMER'] })).thirdParty.id;
    await client.must('addContact', { thirdPartyId, lastName: 'Avant' });
    await client.read('query($id: ID!) { thirdParty(id: $id) { id } }', { id: thirdPartyId });

    const filler = fill(mountPoint);
    const refusals = await writeUntilRefused(40);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      // The whole refusal, so that a failure shows the message with the code.
      expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(refusal.message).toMatch(/full/i);
      expect(refusal.message).toMatch(/free space/i);
    }
    await readsStillWork();

    fs.rmSync(filler);
    for (const [name, input] of attempts()) {
      const result = await client.mutate(name, input);
      expect(result.errors).toBeUndefined();
    }
    await client.read('query($id: ID!) { thirdParty(id: $id) { id } }', { id: thirdPartyId });
    await suivi.stop();
    suivi = null;
    expect(integrity(mountPoint)).toEqual({ [EVENT_STORE_FILE]: 'ok', [READ_STORE_FILE]: 'ok', [KEY_STORE_FILE]: 'ok' });
  });

  it('read-only: refuses writes with SERVICE_UNAVAILABLE saying to make it writable, serves reads, and recovers intact', async () => {
    const volume = ext4Volume();
    if (typeof volume === 'string') {
      process.stdout.write(`read-only case skipped: ${volume}\n`);
      return;
    }
    // Under NORMAL durability the last commits are in the page cache only, and a volume the
    // kernel stops writing loses them, as a power failure would (decision 0027); FULL keeps them.
    const env = { SUIVI_DURABILITY: 'full' };
    try {
      suivi = await SuiviApp.start({ dataDir: volume.dir, env });
      client = new SuiviClient(suivi);
      thirdPartyId = (await client.must('registerThirdParty', { name: 'Scierie Seule', kind: 'COMPANY', roles: ['CUSTOMER'] })).thirdParty.id;
      await client.must('addContact', { thirdPartyId, lastName: 'Avant' });
      await client.read('query($id: ID!) { thirdParty(id: $id) { id } }', { id: thirdPartyId });

      // What the kernel does when the disk fails under a running server: remount read-only, files still open.
      volume.failToReadOnly();
      const refusals = await writeUntilRefused(1);
      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        // SQLite sees the kernel's refusal as an I/O error; the message sends the operator to the mount.
        expect(refusal.message).toMatch(/read-only|mount/i);
        expect(refusal.message).toMatch(/retry/i);
      }
      await readsStillWork();

      // The operator's repair: stop, check the file system, mount it again, start.
      await suivi.stop();
      suivi = null;
      volume.repair();
      suivi = await SuiviApp.start({ dataDir: volume.dir, env });
      client = new SuiviClient(suivi);
      for (const [name, input] of attempts()) {
        const result = await client.mutate(name, input);
        expect(result.errors).toBeUndefined();
      }
      await client.read('query($id: ID!) { thirdParty(id: $id) { id } }', { id: thirdPartyId });
      await suivi.stop();
      suivi = null;
      expect(integrity(volume.dir)).toEqual({ [EVENT_STORE_FILE]: 'ok', [READ_STORE_FILE]: 'ok', [KEY_STORE_FILE]: 'ok' });
    } finally {
      await suivi?.stop();
      suivi = null;
      volume.remove();
    }
  });
});
