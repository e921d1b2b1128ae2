import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ChangeCommercialDocumentStatus } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeCommercialDocument, type CommercialDocumentWritten } from './commercial-document.write.js';

export class ChangeCommercialDocumentStatusCommand extends Command<CommercialDocumentWritten> {
  constructor(
    readonly input: ChangeCommercialDocumentStatus['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeCommercialDocumentStatusCommand)
export class ChangeCommercialDocumentStatusHandler implements ICommandHandler<ChangeCommercialDocumentStatusCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: ChangeCommercialDocumentStatusCommand): Promise<CommercialDocumentWritten> {
    return writeCommercialDocument(this.aggregates, input.documentId, { type: 'ChangeCommercialDocumentStatus', data: input }, meta);
  }
}
