import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeExchangeStatus } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeExchange, type ExchangeWritten } from './exchange.write.js';

export class ChangeExchangeStatusCommand extends Command<ExchangeWritten> {
  constructor(
    readonly input: ChangeExchangeStatus['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeExchangeStatusCommand)
export class ChangeExchangeStatusHandler implements ICommandHandler<ChangeExchangeStatusCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: ChangeExchangeStatusCommand): Promise<ExchangeWritten> {
    return writeExchange(this.aggregates, input.exchangeId, { type: 'ChangeExchangeStatus', data: input }, meta);
  }
}
