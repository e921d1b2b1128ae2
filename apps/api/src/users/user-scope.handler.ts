import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export class SetUserScopeCommand extends Command<UserWritten> {
  constructor(
    readonly input: { readonly userId: string; readonly territories: readonly string[] | null; readonly ownedOnly: boolean },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** setUserScope: the user's next request sees only the third parties of the new scope. */
@CommandHandler(SetUserScopeCommand)
export class SetUserScopeHandler implements ICommandHandler<SetUserScopeCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: SetUserScopeCommand): Promise<UserWritten> {
    const { state, position } = await this.administration.setScope(input, meta.context);
    // Authentication reads the scope from the users read model with every request.
    await awaitAuthentication(this.consistency, position);
    return { user: accountFromState(state), position };
  }
}
