import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventStoreUnavailable } from '../event-store.port.js';
import { event, eventStoreContract, streamName } from '../testing/event-store.contract.js';
import { KurrentEventStore } from './kurrent-event-store.js';

const url = process.env['EVENTSTORE_URL'];

if (url) {
  eventStoreContract(
    `EventStoreDB at ${url.replace(/\/\/[^@/]*@/, '//***@')}`,
    async () => {
      const opened: KurrentEventStore[] = [];
      const connect = (): KurrentEventStore => {
        const store = KurrentEventStore.connect(url);
        opened.push(store);
        return store;
      };
      return {
        store: connect(),
        reopen: async () => connect(),
        cleanup: async () => {
          for (const store of opened) await store.close();
        },
      };
    },
    // A shared server: other writers, and event ids deduplicated per stream only.
    { startsEmpty: false, eventIdsUniqueAcrossStreams: false },
  );
} else {
  const reason = 'EventStoreDB contract suite SKIPPED: EVENTSTORE_URL is not set (no EventStoreDB server can run on this machine)';
  process.stdout.write(`\n${reason}\n`);
  describe('EventStore contract: EventStoreDB', () => {
    it.skip(reason, () => undefined);
  });
}

/** A loopback port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Runs without a server: the real client against a closed loopback port.
describe('KurrentEventStore when the server cannot be reached', () => {
  let store: KurrentEventStore;

  beforeEach(async () => {
    // The deprecated esdb:// scheme is accepted and rewritten.
    store = KurrentEventStore.connect(`esdb://127.0.0.1:${await closedPort()}?tls=false`);
  });

  afterEach(async () => {
    await store.close();
  });

  it('reports every operation as EventStoreUnavailable with what to check', async () => {
    const stream = streamName('down');
    const attempts: [string, () => Promise<unknown>][] = [
      ['append', () => store.append(stream, [event('A')], 'any')],
      ['readStream', () => store.readStream(stream)],
      ['readAll', () => store.readAll({ after: 10n, maxCount: 5 })],
      ['headPosition', () => store.headPosition()],
      ['deleteStream', () => store.deleteStream(stream, 'any')],
    ];
    for (const [name, attempt] of attempts) {
      const error = await attempt().then(
        () => new Error(`${name} succeeded`),
        (e: unknown) => e,
      );
      expect([name, error]).toEqual([name, expect.any(EventStoreUnavailable)]);
      expect((error as Error).message).toContain('EVENTSTORE_URL');
    }
  });

  it('fails a subscription with EventStoreUnavailable on next()', async () => {
    const subscription = store.subscribeToAll({ after: null });
    await expect(subscription.next()).rejects.toBeInstanceOf(EventStoreUnavailable);
    await subscription.close();
  });

  it('ends a pending next() when the subscription is closed', async () => {
    const subscription = store.subscribeToAll({ after: 42n });
    const pending = subscription.next().catch((e: unknown) => e);
    await subscription.close();
    const outcome = await pending;
    // Closing wins unless the connection failure was already reported.
    if (!(outcome instanceof EventStoreUnavailable)) expect(outcome).toEqual({ done: true, value: undefined });
    await expect(subscription.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('refuses an empty append before reaching the server', async () => {
    await expect(store.append(streamName('empty'), [], 'any')).rejects.toThrow(/nothing to append/);
  });
});
