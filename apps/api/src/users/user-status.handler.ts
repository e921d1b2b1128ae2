import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export class ChangeUserStatusCommand extends Command<UserWritten> {
  constructor(
    readonly change: 'disable' | 'enable',
    readonly input: { userId: string; reason: string | null },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** disableUser and enableUser. */
@CommandHandler(ChangeUserStatusCommand)
export class ChangeUserStatusHandler implements ICommandHandler<ChangeUserStatusCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ change, input, meta }: ChangeUserStatusCommand): Promise<UserWritten> {
    const { state, position } =
      change === 'disable'
        ? await this.administration.disableUser(input, meta.context)
        : await this.administration.enableUser({ userId: input.userId }, meta.context);
    await awaitAuthentication(this.consistency, position);
    return { user: accountFromState(state), position };
  }
}
