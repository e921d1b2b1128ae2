import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainRuleViolated } from '#domain';
import { UserAdministration } from '#security';
import { ReadConsistency } from '../graphql/read-consistency.js';
import type { CommandMeta } from '../shared/command-context.js';
import { accountFromState, awaitAuthentication, type UserWritten } from './users.write.js';

export interface TokenIssued extends UserWritten {
  readonly token: string;
  readonly tokenId: string;
}

export class IssueApiTokenCommand extends Command<TokenIssued> {
  constructor(
    readonly input: { userId: string; label: string | null; expiresAt: string | null },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(IssueApiTokenCommand)
export class IssueApiTokenHandler implements ICommandHandler<IssueApiTokenCommand> {
  constructor(
    private readonly administration: UserAdministration,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: IssueApiTokenCommand): Promise<TokenIssued> {
    const issued = await this.administration.issueApiToken(input, meta.context);
    if (issued.token === null) {
      // Only the hash was kept: a retried issue cannot return the token it drew.
      throw new DomainRuleViolated(
        `this idempotency key already issued token ${issued.tokenId}, which is shown only once: revoke it and issue another`,
      );
    }
    await awaitAuthentication(this.consistency, issued.position);
    return { user: accountFromState(issued.state), position: issued.position, token: issued.token, tokenId: issued.tokenId };
  }
}
