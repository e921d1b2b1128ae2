import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Catalogue, RegisterThirdParty } from '#domain';
import { CATALOGUE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class RegisterThirdPartyCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: Omit<RegisterThirdParty['data'], 'thirdPartyId' | 'catalogue'>,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RegisterThirdPartyCommand)
export class RegisterThirdPartyHandler implements ICommandHandler<RegisterThirdPartyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
  ) {}

  async execute({ input, meta }: RegisterThirdPartyCommand): Promise<ThirdPartyWritten> {
    const thirdPartyId = this.aggregates.newId(meta.context, 'thirdParty');
    // A user who sees only what they own owns what they register, unless they
    // name someone else — which the scope check then refuses.
    const ownerId = input.ownerId ?? (meta.viewer?.scoped && meta.viewer.scope?.ownedOnly ? meta.viewer.userId : null);
    return writeThirdParty(
      this.aggregates,
      thirdPartyId,
      { type: 'RegisterThirdParty', data: { ...input, ownerId, thirdPartyId, catalogue: this.catalogue } },
      meta,
    );
  }
}
