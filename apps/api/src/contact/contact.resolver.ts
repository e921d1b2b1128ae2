import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '#domain';
import { ContactQueries, DirectoryQueries } from '#projections';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, notNull, sentFields } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { thirdPartyFromDirectory } from '../third-party/third-party.mapper.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { AddContactCommand } from './add-contact.handler.js';
import { ArchiveContactCommand } from './archive-contact.handler.js';
import { contactFromEntry } from './contact.mapper.js';
import {
  AddContactInput,
  AddContactPayload,
  ArchiveContactInput,
  ArchiveContactPayload,
  Contact,
  UpdateContactInput,
  UpdateContactPayload,
} from './contact.types.js';
import type { ContactWritten } from './contact.write.js';
import { UpdateContactCommand } from './update-contact.handler.js';

const payload = (result: ContactWritten) => ({ contact: result.contact, position: result.position.toString() });

const OPTIONAL_FIELDS = ['firstName', 'jobTitle', 'email', 'phone', 'mobile', 'preferredLanguage', 'preferredChannel', 'notes'] as const;

@Resolver(() => Contact)
export class ContactResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly contacts: ContactQueries,
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
    private readonly scopes: ThirdPartyScopes,
    private readonly journal: SecurityJournal,
  ) {}

  @Mutation(() => AddContactPayload, { description: 'Adds a contact (a person) to a third party.' })
  async addContact(@Args('input') input: AddContactInput, @Context('req') req: FastifyRequest): Promise<AddContactPayload> {
    const meta = this.contexts.create(req, input);
    if (input.thirdPartyId === null || input.thirdPartyId === undefined) {
      throw new InvalidInput('thirdPartyId', 'is required: a contact belongs to one third party');
    }
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    const command = new AddContactCommand({ thirdPartyId, lastName: input.lastName, ...sentFields(input, OPTIONAL_FIELDS) }, meta);
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => UpdateContactPayload, { description: "Changes a contact's fields; the event records each change old → new." })
  async updateContact(@Args('input') input: UpdateContactInput, @Context('req') req: FastifyRequest): Promise<UpdateContactPayload> {
    const meta = this.contexts.create(req, input);
    const contactId = entityId('contactId', input.contactId);
    const lastName = notNull('lastName', input.lastName);
    const command = new UpdateContactCommand(
      { contactId, ...(lastName === undefined ? {} : { lastName }), ...sentFields(input, OPTIONAL_FIELDS) },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ArchiveContactPayload, {
    description: 'The contact no longer represents the third party (left the company, …): no new exchanges with it; its history stays.',
  })
  async archiveContact(@Args('input') input: ArchiveContactInput, @Context('req') req: FastifyRequest): Promise<ArchiveContactPayload> {
    const meta = this.contexts.create(req, input);
    const contactId = entityId('contactId', input.contactId);
    return payload(await this.commandBus.execute(new ArchiveContactCommand({ contactId, reason: input.reason ?? null }, meta)));
  }

  @Query(() => Contact, { nullable: true, description: 'A contact by id (archived ones included), or null when there is none.' })
  async contact(@Args('id', { type: () => ID }) id: string, @Context('req') req: FastifyRequest): Promise<Contact | null> {
    const contactId = entityId('id', id);
    await this.consistency.await(req);
    const entry = await this.contacts.get(contactId);
    if (entry === null) return null;
    const viewer = viewerOf(req);
    if (!(await this.scopes.canSee(viewer, entry.thirdPartyId))) {
      // The contact of a third party out of scope is answered like an unknown id; only administrators learn of the attempt.
      this.journal.record({ reason: 'outOfScope', operation: 'Query.contact', viewer, request: req });
      return null;
    }
    return contactFromEntry(entry);
  }

  @ResolveField('thirdParty', () => ThirdParty, { nullable: true, description: 'The third party the contact belongs to.' })
  async thirdParty(@Parent() contact: Contact, @Context('req') req: FastifyRequest): Promise<ThirdParty | null> {
    await this.consistency.await(req);
    const entry = await this.directory.get(contact.thirdPartyId);
    return entry && viewerOf(req).sees(entry) ? thirdPartyFromDirectory(entry) : null;
  }
}

/** A third party's contacts, as a field of ThirdParty. */
@Resolver(() => ThirdParty)
export class ThirdPartyContactsResolver {
  constructor(
    private readonly contacts: ContactQueries,
    private readonly consistency: ReadConsistency,
    private readonly scopes: ThirdPartyScopes,
  ) {}

  @ResolveField('contacts', () => [Contact], { description: 'The contacts of the third party, by last name then first name.' })
  async contactsOf(
    @Parent() thirdParty: ThirdParty,
    @Args('includeArchived', { type: () => Boolean, defaultValue: false, description: 'Include archived contacts.' })
    includeArchived: boolean,
    @Context('req') req: FastifyRequest,
  ): Promise<Contact[]> {
    await this.consistency.await(req);
    if (!(await this.scopes.canSee(viewerOf(req), thirdParty.id))) return [];
    const entries = await this.contacts.listByThirdParty(thirdParty.id, { includeArchived });
    return entries.map(contactFromEntry);
  }
}
