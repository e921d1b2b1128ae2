import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERASED } from '#domain';
import { runRetention, withRetentionSession } from '../apps/cli/src/retention.commands.js';
import type { RetentionAutomation, RetentionRunReport } from '../apps/worker/src/retention/retention-automation.js';
import { RETENTION_AUTOMATION } from '../apps/worker/src/retention/retention.tokens.js';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const MONTH_MS = 30 * 86_400_000;
/** Instants relative to now: the app runs on the system clock, and exchanges may be logged with any past date. */
const monthsAgo = (months: number): string => new Date(Date.now() - months * MONTH_MS).toISOString();

const policies = {
  policies: [
    { name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' },
    { name: 'former-customers', appliesTo: 'FORMER_CUSTOMERS', afterMonths: 60, mode: 'APPROVAL' },
  ],
  runEvery: 'PT24H',
};

const THIRD_PARTY = 'query($id: ID!) { thirdParty(id: $id) { id name email roles } }';
const CONTACT = 'query($id: ID!) { contact(id: $id) { id firstName lastName email } }';
const QUEUE = `query($first: Int, $after: String, $policy: String, $status: ErasureProposalStatus) {
  retentionQueue(first: $first, after: $after, policy: $policy, status: $status) {
    totalCount
    edges { node { id policy thirdPartyId lastInteractionAt proposedAt status decidedAt decidedBy { id } rejectionReason } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const APPROVE = `mutation($input: ApproveErasureInput!) {
  approveErasure(input: $input) {
    position
    proposal { id status decidedAt decidedBy { id } thirdPartyId }
    certificate { reason reference forgottenBy { id } contactsForgotten }
  }
}`;
const CERTIFICATE = `query($id: ID!) {
  erasureCertificate(subjectKind: THIRD_PARTY, subjectId: $id) { reason reference forgottenBy { id } contactsForgotten }
}`;
const REJECT = `mutation($input: RejectErasureInput!) {
  rejectErasure(input: $input) { position proposal { id status rejectionReason decidedBy { id } } }
}`;

interface Proposal {
  id: string;
  policy: string;
  thirdPartyId: string;
  lastInteractionAt: string;
  status: string;
  rejectionReason: string | null;
}
interface QueueData {
  retentionQueue: { totalCount: number; edges: { node: Proposal }[] };
}

/**
 * Retention over the whole app: the automation (inline worker) run by hand
 * where its schedule would, AUTOMATIC and APPROVAL policies, the queue over
 * GraphQL, and the command line's dry run against the same stores.
 */
describe.each(e2eBackends())('retention policies (%s)', (_label, mongodbUrl) => {
  let dir: string;
  let retentionFile: string;
  let suivi: SuiviApp;
  let client: SuiviClient;
  let automation: RetentionAutomation;

  /** One run, as the schedule starts it; then reads wait for what it wrote. */
  const run = async (): Promise<RetentionRunReport> => {
    const report = await automation.run();
    client.lastPosition = String((await suivi.headPosition()) ?? 0n);
    return report;
  };

  const register = async (name: string, roles: string[]): Promise<string> =>
    (await client.must('registerThirdParty', { name, kind: 'INDIVIDUAL', roles, email: `${name.split(' ')[0]!.toLowerCase()}@example.org` }))
      .thirdParty.id;
  const exchange = (thirdPartyId: string, occurredAt: string, contactIds: string[] = []) =>
    client.must('logExchange', { thirdPartyId, contactIds, occurredAt, mode: 'phone', subject: 'prospecting', comment: 'Called about the offer.' });
  const thirdParty = async (id: string) => (await client.read<{ thirdParty: { name: string; email: string | null } }>(THIRD_PARTY, { id })).thirdParty;
  const queue = async (filter: { policy?: string; status?: string } = {}) => (await client.read<QueueData>(QUEUE, { first: 10, ...filter })).retentionQueue;
  const certificateOf = async (id: string) =>
    (await client.read<{ erasureCertificate: { reason: string; reference: string | null; forgottenBy: { id: string }; contactsForgotten: string[] } | null }>(
      CERTIFICATE,
      { id },
    )).erasureCertificate;
  const stepsOf = (report: RetentionRunReport, thirdPartyId: string) =>
    report.steps.filter((step) => step.thirdPartyId === thirdPartyId).map((step) => `${step.policy} ${step.action} ${step.outcome}`);

  // Prospects
  let oldProspect: string;
  let oldProspectContact: string;
  let recentProspect: string;
  let neverContacted: string;
  // Customers
  let oldCustomer: string;
  let oldCustomerContactedAt: string;
  let keptCustomer: string;
  let recentCustomer: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'suivi-retention-'));
    retentionFile = path.join(dir, 'retention.json');
    writeFileSync(retentionFile, JSON.stringify(policies));
    suivi = await SuiviApp.start({ env: { SUIVI_RETENTION_FILE: retentionFile }, ...(mongodbUrl ? { mongodbUrl } : {}) });
    client = new SuiviClient(suivi);
    automation = suivi.app.get<symbol, RetentionAutomation>(RETENTION_AUTOMATION, { strict: false });
    // The run on start found an empty log; waiting for it keeps it out of what follows.
    await automation.run();

    oldProspect = await register('Gaston Lefebvre', ['PROSPECT']);
    // Still referenced by a contact and an exchange: erased all the same.
    oldProspectContact = (await client.must('addContact', { thirdPartyId: oldProspect, firstName: 'Lucie', lastName: 'Lefebvre', email: 'lucie@example.org' }))
      .contact.id;
    await exchange(oldProspect, monthsAgo(50), [oldProspectContact]);
    recentProspect = await register('Ines Carpentier', ['PROSPECT']);
    await exchange(recentProspect, monthsAgo(40));
    await exchange(recentProspect, monthsAgo(2));
    neverContacted = await register('Paul Arnaud', ['PROSPECT']);
    oldCustomer = await register('Odile Marchand', ['CUSTOMER']);
    oldCustomerContactedAt = monthsAgo(80);
    await exchange(oldCustomer, oldCustomerContactedAt);
    keptCustomer = await register('Roger Vial', ['CUSTOMER']);
    await exchange(keptCustomer, monthsAgo(70));
    recentCustomer = await register('Sylvie Roux', ['PROSPECT', 'CUSTOMER']);
    await exchange(recentCustomer, monthsAgo(50));
    await exchange(recentCustomer, monthsAgo(1));
  });
  afterAll(async () => {
    await suivi?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says, in a dry run of the command line, what it would do, and writes nothing', async () => {
    const head = await suivi.headPosition();
    const out: string[] = [];
    const notes: string[] = [];
    const restore = { dataDir: process.env['SUIVI_DATA_DIR'], file: process.env['SUIVI_RETENTION_FILE'], mongo: process.env['MONGODB_URL'] };
    process.env['SUIVI_DATA_DIR'] = suivi.dataDir;
    process.env['SUIVI_RETENTION_FILE'] = retentionFile;
    if (mongodbUrl) process.env['MONGODB_URL'] = mongodbUrl;
    else delete process.env['MONGODB_URL'];
    let code: number;
    try {
      code = await withRetentionSession((session) => runRetention(session, { dryRun: true }, { out: (line) => out.push(line), note: (line) => notes.push(line) }));
    } finally {
      for (const [name, value] of [['SUIVI_DATA_DIR', restore.dataDir], ['SUIVI_RETENTION_FILE', restore.file], ['MONGODB_URL', restore.mongo]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(code).toBe(0);
    expect(notes).toEqual([]);
    expect(out[0]).toBe('retention run (dry run: nothing is written): 2 policies');
    expect(out).toContain('inactive-prospects (INACTIVE_PROSPECTS, AUTOMATIC, after 36 months): 1 candidate');
    expect(out).toContain(`  would forget third party ${oldProspect} (inactive-prospects)`);
    expect(out).toContain('former-customers (FORMER_CUSTOMERS, APPROVAL, after 60 months): 2 candidates');
    expect(out).toContain(`  would propose for approval third party ${oldCustomer} (former-customers)`);
    expect(out).toContain(`  would propose for approval third party ${keptCustomer} (former-customers)`);
    expect(out.join('\n')).toMatch(/inactive-prospects: 1 candidates \(inactive since before .*\), 1 would be forgotten, 0 unchanged, 0 failed/);
    // Ids only: the output names no one.
    expect(out.join('\n')).not.toMatch(/Lefebvre|Marchand|Vial/);
    expect(await suivi.headPosition()).toBe(head);
    expect((await thirdParty(oldProspect)).name).toBe('Gaston Lefebvre');
  });

  describe('AUTOMATIC: the old inactive prospect', () => {
    let report: RetentionRunReport;

    beforeAll(async () => {
      report = await run();
    });

    it('is forgotten, with a certificate of the policy, though a contact and an exchange refer to it', async () => {
      expect(stepsOf(report, oldProspect)).toEqual(['inactive-prospects forget done']);
      expect(await thirdParty(oldProspect)).toMatchObject({ name: ERASED, email: ERASED });
      const contact = (await client.read<{ contact: Record<string, unknown> }>(CONTACT, { id: oldProspectContact })).contact;
      expect(contact).toMatchObject({ firstName: ERASED, lastName: ERASED, email: ERASED });
      const certificate = await certificateOf(oldProspect);
      expect(certificate).toMatchObject({ reason: 'RETENTION_POLICY', reference: 'inactive-prospects', forgottenBy: { id: 'automation' } });
      expect(certificate?.contactsForgotten).toEqual([oldProspectContact]);
    });

    it('leaves recent and never-contacted prospects, and customers, as they were', async () => {
      for (const [id, name] of [
        [recentProspect, 'Ines Carpentier'],
        [neverContacted, 'Paul Arnaud'],
        [oldCustomer, 'Odile Marchand'],
        [keptCustomer, 'Roger Vial'],
        [recentCustomer, 'Sylvie Roux'],
      ] as const) {
        expect((await thirdParty(id)).name).toBe(name);
        expect(await certificateOf(id)).toBeNull();
      }
      expect(report.policies.find((policy) => policy.policy === 'inactive-prospects')).toMatchObject({ candidates: 1, forgotten: 1, failed: 0 });
    });

    it('does not count a forgotten subject again', async () => {
      const again = await run();
      expect(stepsOf(again, oldProspect)).toEqual([]);
      expect(again.policies.find((policy) => policy.policy === 'inactive-prospects')).toMatchObject({ candidates: 0 });
    });
  });

  describe('APPROVAL: former customers', () => {
    let proposals: Proposal[];
    const proposalOf = (thirdPartyId: string): Proposal => proposals.find((proposal) => proposal.thirdPartyId === thirdPartyId)!;

    beforeAll(async () => {
      proposals = (await queue()).edges.map((edge) => edge.node);
    });

    it('are queued once, by id only, and nothing is forgotten', async () => {
      expect(proposals.map((proposal) => proposal.thirdPartyId).sort()).toEqual([oldCustomer, keptCustomer].sort());
      expect(proposalOf(oldCustomer)).toMatchObject({ policy: 'former-customers', status: 'PENDING', rejectionReason: null });
      expect(proposalOf(oldCustomer).lastInteractionAt).toBe(oldCustomerContactedAt);
      // Two runs happened since the customers were registered: still one proposal each.
      expect((await queue({ policy: 'former-customers' })).totalCount).toBe(2);
      expect((await queue({ policy: 'inactive-prospects' })).totalCount).toBe(0);
      expect((await thirdParty(oldCustomer)).name).toBe('Odile Marchand');
    });

    it('approved: the third party is forgotten, and the proposal leaves the queue', async () => {
      const { body } = await suivi.graphql<{ approveErasure: { position: string; proposal: Record<string, unknown>; certificate: Record<string, unknown> | null } }>(APPROVE, {
        input: { proposalId: proposalOf(oldCustomer).id },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data?.approveErasure.proposal).toMatchObject({ id: proposalOf(oldCustomer).id, status: 'APPROVED', thirdPartyId: oldCustomer, decidedBy: { id: ADMIN_USER_ID } });
      expect(body.data?.approveErasure.certificate).toEqual({ reason: 'RETENTION_POLICY', reference: 'former-customers', forgottenBy: { id: ADMIN_USER_ID }, contactsForgotten: [] });
      client.lastPosition = body.data!.approveErasure.position;
      expect(await thirdParty(oldCustomer)).toMatchObject({ name: ERASED, email: ERASED });
      expect(await certificateOf(oldCustomer)).toMatchObject({ reason: 'RETENTION_POLICY', reference: 'former-customers' });
      expect((await queue()).edges.map((edge) => edge.node.thirdPartyId)).toEqual([keptCustomer]);
      // Approving again changes nothing.
      const again = await suivi.graphql<{ approveErasure: { proposal: { status: string }; certificate: unknown } }>(APPROVE, {
        input: { proposalId: proposalOf(oldCustomer).id },
      });
      expect(again.body.data?.approveErasure).toMatchObject({ proposal: { status: 'APPROVED' }, certificate: null });
    });

    it('rejected: kept, with the reason, and not proposed again on the next run', async () => {
      const reason = 'Framework contract under renegotiation';
      const { body } = await suivi.graphql<{ rejectErasure: { position: string; proposal: Record<string, unknown> } }>(REJECT, {
        input: { proposalId: proposalOf(keptCustomer).id, reason },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data?.rejectErasure.proposal).toMatchObject({ status: 'REJECTED', rejectionReason: reason });
      client.lastPosition = body.data!.rejectErasure.position;
      expect((await queue()).totalCount).toBe(0);

      const next = await run();
      expect(stepsOf(next, keptCustomer)).toEqual(['former-customers propose unchanged']);
      expect(stepsOf(next, oldCustomer)).toEqual([]);
      expect((await queue()).totalCount).toBe(0);
      expect((await thirdParty(keptCustomer)).name).toBe('Roger Vial');
      // The decisions stay on record.
      const rejected = (await queue({ status: 'REJECTED' })).edges.map((edge) => edge.node);
      expect(rejected).toEqual([expect.objectContaining({ thirdPartyId: keptCustomer, rejectionReason: reason, decidedBy: { id: ADMIN_USER_ID } })]);
      expect((await queue({ status: 'APPROVED' })).edges.map((edge) => edge.node.thirdPartyId)).toEqual([oldCustomer]);
    });

    it('refuses decisions that cannot be, naming the field', async () => {
      const unknown = await suivi.graphql(REJECT, { input: { proposalId: '00000000-0000-4000-8000-000000000000', reason: 'x' } });
      expect(unknown.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
      const malformed = await suivi.graphql(APPROVE, { input: { proposalId: 'nope' } });
      expect(malformed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.proposalId' });
      const blank = await suivi.graphql(REJECT, { input: { proposalId: proposalOf(keptCustomer).id, reason: ' ' } });
      expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
      const decided = await suivi.graphql(APPROVE, { input: { proposalId: proposalOf(keptCustomer).id } });
      expect(decided.body.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
      expect(decided.body.errors?.[0]?.message).toMatch(/was rejected/);
    });
  });
});
