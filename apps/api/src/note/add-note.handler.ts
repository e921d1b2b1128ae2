import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { noteDecider, streams } from '#domain';
import { optionalUser } from '../graphql/common.types.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import type { Note } from './note.types.js';

export interface NoteWritten {
  readonly note: Note;
  readonly position: bigint;
}

export class AddNoteCommand extends Command<NoteWritten> {
  constructor(
    readonly input: { readonly thirdPartyId: string | null; readonly contactId: string | null; readonly text: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(AddNoteCommand)
export class AddNoteHandler implements ICommandHandler<AddNoteCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta }: AddNoteCommand): Promise<NoteWritten> {
    const noteId = this.aggregates.newId(meta.context, 'note');
    const [thirdParty, contact] = await Promise.all([
      input.thirdPartyId === null ? null : this.references.thirdParty(input.thirdPartyId),
      input.contactId === null ? null : this.references.contact(input.contactId),
    ]);
    const { state, position } = await this.aggregates.execute(
      noteDecider,
      streams.note(noteId),
      { type: 'AddNote', data: { noteId, thirdParty, contact, text: input.text } },
      meta,
    );
    if (state.status !== 'added') throw new Error(`note ${noteId} was not added`);
    return {
      note: {
        id: state.noteId,
        thirdPartyId: state.thirdPartyId,
        contactId: state.contactId,
        text: state.text,
        addedAt: state.addedAt,
        author: optionalUser(state.authorId),
      },
      position,
    };
  }
}
