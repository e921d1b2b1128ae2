import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { streams, thirdPartyDecider, type CommandContext, type ThirdPartyKind, type ThirdPartyRole } from '#domain';
import {
  handleCommand,
  idempotentEntityId,
  scopedIdempotencyKey,
  type EventCodec,
  type EventStore,
  type IdGenerator,
} from '#event-store';
import { CODEC, EVENT_STORE, IDS } from '../infrastructure/tokens.js';
import type { ThirdParty } from './third-party.types.js';

export interface RegisterThirdPartyResult {
  thirdParty: ThirdParty;
  position: bigint;
}

export class RegisterThirdPartyCommand extends Command<RegisterThirdPartyResult> {
  constructor(
    readonly input: { name: string; kind: ThirdPartyKind; roles: ThirdPartyRole[] },
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterThirdPartyCommand)
export class RegisterThirdPartyHandler implements ICommandHandler<RegisterThirdPartyCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CODEC) private readonly codec: EventCodec,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async execute({ input, context }: RegisterThirdPartyCommand): Promise<RegisterThirdPartyResult> {
    // A retried creation must land on the same stream, so its id derives from the key.
    const key = scopedIdempotencyKey(context);
    const thirdPartyId = key ? idempotentEntityId(key, 'thirdParty') : this.ids.next();
    const result = await handleCommand(
      { store: this.store, codec: this.codec, ids: this.ids },
      thirdPartyDecider,
      streams.thirdParty(thirdPartyId),
      { type: 'RegisterThirdParty', data: { thirdPartyId, ...input } },
      context,
    );
    const { state } = result;
    if (state.status !== 'registered' || result.revision === null || result.position === null) {
      throw new Error(`third party ${thirdPartyId} was not registered`);
    }
    return {
      thirdParty: {
        id: state.thirdPartyId,
        name: state.name,
        kind: state.kind,
        roles: state.roles,
        registeredAt: new Date(state.registeredAt),
        version: result.revision.toString(),
      },
      position: result.position,
    };
  }
}
