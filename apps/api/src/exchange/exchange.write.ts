import { exchangeDecider, streams, type ExchangeCommand } from '#domain';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
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
  const written = await aggregates.execute(exchangeDecider, streams.exchange(exchangeId), command, meta);
  return { exchange: exchangeFromState(written.state, written.revision), position: written.position };
}
