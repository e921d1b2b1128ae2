import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DeleteExchange } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeExchange, type ExchangeWritten } from './exchange.write.js';

export class DeleteExchangeCommand extends Command<ExchangeWritten> {
  constructor(
    readonly input: DeleteExchange['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(DeleteExchangeCommand)
export class DeleteExchangeHandler implements ICommandHandler<DeleteExchangeCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: DeleteExchangeCommand): Promise<ExchangeWritten> {
    return writeExchange(this.aggregates, input.exchangeId, { type: 'DeleteExchange', data: input }, meta);
  }
}
