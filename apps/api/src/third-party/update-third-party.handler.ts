import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Catalogue, UpdateThirdParty } from '#domain';
import { CATALOGUE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class UpdateThirdPartyCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: Omit<UpdateThirdParty['data'], 'catalogue'>,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(UpdateThirdPartyCommand)
export class UpdateThirdPartyHandler implements ICommandHandler<UpdateThirdPartyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
  ) {}

  execute({ input, meta }: UpdateThirdPartyCommand): Promise<ThirdPartyWritten> {
    return writeThirdParty(
      this.aggregates,
      input.thirdPartyId,
      { type: 'UpdateThirdParty', data: { ...input, catalogue: this.catalogue } },
      meta,
    );
  }
}
