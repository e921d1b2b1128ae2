import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { awaitAuthentication, groupFromState, type GroupWritten } from './users.write.js';

export class ChangeGroupPermissionsCommand extends Command<GroupWritten> {
  constructor(
    readonly input: { readonly code: string; readonly permissions: readonly string[] },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** changeGroupPermissions: the group's members hold the new permissions from their next request on. */
@CommandHandler(ChangeGroupPermissionsCommand)
export class ChangeGroupPermissionsHandler implements ICommandHandler<ChangeGroupPermissionsCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: ChangeGroupPermissionsCommand): Promise<GroupWritten> {
    const { state, position } = await this.administration.changeGroupPermissions(input, meta.context);
    // Every request reads its user's permissions from the groups read model.
    await awaitAuthentication(this.consistency, position);
    return { group: groupFromState(state), position };
  }
}
