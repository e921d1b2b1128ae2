import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export class ChangeGroupMembershipCommand extends Command<UserWritten> {
  constructor(
    readonly change: 'add' | 'remove',
    readonly input: { userId: string; groupCode: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** addUserToGroup and removeUserFromGroup: the two directions of one membership. */
@CommandHandler(ChangeGroupMembershipCommand)
export class ChangeGroupMembershipHandler implements ICommandHandler<ChangeGroupMembershipCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ change, input, meta }: ChangeGroupMembershipCommand): Promise<UserWritten> {
    const { state, position } =
      change === 'add'
        ? await this.administration.addUserToGroup(input, meta.context)
        : await this.administration.removeUserFromGroup(input, meta.context);
    await awaitAuthentication(this.consistency, position);
    return { user: accountFromState(state), position };
  }
}
