import type { Message } from '../shared/event.js';

/** A free note on a third party, or on one of its contacts. */
export type NoteAdded = Message<
  'NoteAdded',
  {
    readonly noteId: string;
    readonly thirdPartyId: string;
    readonly contactId: string | null;
    readonly text: string;
    readonly addedAt: string;
    /**
     * The user who wrote the note (also in the envelope's actorId). Always set
     * by the decider; optional in the type so earlier fixtures stay valid.
     */
    readonly authorId?: string;
  }
>;

export type NoteEvent = NoteAdded;
