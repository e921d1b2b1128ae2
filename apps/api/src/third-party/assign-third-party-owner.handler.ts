import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AssignThirdPartyOwner } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class AssignThirdPartyOwnerCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: AssignThirdPartyOwner['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(AssignThirdPartyOwnerCommand)
export class AssignThirdPartyOwnerHandler implements ICommandHandler<AssignThirdPartyOwnerCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: AssignThirdPartyOwnerCommand): Promise<ThirdPartyWritten> {
    return writeThirdParty(this.aggregates, input.thirdPartyId, { type: 'AssignThirdPartyOwner', data: input }, meta);
  }
}
