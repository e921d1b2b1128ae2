import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { awaitAuthentication, groupFromState, type GroupWritten } from './users.write.js';

export class CreateGroupCommand extends Command<GroupWritten> {
  constructor(
    readonly input: { code: string; name: string; permissions: string[] },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler implements ICommandHandler<CreateGroupCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: CreateGroupCommand): Promise<GroupWritten> {
    const { state, position } = await this.administration.createGroup(input, meta.context);
    await awaitAuthentication(this.consistency, position);
    return { group: groupFromState(state), position };
  }
}
