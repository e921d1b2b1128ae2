import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExchangeQueries, exchangesProjection } from '#projections';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class ConvertProspectCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: { readonly thirdPartyId: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ConvertProspectCommand)
export class ConvertProspectHandler implements ICommandHandler<ConvertProspectCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly exchanges: ExchangeQueries,
    private readonly consistency: ReadConsistency,
  ) {}

  async execute({ input, meta }: ConvertProspectCommand): Promise<ThirdPartyWritten> {
    const { thirdPartyId } = input;
    // The time since the first exchange is recorded for good in the event, so the
    // exchanges read model must have caught up with everything logged so far.
    await this.consistency.awaitHead([exchangesProjection.name]);
    const firstExchangeAt = await this.exchanges.firstExchangeAt(thirdPartyId);
    return writeThirdParty(this.aggregates, thirdPartyId, { type: 'ConvertProspect', data: { thirdPartyId, firstExchangeAt } }, meta);
  }
}
