import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Catalogue, UpdateExchange } from '#domain';
import { CATALOGUE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeExchange, type ExchangeWritten } from './exchange.write.js';

export type UpdateExchangeFields = Omit<UpdateExchange['data'], 'contacts' | 'catalogue'> & {
  /** Absent: the contacts stay as they are. */
  readonly contactIds?: readonly string[];
};

export class UpdateExchangeCommand extends Command<ExchangeWritten> {
  constructor(
    readonly input: UpdateExchangeFields,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(UpdateExchangeCommand)
export class UpdateExchangeHandler implements ICommandHandler<UpdateExchangeCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
    @Inject(CATALOGUE) private readonly catalogue: Catalogue,
  ) {}

  async execute({ input, meta }: UpdateExchangeCommand): Promise<ExchangeWritten> {
    const { contactIds, ...changes } = input;
    const contacts = contactIds === undefined ? undefined : await this.references.contacts(contactIds);
    return writeExchange(
      this.aggregates,
      input.exchangeId,
      { type: 'UpdateExchange', data: { ...changes, ...(contacts ? { contacts } : {}), catalogue: this.catalogue } },
      meta,
    );
  }
}
