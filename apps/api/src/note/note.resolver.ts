import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { CommandContextFactory } from '../shared/command-context.js';
import { optionalEntityId } from '../shared/input.js';
import { AddNoteCommand } from './add-note.handler.js';
import { AddNoteInput, AddNotePayload, Note } from './note.types.js';

@Resolver(() => Note)
export class NoteResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Mutation(() => AddNotePayload, { description: 'Adds a free note to a third party, or to one of its contacts.' })
  async addNote(@Args('input') input: AddNoteInput, @Context('req') req: FastifyRequest): Promise<AddNotePayload> {
    const meta = this.contexts.create(req, input);
    const command = new AddNoteCommand(
      {
        thirdPartyId: optionalEntityId('thirdPartyId', input.thirdPartyId),
        contactId: optionalEntityId('contactId', input.contactId),
        text: input.text,
      },
      meta,
    );
    const result = await this.commandBus.execute(command);
    return { note: result.note, position: result.position.toString() };
  }
}
