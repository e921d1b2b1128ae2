import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '#event-store';
import { backupDataDir, type BackupProgress } from './backup.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'suivi-backup-int-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the online copy of a file the server writes to meanwhile', () => {
  it('starts over once, then copies the rest in one step: the copy has the write', async () => {
    const dataDir = path.join(scratch, 'data');
    const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.sqlite') });
    await events.append('thirdParty-1', [{ eventId: '00000000-0000-4000-8000-000000000001', type: 'Noted', data: { n: 1 }, metadata: {} }], 'no_stream');
    await events.close();
    // A read store of ~8 MB: several steps of the copy.
    const writer = new Database(path.join(dataDir, 'read.sqlite'));
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE docs (id INTEGER PRIMARY KEY, body BLOB)');
    const insert = writer.prepare('INSERT INTO docs (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run(Buffer.alloc(4_000, i % 251));
    })();

    const phases: BackupProgress[] = [];
    let wrote = false;
    await backupDataDir({
      dataDir,
      out: path.join(scratch, 'backup'),
      suiviVersion: 'test',
      onProgress: (progress) => {
        phases.push(progress);
        // The server appends while the first steps are copied.
        if (!wrote && progress.phase === 'copying' && progress.file === 'read.sqlite' && progress.donePages > 0) {
          insert.run(Buffer.from('written during the backup'));
          wrote = true;
        }
      },
    });
    writer.close();

    expect(wrote).toBe(true);
    expect(phases.filter((p) => p.phase === 'restarted').map((p) => p.file)).toEqual(['read.sqlite']);
    expect(phases.filter((p) => p.phase === 'copying' && p.file === 'read.sqlite').length).toBeGreaterThan(1);
    const copy = new Database(path.join(scratch, 'backup', 'read.sqlite'), { readonly: true });
    try {
      expect(copy.prepare('SELECT COUNT(*) AS n FROM docs').get()).toEqual({ n: 2_001 });
    } finally {
      copy.close();
    }
  });
});
