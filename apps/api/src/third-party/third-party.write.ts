import { streams, thirdPartyDecider, type ThirdPartyCommand } from '#domain';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { thirdPartyFromState } from './third-party.mapper.js';
import type { ThirdParty } from './third-party.types.js';

/** What every third-party command returns: the third party after it, and where it is in the log. */
export interface ThirdPartyWritten {
  readonly thirdParty: ThirdParty;
  readonly position: bigint;
}

/** Runs a command on a third party's stream; the payload comes from the write side, never a read model. */
export async function writeThirdParty(
  aggregates: Aggregates,
  thirdPartyId: string,
  command: ThirdPartyCommand,
  meta: CommandMeta,
): Promise<ThirdPartyWritten> {
  const written = await aggregates.execute(thirdPartyDecider, streams.thirdParty(thirdPartyId), command, meta);
  return { thirdParty: thirdPartyFromState(written.state, written.revision), position: written.position };
}
