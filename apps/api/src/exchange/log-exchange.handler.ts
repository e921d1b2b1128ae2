import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Catalogue, LogExchange } from '#domain';
import { CATALOGUE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeExchange, type ExchangeWritten } from './exchange.write.js';

export type LogExchangeFields = Omit<LogExchange['data'], 'exchangeId' | 'thirdParty' | 'contacts' | 'catalogue' | 'occurredAt'> & {
  readonly thirdPartyId: string | null;
  readonly contactIds: readonly string[];
  /** null: now. */
  readonly occurredAt: string | null;
};

export class LogExchangeCommand extends Command<ExchangeWritten> {
  constructor(
    readonly input: LogExchangeFields,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(LogExchangeCommand)
export class LogExchangeHandler implements ICommandHandler<LogExchangeCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
  ) {}

  async execute({ input, meta }: LogExchangeCommand): Promise<ExchangeWritten> {
    const { thirdPartyId, contactIds, occurredAt, ...details } = input;
    const exchangeId = this.aggregates.newId(meta.context, 'exchange');
    const [thirdParty, contacts] = await Promise.all([
      thirdPartyId === null ? null : this.references.thirdParty(thirdPartyId),
      this.references.contacts(contactIds),
    ]);
    return writeExchange(
      this.aggregates,
      exchangeId,
      {
        type: 'LogExchange',
        data: {
          ...details,
          exchangeId,
          thirdParty,
          contacts,
          occurredAt: occurredAt ?? meta.context.now.toISOString(),
          catalogue: this.catalogue,
        },
      },
      meta,
    );
  }
}
