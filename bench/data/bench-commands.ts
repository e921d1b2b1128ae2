import { defaultCatalogue, exchangeStatuses, type CommandContext, type LogExchange } from '#domain';
import { SeededRandom } from '../support/seeded-random.js';
import type { DataSetWorld } from './data-set.generator.js';

export interface TimedCommand<C> {
  readonly command: C;
  readonly context: CommandContext;
}

/** After the generated history, so the benchmark's exchanges come last in time too. */
const BENCH_CLOCK_START = Date.parse('2026-01-05T09:00:00.000Z');

/**
 * LogExchange commands on existing accounts and contacts (the references a
 * handler would have looked up), built before the clock starts so the timed
 * loop measures only handleCommand.
 */
export function logExchangeCommands(world: DataSetWorld, count: number, seed: string): TimedCommand<LogExchange>[] {
  const random = new SeededRandom(seed);
  const accounts = world.accounts.filter((account) => account.contacts.length > 0);
  if (accounts.length === 0) throw new Error('the data set has no active account with contacts');
  const commands: TimedCommand<LogExchange>[] = [];
  for (let i = 0; i < count; i++) {
    const account = random.pick(accounts);
    const contactId = random.pick(account.contacts);
    const now = new Date(BENCH_CLOCK_START + i * 1_000);
    const commandId = random.uuid();
    commands.push({
      command: {
        type: 'LogExchange',
        data: {
          exchangeId: random.uuid(),
          thirdParty: { thirdPartyId: account.id, status: 'active' },
          contacts: [{ contactId, thirdPartyId: account.id, archived: false }],
          occurredAt: now.toISOString(),
          mode: random.pick(defaultCatalogue.contactModes).code,
          subject: random.pick(defaultCatalogue.exchangeSubjects).code,
          comment: 'Called about the spring order; sending the updated price list and a quote by Friday.',
          status: random.pick(exchangeStatuses),
          catalogue: defaultCatalogue,
        },
      },
      context: { actorId: random.pick(world.users), now, commandId, correlationId: commandId, causationId: null, source: 'api' },
    });
  }
  return commands;
}
