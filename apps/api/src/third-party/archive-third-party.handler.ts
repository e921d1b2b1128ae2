import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ArchiveThirdParty } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class ArchiveThirdPartyCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: ArchiveThirdParty['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ArchiveThirdPartyCommand)
export class ArchiveThirdPartyHandler implements ICommandHandler<ArchiveThirdPartyCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: ArchiveThirdPartyCommand): Promise<ThirdPartyWritten> {
    return writeThirdParty(this.aggregates, input.thirdPartyId, { type: 'ArchiveThirdParty', data: input }, meta);
  }
}
