import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export class CreateUserCommand extends Command<UserWritten> {
  constructor(
    readonly input: { login: string; displayName: string | null; email: string | null; groupCodes: string[] },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: CreateUserCommand): Promise<UserWritten> {
    const { state, position } = await this.administration.createUser(input, meta.context);
    await awaitAuthentication(this.consistency, position);
    return { user: accountFromState(state), position };
  }
}
