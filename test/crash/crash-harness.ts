import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { collaboratorNotificationMessageId } from '#domain';
import type { EventCodec, StoredEvent } from '#event-store';
import { SqliteEventStore } from '#event-store';
import { EVENT_STORE_FILE, loadConfig, openCodec, READ_STORE_FILE } from '#platform';
import { ProjectionRunner, projections } from '#projections';
import { SqliteReadStore, type Doc, type ReadStore } from '#read-store';
import { allDocs } from '../../libs/projections/src/testing/third-party-fixtures.js';
import { ServerChild } from '../support/server-child.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

/**
 * The crash harness: the built one-process server takes bursts of concurrent
 * mutations, each with its own idempotencyKey, and is killed (SIGKILL) at a
 * moment drawn from a seeded generator. It is restarted, and what was not
 * acknowledged is sent again with the same key, as a client that lost its
 * answer would. At the end:
 * - every mutation is in the log exactly once, acknowledged ones at the
 *   position their answer gave;
 * - every read model equals one rebuilt from scratch, into another store, from
 *   the same log — the live ones were resumed from checkpoints after each kill;
 * - every collaborator notification reached the SMTP server once: resuming the
 *   notifier's checkpoint sent no mail twice.
 */

export type Durability = 'normal' | 'full';

export interface CrashHarnessOptions {
  readonly durability: Durability;
  readonly rounds: number;
  /** Seeds the choice of mutations and kill moments: a failing run is replayed with the same seed. */
  readonly seed: number;
  /** A fresh directory for the data, the rebuild and the server's log. */
  readonly workDir: string;
  /** Mutations fired at once in each round. */
  readonly burst?: number;
  /** The kill lands this many milliseconds after a drawn number of answers, drawn in [0, max]. */
  readonly maxKillDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface CrashHarnessReport {
  readonly rounds: number;
  readonly mutations: number;
  /** Answered before the kill. */
  readonly acknowledgedBeforeKill: number;
  /** Sent again after a restart with the same key (the answer was lost). */
  readonly resent: number;
  /** Of those resent, how many had in fact been recorded before the kill. */
  readonly resentButAlreadyRecorded: number;
  readonly events: number;
  readonly mails: number;
  /**
   * Mails sent a second time because a kill fell between the SMTP server
   * accepting them and Suivi recording that (decision 0022: same Message-ID).
   * At most one per kill: the notifier sends one mail at a time.
   */
  readonly mailsInFlightAtKill: number;
  readonly documentsCompared: number;
  /** What is wrong; empty when every check held. */
  readonly problems: string[];
}

type Kind = 'register' | 'update' | 'contact' | 'exchange';

interface Mutation {
  readonly key: string;
  readonly kind: Kind;
  readonly field: string;
  readonly input: Record<string, unknown>;
  /** A value only this mutation writes, to find its events in the log. */
  readonly marker: string;
  /** The event type it records. */
  readonly eventType: string;
  answer?: { id: string; position: bigint };
}

const SELECTIONS: Record<Kind, { field: string; input: string; object: string }> = {
  register: { field: 'registerThirdParty', input: 'RegisterThirdPartyInput', object: 'thirdParty' },
  update: { field: 'updateThirdParty', input: 'UpdateThirdPartyInput', object: 'thirdParty' },
  contact: { field: 'addContact', input: 'AddContactInput', object: 'contact' },
  exchange: { field: 'logExchange', input: 'LogExchangeInput', object: 'exchange' },
};

/** mulberry32: small, seeded, the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCrashHarness(options: CrashHarnessOptions): Promise<CrashHarnessReport> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const burst = options.burst ?? 12;
  const maxKillDelayMs = options.maxKillDelayMs ?? 40;
  const dataDir = path.join(options.workDir, 'data');
  const logFile = path.join(options.workDir, 'server.log');
  fs.mkdirSync(dataDir, { recursive: true });
  const problems: string[] = [];
  const smtp = await startSmtpTestServer();
  const env = { SUIVI_DURABILITY: options.durability, SMTP_URL: smtp.url, SUIVI_MAIL_FROM: 'Suivi <crash@example.com>' };
  const start = () => ServerChild.start({ dataDir, logFile, env });
  let server = await start();
  const mutations: Mutation[] = [];
  let acknowledgedBeforeKill = 0;
  let resent = 0;
  let resentButAlreadyRecorded = 0;
  // When each kill fell, and when the server after it answered: the mail in flight at a kill arrives in between.
  const kills: number[] = [];
  const restarts: number[] = [];

  const send = async (target: ServerChild, mutation: Mutation): Promise<'ok' | 'lost' | string> => {
    const selection = SELECTIONS[mutation.kind];
    const document = `mutation($input: ${selection.input}!) { ${selection.field}(input: $input) { position ${selection.object} { id } } }`;
    let answer;
    try {
      answer = await target.graphql<Record<string, { position: string } & Record<string, { id: string }>>>(document, {
        input: { ...mutation.input, idempotencyKey: mutation.key },
      });
    } catch {
      return 'lost';
    }
    const payload = answer.body.data?.[selection.field];
    if (!payload || answer.body.errors?.length) return JSON.stringify(answer.body.errors ?? answer.body);
    mutation.answer = { id: payload[selection.object]!.id, position: BigInt(payload.position) };
    return 'ok';
  };

  try {
    // What the rounds work on, acknowledged before any kill.
    const user = await server.graphql<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login: 'claire', displayName: 'Claire Martin', email: 'claire@example.fr' } },
    );
    const claireId = user.body.data!.createUser.user.id;
    const base: string[] = [];
    for (let i = 0; i < 3; i++) {
      const setup: Mutation = {
        key: `base-${i}`,
        kind: 'register',
        field: 'name',
        input: { name: `Base ${i}`, kind: 'COMPANY', roles: ['CUSTOMER'] },
        marker: `Base ${i}`,
        eventType: 'ThirdPartyRegistered',
      };
      const outcome = await send(server, setup);
      if (outcome !== 'ok') throw new Error(`setup failed: ${outcome}`);
      mutations.push(setup);
      base.push(setup.answer!.id);
    }

    const newMutation = (round: number, index: number): Mutation => {
      const key = `round-${round}-${index}`;
      const thirdPartyId = base[Math.floor(random() * base.length)]!;
      const draw = random();
      if (draw < 0.25) {
        const marker = `Crash ${round}-${index}`;
        return { key, kind: 'register', field: 'name', input: { name: marker, kind: 'COMPANY', roles: ['PROSPECT'] }, marker, eventType: 'ThirdPartyRegistered' };
      }
      if (draw < 0.5) {
        // Several of a burst change the same third party: the re-decision on conflict is part of what is crashed.
        const marker = `https://r${round}-m${index}.example`;
        return { key, kind: 'update', field: 'website', input: { thirdPartyId, website: marker }, marker, eventType: 'ThirdPartyUpdated' };
      }
      if (draw < 0.7) {
        const marker = `Lastname${round}x${index}`;
        return { key, kind: 'contact', field: 'lastName', input: { thirdPartyId, lastName: marker }, marker, eventType: 'ContactAdded' };
      }
      const marker = `crash round ${round} mutation ${index}`;
      return {
        key,
        kind: 'exchange',
        field: 'comment',
        input: {
          thirdPartyId,
          occurredAt: new Date(Date.UTC(2026, 0, 1 + round, 9, index)).toISOString(),
          mode: 'phone',
          subject: 'quote',
          comment: marker,
          collaboratorIds: [claireId],
          notifyCollaborators: true,
        },
        marker,
        eventType: 'ExchangeLogged',
      };
    };

    for (let round = 0; round < options.rounds; round++) {
      const batch = Array.from({ length: burst }, (_, index) => newMutation(round, index));
      mutations.push(...batch);
      // The kill lands after a drawn number of answers plus a drawn delay, so that it cuts
      // the burst at a different point each round whatever the machine's speed. The first
      // round's kill lands as the burst is sent: a server that commits a burst in one group
      // can answer all of it within the drawn delay, and a run must cut at least one burst.
      const drawnAnswers = Math.floor(random() * burst);
      const drawnDelay = Math.floor(random() * (maxKillDelayMs + 1));
      const killAfterAnswers = round === 0 ? 0 : drawnAnswers;
      const killDelay = round === 0 ? 0 : drawnDelay;
      const victim = server;
      let answered = 0;
      let armed: (() => void) | null = null;
      const trigger = new Promise<void>((resolve) => (armed = resolve));
      if (killAfterAnswers === 0) armed!();
      const killed = trigger
        .then(() => sleep(killDelay))
        .then(() => {
          kills.push(Date.now());
          return victim.kill();
        });
      const outcomes = await Promise.all(
        batch.map(async (mutation) => {
          const outcome = await send(victim, mutation);
          if (outcome === 'ok' && ++answered === killAfterAnswers) armed!();
          return outcome;
        }),
      );
      armed!();
      await killed;
      acknowledgedBeforeKill += outcomes.filter((outcome) => outcome === 'ok').length;
      for (const [index, outcome] of outcomes.entries()) {
        if (outcome !== 'ok' && outcome !== 'lost') problems.push(`round ${round}: ${batch[index]!.key} was refused: ${outcome}`);
      }
      const headBefore = await headOf(dataDir);
      server = await start();
      restarts.push(Date.now());
      // The client retries what it has no answer for, with the same key, until it has one.
      for (const mutation of batch.filter((_, index) => outcomes[index] !== 'ok')) {
        resent += 1;
        let outcome = await send(server, mutation);
        for (let attempt = 0; outcome !== 'ok' && attempt < 3; attempt++) outcome = await send(server, mutation);
        if (outcome !== 'ok') problems.push(`round ${round}: ${mutation.key} failed after the restart: ${outcome}`);
        else if (headBefore !== null && mutation.answer!.position <= headBefore) resentButAlreadyRecorded += 1;
      }
      log(`${options.durability} round ${round + 1}/${options.rounds}: killed ${killDelay} ms after answer ${killAfterAnswers}, ${outcomes.filter((o) => o === 'ok').length}/${burst} answered`);
    }

    // The notifier and the projections resume from their checkpoints in the last server.
    const exchanges = mutations.filter((mutation) => mutation.kind === 'exchange' && mutation.answer);
    const expected = exchanges.map((exchange) => collaboratorNotificationMessageId(exchange.answer!.id, claireId));
    // Every mail, not a count of them: copies of a mail in flight at a kill count too.
    for (const deadline = Date.now() + 30_000; ; await sleep(50)) {
      const arrived = new Set(smtp.messages.map((mail) => mail.messageId));
      const missing = expected.filter((messageId) => !arrived.has(messageId));
      if (missing.length === 0) break;
      if (Date.now() > deadline) {
        problems.push(`after 30 s, ${missing.length} of ${expected.length} mails have not arrived`);
        break;
      }
    }
    await waitForProjections(dataDir, 30_000);
    // Long enough for a mail sent twice to arrive too.
    await sleep(500);
    await server.stop();

    const events = await checkLog(dataDir, mutations, problems);
    const documentsCompared = await compareWithRebuild(dataDir, path.join(options.workDir, 'rebuild'), problems);
    const mailsInFlightAtKill = checkMails(smtp, exchanges, claireId, kills, restarts, problems);
    return {
      rounds: options.rounds,
      mutations: mutations.length,
      acknowledgedBeforeKill,
      resent,
      resentButAlreadyRecorded,
      events,
      mails: smtp.messages.length,
      mailsInFlightAtKill,
      documentsCompared,
      problems,
    };
  } finally {
    await server.kill();
    await smtp.close();
  }
}

async function headOf(dataDir: string): Promise<bigint | null> {
  const store = SqliteEventStore.open({ file: path.join(dataDir, EVENT_STORE_FILE), readonly: true });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

/** Until every projection's checkpoint has reached the head of the log (read from the files, as another process). */
async function waitForProjections(dataDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const readStore = SqliteReadStore.open({ file: path.join(dataDir, READ_STORE_FILE) });
  try {
    for (;;) {
      const head = await headOf(dataDir);
      const checkpoints = await Promise.all(projections.map((projection) => readStore.checkpoints.get(projection.name)));
      if (head === null || checkpoints.every((checkpoint) => checkpoint !== null && checkpoint >= head)) return;
      if (Date.now() > deadline) throw new Error(`projections did not reach position ${head} within ${timeoutMs} ms: ${checkpoints.join(', ')}`);
      await sleep(50);
    }
  } finally {
    await readStore.close();
  }
}

async function openLog(dataDir: string): Promise<{ store: SqliteEventStore; codec: EventCodec }> {
  const config = loadConfig({ SUIVI_DATA_DIR: dataDir });
  return { store: SqliteEventStore.open({ file: path.join(dataDir, EVENT_STORE_FILE) }), codec: await openCodec(config) };
}

/** Whether an event's data holds the mutation's marker (an update's as the new value of its field). */
function carries(data: Record<string, unknown>, mutation: Mutation): boolean {
  if (data[mutation.field] === mutation.marker) return true;
  const changes = data['changes'];
  return Array.isArray(changes) && changes.some((change: { field?: unknown; to?: unknown }) => change.field === mutation.field && change.to === mutation.marker);
}

/** Every mutation exactly once in the log; an acknowledged one where its answer said. Returns the number of events. */
async function checkLog(dataDir: string, mutations: readonly Mutation[], problems: string[]): Promise<number> {
  const { store, codec } = await openLog(dataDir);
  try {
    const all: StoredEvent[] = [];
    for (let after: bigint | null = null; ; ) {
      const page = await store.readAll({ after, maxCount: 500 });
      all.push(...page.events);
      if (page.isEnd || page.events.length === 0) break;
      after = page.lastPosition;
    }
    const keys = await codec.prepareDecode(all);
    const decoded = all.map((event) => ({ stored: event, data: codec.decode(event, keys).data as Record<string, unknown> }));
    for (const mutation of mutations) {
      const found = decoded.filter(({ stored, data }) => stored.type === mutation.eventType && carries(data, mutation));
      if (found.length !== 1) {
        problems.push(`${mutation.key} (${mutation.kind}) is in the log ${found.length} times, not once`);
        continue;
      }
      const { answer } = mutation;
      if (!answer) continue;
      const [{ stored }] = found as [(typeof found)[number]];
      if (!stored.streamName.endsWith(answer.id)) problems.push(`${mutation.key}: answered ${answer.id}, recorded on ${stored.streamName}`);
      // A batch's events all report its last position (see handleCommand).
      const atAnswer = all.filter((event) => event.position === answer.position);
      if (atAnswer.length === 0 || stored.position > answer.position) {
        problems.push(`${mutation.key}: acknowledged at position ${answer.position}, which the log does not hold (found at ${stored.position})`);
      }
    }
    return all.length;
  } finally {
    await codec.close();
    await store.close();
  }
}

/** Rebuilds every projection from the log into a fresh read store and compares it with the live one, document by document. */
async function compareWithRebuild(dataDir: string, rebuildDir: string, problems: string[]): Promise<number> {
  fs.mkdirSync(rebuildDir, { recursive: true });
  const { store, codec } = await openLog(dataDir);
  const live = SqliteReadStore.open({ file: path.join(dataDir, READ_STORE_FILE) });
  const fresh = SqliteReadStore.open({ file: path.join(rebuildDir, READ_STORE_FILE) });
  const quiet = { log: () => undefined, warn: () => undefined, error: (message: string) => problems.push(`rebuild: ${message}`) };
  const runner = new ProjectionRunner({ store, readStore: fresh, codec, logger: quiet });
  let compared = 0;
  try {
    for (const projection of projections) await runner.rebuild(projection.name);
    for (const projection of projections) {
      const [liveDocs, freshDocs] = await Promise.all([docsOf(live, projection.collection), docsOf(fresh, projection.collection)]);
      const ids = new Set([...liveDocs.keys(), ...freshDocs.keys()]);
      for (const id of ids) {
        compared += 1;
        const [a, b] = [liveDocs.get(id), freshDocs.get(id)];
        if (!isDeepStrictEqual(a, b)) {
          problems.push(`${projection.name} ${id}: live ${JSON.stringify(a)?.slice(0, 300)} ≠ rebuilt ${JSON.stringify(b)?.slice(0, 300)}`);
        }
      }
    }
    return compared;
  } finally {
    await runner.stop();
    await fresh.close();
    await live.close();
    await codec.close();
    await store.close();
  }
}

async function docsOf(readStore: ReadStore, collection: Parameters<ReadStore['collection']>[0]): Promise<Map<string, Doc>> {
  const docs = await allDocs(await readStore.collection<Doc>(collection));
  return new Map(docs.map((doc) => [doc.id, doc]));
}

/**
 * One mail per notified exchange. A second copy is only accepted for the one
 * mail in flight when a kill fell: its first copy was sent by the server that
 * kill stopped (it arrived between the previous restart and the next), the
 * second after the kill, and no other mail is explained by the same kill. Any
 * other copy is a mail the resumed notifier sent again. Returns how many
 * copies the kills explain.
 */
function checkMails(
  smtp: SmtpTestServer,
  exchanges: readonly Mutation[],
  collaboratorId: string,
  kills: readonly number[],
  restarts: readonly number[],
  problems: string[],
): number {
  const arrivals = new Map<string, number[]>();
  smtp.messages.forEach((mail, index) => {
    const messageId = mail.messageId ?? '(none)';
    arrivals.set(messageId, [...(arrivals.get(messageId) ?? []), smtp.receivedAt[index]!]);
  });
  const usedKills = new Set<number>();
  let inFlight = 0;
  for (const [messageId, times] of arrivals) {
    if (times.length === 1) continue;
    const kill = kills.findIndex(
      (at, index) => !usedKills.has(index) && times[0]! >= (restarts[index - 1] ?? 0) && times[0]! <= restarts[index]! && times[1]! > at,
    );
    if (times.length === 2 && kill !== -1) {
      usedKills.add(kill);
      inFlight += 1;
    } else {
      problems.push(`mail ${messageId} was sent ${times.length} times, not explained by a kill in flight`);
    }
  }
  const expected = new Set(exchanges.map((exchange) => collaboratorNotificationMessageId(exchange.answer!.id, collaboratorId)));
  for (const messageId of expected) if (!arrivals.has(messageId)) problems.push(`no mail ${messageId}`);
  for (const messageId of arrivals.keys()) if (!expected.has(messageId)) problems.push(`unexpected mail ${messageId}`);
  return inFlight;
}
