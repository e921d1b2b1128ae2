import type { Message } from '../shared/event.js';
import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { ContactReference } from '../exchange/exchange.commands.js';

export type AddNote = Message<
  'AddNote',
  {
    readonly noteId: string;
    readonly thirdParty: ThirdPartyReference | null;
    /** When the note is about a contact; it must belong to the third party. */
    readonly contact: ContactReference | null;
    readonly text: string;
  }
>;

export type NoteCommand = AddNote;
