import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventsAfter, eventStoreOf } from './support/event-log.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient, writeTestCatalogue, type Json, type MutationName } from './support/suivi-client.js';

/**
 * A client that lost its answer sends the mutation again with the same
 * idempotencyKey; a nervous one sends it many times at once. Whatever the
 * interleaving, the log gets the command's events once and every attempt
 * gets the original answer.
 */

const RETRIES = 50;

describe('the same idempotencyKey sent 50 times at once', () => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let catalogueDir: string;

  /** Sends `input` RETRIES times concurrently; the answers and what the log got meanwhile. */
  const storm = async (name: MutationName, input: Json) => {
    const store = eventStoreOf(suivi);
    const head = await store.headPosition();
    const answers = await Promise.all(Array.from({ length: RETRIES }, () => client.mutate(name, input)));
    return { answers, appended: await eventsAfter(store, head) };
  };

  beforeAll(async () => {
    catalogueDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-retries-'));
    suivi = await SuiviApp.start({ catalogueFile: writeTestCatalogue(catalogueDir), env: { SUIVI_RATE_LIMIT_PER_MINUTE: '0' } });
    client = new SuiviClient(suivi);
    // The administrator's token is recorded on its first use: that event is not the storm's.
    await client.read('{ me { id } }');
  });
  afterAll(async () => {
    await suivi.stop();
    rmSync(catalogueDir, { recursive: true, force: true });
  });

  it('creates one third party: one set of events, fifty identical answers', async () => {
    const { answers, appended } = await storm('registerThirdParty', {
      name: 'Fromagerie Lenoir',
      kind: 'COMPANY',
      roles: ['PROSPECT'],
      idempotencyKey: 'register-lenoir-1',
    });
    expect(answers.map((answer) => answer.errors ?? null)).toEqual(Array(RETRIES).fill(null));
    const first = answers[0]!.payload!;
    for (const answer of answers) expect(answer.payload).toEqual(first);
    expect(appended.map((event) => [event.streamName, event.type])).toEqual([[`thirdParty-${first.thirdParty.id}`, 'ThirdPartyRegistered']]);
    expect(BigInt(first.position)).toBe(appended[0]!.position);
  });

  it('changes an existing record once: one set of events, fifty identical answers', async () => {
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Épicerie Vidal', kind: 'COMPANY', roles: ['PROSPECT'] });
    const { answers, appended } = await storm('updateThirdParty', {
      thirdPartyId: thirdParty.id,
      phone: '+33 1 02 03 04 05',
      website: 'https://vidal.example',
      idempotencyKey: 'update-vidal-1',
    });
    expect(answers.map((answer) => answer.errors ?? null)).toEqual(Array(RETRIES).fill(null));
    const first = answers[0]!.payload!;
    for (const answer of answers) expect(answer.payload).toEqual(first);
    expect(appended.length).toBeGreaterThan(0);
    expect(new Set(appended.map((event) => event.streamName))).toEqual(new Set([`thirdParty-${thirdParty.id}`]));
    expect(new Set(appended.map((event) => event.eventId)).size).toBe(appended.length);

    // The key is spent: the same key again, even much later, changes nothing more.
    const head = await eventStoreOf(suivi).headPosition();
    const late = await client.mutate('updateThirdParty', {
      thirdPartyId: thirdParty.id,
      phone: '+33 1 02 03 04 05',
      website: 'https://vidal.example',
      idempotencyKey: 'update-vidal-1',
    });
    expect(late.payload).toEqual(first);
    expect(await eventStoreOf(suivi).headPosition()).toBe(head);
  });

  it('logs one exchange with its collaborators: one set of events, fifty identical answers', async () => {
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Quincaillerie Roux', kind: 'COMPANY', roles: ['CUSTOMER'] });
    const { contact } = await client.must('addContact', { thirdPartyId: thirdParty.id, lastName: 'Roux' });
    const { answers, appended } = await storm('logExchange', {
      thirdPartyId: thirdParty.id,
      contactIds: [contact.id],
      occurredAt: '2026-02-02T10:00:00.000Z',
      mode: 'phone',
      subject: 'quote',
      comment: 'Wants a quote for the spring order',
      idempotencyKey: 'exchange-roux-1',
    });
    expect(answers.map((answer) => answer.errors ?? null)).toEqual(Array(RETRIES).fill(null));
    const first = answers[0]!.payload!;
    for (const answer of answers) expect(answer.payload).toEqual(first);
    expect(appended.map((event) => event.type)).toEqual(['ExchangeLogged']);
    expect(appended[0]!.streamName).toBe(`exchange-${first.exchange.id}`);
  });
});
