import { exchangeDecider, exchangeParticipants, streams, type ExchangeCommand } from '#domain';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { refuseAsMissing } from '../shared/write-scope.js';
import { exchangeFromState } from './exchange.mapper.js';
import type { Exchange } from './exchange.types.js';

export interface ExchangeWritten {
  readonly exchange: Exchange;
  readonly position: bigint;
}

export async function writeExchange(
  aggregates: Aggregates,
  exchangeId: string,
  command: ExchangeCommand,
  meta: CommandMeta,
): Promise<ExchangeWritten> {
  const streamName = streams.exchange(exchangeId);
  await requireParticipant(aggregates, streamName, command, meta);
  const written = await aggregates.execute(exchangeDecider, streamName, command, meta);
  return { exchange: exchangeFromState(written.state, written.revision), position: written.position };
}

/**
 * Without `exchanges.seeAll` a user neither sees nor changes the exchanges
 * they take no part in: changing one is answered as for an exchange that does
 * not exist, as reading it is.
 */
async function requireParticipant(aggregates: Aggregates, streamName: string, command: ExchangeCommand, meta: CommandMeta): Promise<void> {
  const viewer = meta.viewer;
  if (viewer === undefined || viewer.can('exchanges.seeAll') || command.type === 'LogExchange') return;
  const { state } = await aggregates.fold(exchangeDecider, streamName);
  if (state.status === 'none') return;
  if (exchangeParticipants({ authorId: state.authorId, ...state.details }).includes(viewer.userId)) return;
  refuseAsMissing(exchangeDecider, streamName, command, meta.context, meta.expectedRevision);
}
