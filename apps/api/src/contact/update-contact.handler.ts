import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { UpdateContact } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { writeContact, type ContactWritten } from './contact.write.js';

export class UpdateContactCommand extends Command<ContactWritten> {
  constructor(
    readonly input: UpdateContact['data'],
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(UpdateContactCommand)
export class UpdateContactHandler implements ICommandHandler<UpdateContactCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ input, meta }: UpdateContactCommand): Promise<ContactWritten> {
    return writeContact(this.aggregates, input.contactId, { type: 'UpdateContact', data: input }, meta);
  }
}
