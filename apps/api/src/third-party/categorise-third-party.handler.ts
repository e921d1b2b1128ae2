import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CategoriseThirdParty } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class CategoriseThirdPartyCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: CategoriseThirdParty['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CategoriseThirdPartyCommand)
export class CategoriseThirdPartyHandler implements ICommandHandler<CategoriseThirdPartyCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: CategoriseThirdPartyCommand): Promise<ThirdPartyWritten> {
    return writeThirdParty(this.aggregates, input.thirdPartyId, { type: 'CategoriseThirdParty', data: input }, meta);
  }
}
