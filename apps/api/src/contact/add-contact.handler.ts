import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AddContact } from '#domain';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeContact, type ContactWritten } from './contact.write.js';

export class AddContactCommand extends Command<ContactWritten> {
  constructor(
    readonly input: Omit<AddContact['data'], 'contactId' | 'thirdParty'> & { readonly thirdPartyId: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(AddContactCommand)
export class AddContactHandler implements ICommandHandler<AddContactCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta }: AddContactCommand): Promise<ContactWritten> {
    const { thirdPartyId, ...profile } = input;
    const contactId = this.aggregates.newId(meta.context, 'contact');
    const thirdParty = await this.references.thirdParty(thirdPartyId);
    return writeContact(this.aggregates, contactId, { type: 'AddContact', data: { ...profile, contactId, thirdParty } }, meta);
  }
}
