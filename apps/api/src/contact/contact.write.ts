import { contactDecider, streams, type ContactCommand } from '#domain';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { contactFromState } from './contact.mapper.js';
import type { Contact } from './contact.types.js';

export interface ContactWritten {
  readonly contact: Contact;
  readonly position: bigint;
}

export async function writeContact(
  aggregates: Aggregates,
  contactId: string,
  command: ContactCommand,
  meta: CommandMeta,
): Promise<ContactWritten> {
  const written = await aggregates.execute(contactDecider, streams.contact(contactId), command, meta);
  return { contact: contactFromState(written.state, written.revision), position: written.position };
}
