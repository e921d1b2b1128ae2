import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection } from './support/suivi-client.js';

const VERIFY = 'query { verifyAuditJournal { ok checkedEvents checkedUpTo headHash firstBreak { position eventId reason } } }';
const JOURNAL = `query($first: Int, $after: String) {
  auditJournal(first: $first, after: $after) { edges { node { id position action hash previousHash } } pageInfo { hasNextPage endCursor } }
}`;

interface Verification {
  ok: boolean;
  checkedEvents: number;
  checkedUpTo: string | null;
  headHash: string | null;
  firstBreak: { position: string; eventId: string | null; reason: string } | null;
}
type JournalNode = { id: string; position: string; action: string; hash: string | null; previousHash: string | null };

describe.each(e2eBackends())('the tamper-evident audit journal over GraphQL (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let client: SuiviClient;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    client = new SuiviClient(suivi);
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Boulangerie Martin', kind: 'COMPANY', roles: ['PROSPECT'] });
    const thirdPartyId = thirdParty.id;
    const { contact } = await client.must('addContact', { thirdPartyId, firstName: 'Claire', lastName: 'Martin' });
    await client.must('logExchange', {
      thirdPartyId,
      contactIds: [contact.id],
      occurredAt: '2025-03-03T10:00:00.000Z',
      mode: 'phone',
      subject: 'quote',
      confidentialComment: 'They might switch suppliers in spring',
    });
    await client.must('updateThirdParty', { thirdPartyId, name: 'Boulangerie Martin & Fils' });
  });

  afterAll(async () => {
    await suivi.stop();
  });

  /** The whole journal, oldest first. */
  const journal = async (): Promise<JournalNode[]> => {
    const nodes: JournalNode[] = [];
    let after: string | null = null;
    for (;;) {
      const { auditJournal }: { auditJournal: Connection<JournalNode> } = await client.read(JOURNAL, { first: 100, after });
      nodes.push(...auditJournal.edges.map((edge) => edge.node));
      if (!auditJournal.pageInfo.hasNextPage) return nodes.reverse();
      after = auditJournal.pageInfo.endCursor;
    }
  };

  it('shows each entry sealed to the one before it, from 64 zeros', async () => {
    const entries = await journal();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect(entries[0]?.previousHash).toBe('0'.repeat(64));
    for (let i = 0; i < entries.length; i += 1) {
      expect(entries[i]?.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(entries[i]?.previousHash).toBe(entries[i - 1]?.hash);
    }
  });

  it('verifies a fresh history: every event checked, the head hash that of the newest entry', async () => {
    const head = await suivi.headPosition();
    const { verifyAuditJournal } = await client.read<{ verifyAuditJournal: Verification }>(VERIFY);
    const entries = await journal();
    expect(verifyAuditJournal).toEqual({
      ok: true,
      // Positions are contiguous on the SQLite event store: one event per position.
      checkedEvents: Number(head),
      checkedUpTo: String(head),
      headHash: entries.at(-1)?.hash,
      firstBreak: null,
    });
  });

  it('reports an event altered in the event store, at its position', async () => {
    const entries = await journal();
    const renamed = entries.find((entry) => entry.action === 'ThirdPartyUpdated')!;
    const db = new Database(path.join(suivi.dataDir, 'events.sqlite'));
    try {
      const row = db.prepare('SELECT data FROM events WHERE event_id = ?').get(renamed.id) as { data: string };
      // The values of the change are personal data, stored encrypted; which field changed is in clear.
      const data = JSON.parse(row.data) as { changes: { field: string; from: unknown; to: unknown }[] };
      data.changes = data.changes.map((change) => ({ ...change, field: 'tradingName' }));
      db.prepare('UPDATE events SET data = ? WHERE event_id = ?').run(JSON.stringify(data), renamed.id);
    } finally {
      db.close();
    }
    const { verifyAuditJournal } = await client.read<{ verifyAuditJournal: Verification }>(VERIFY);
    expect(verifyAuditJournal).toMatchObject({
      ok: false,
      checkedEvents: Number(renamed.position) - 1,
      headHash: null,
      firstBreak: { position: renamed.position, eventId: renamed.id, reason: expect.stringContaining('the stored event was altered') },
    });
  });
});
