import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export class RevokeApiTokenCommand extends Command<UserWritten> {
  constructor(
    readonly input: { tokenId: string; reason: string | null },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Revokes a token; once the users read model has applied it (the mutation waits), every API process refuses it. */
@CommandHandler(RevokeApiTokenCommand)
export class RevokeApiTokenHandler implements ICommandHandler<RevokeApiTokenCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: RevokeApiTokenCommand): Promise<UserWritten> {
    const { state, position } = await this.administration.revokeApiToken(input, meta.context);
    await awaitAuthentication(this.consistency, position);
    return { user: accountFromState(state), position };
  }
}
