import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ArchiveContact } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeContact, type ContactWritten } from './contact.write.js';

export class ArchiveContactCommand extends Command<ContactWritten> {
  constructor(
    readonly input: ArchiveContact['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ArchiveContactCommand)
export class ArchiveContactHandler implements ICommandHandler<ArchiveContactCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: ArchiveContactCommand): Promise<ContactWritten> {
    return writeContact(this.aggregates, input.contactId, { type: 'ArchiveContact', data: input }, meta);
  }
}
