import { DomainRuleViolated } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { requireActiveThirdParty, requireContactOf } from '../shared/references.js';
import { LIMITS, requiredText } from '../shared/validation.js';
import type { AddNote, NoteCommand } from './note.commands.js';
import type { NoteEvent } from './note.events.js';

export interface NoteRecord {
  readonly noteId: string;
  readonly thirdPartyId: string;
  readonly contactId: string | null;
  readonly text: string;
  readonly addedAt: string;
  /** The user who wrote it; null only for notes recorded before authors were kept. */
  readonly authorId: string | null;
}

export type NoteState = { readonly status: 'none' } | ({ readonly status: 'added' } & NoteRecord);

const initialState = (): NoteState => ({ status: 'none' });

const evolve = (_state: NoteState, event: NoteEvent): NoteState => {
  switch (event.type) {
    case 'NoteAdded': {
      const { noteId, thirdPartyId, contactId, text, addedAt, authorId } = event.data;
      return { status: 'added', noteId, thirdPartyId, contactId, text, addedAt, authorId: authorId ?? null };
    }
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
};

const addNote = (command: AddNote, state: NoteState, context: CommandContext): NoteEvent[] => {
  const { noteId } = command.data;
  const thirdPartyId = requireActiveThirdParty(command.data.thirdParty, 'thirdPartyId');
  const contactId = command.data.contact ? requireContactOf(command.data.contact, thirdPartyId, 'contactId') : null;
  const text = requiredText('text', command.data.text, { max: LIMITS.longText, multiline: true });
  if (state.status === 'added') {
    // A repeated note is a no-op; a different one under the same id is a conflict.
    if (state.thirdPartyId === thirdPartyId && state.contactId === contactId && state.text === text) return [];
    throw new DomainRuleViolated(`note ${noteId} already exists`);
  }
  return [
    {
      type: 'NoteAdded',
      data: { noteId, thirdPartyId, contactId, text, addedAt: context.now.toISOString(), authorId: context.actorId },
    },
  ];
};

const decide = (command: NoteCommand, state: NoteState, context: CommandContext): NoteEvent[] => {
  switch (command.type) {
    case 'AddNote':
      return addNote(command, state, context);
    default: {
      const unreachable: never = command.type;
      return unreachable;
    }
  }
};

export const noteDecider: Decider<NoteState, NoteCommand, NoteEvent> = {
  initialState,
  evolve,
  decide,
};
