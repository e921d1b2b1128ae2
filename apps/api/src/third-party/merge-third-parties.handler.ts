import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { mergeMovedKinds, type MergeMoved } from '#domain';
import {
  activitiesCollection,
  activitiesProjection,
  commercialDocumentsCollection,
  commercialDocumentsProjection,
  contactsCollection,
  contactsProjection,
  directoryProjection,
  DirectoryQueries,
  exchangesCollection,
  exchangesProjection,
  followUpsCollection,
  followUpsProjection,
} from '#projections';
import type { CollectionDefinition, ReadStore } from '#read-store';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeThirdParty, type ThirdPartyWritten } from './third-party.write.js';

export class MergeThirdPartiesCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: { readonly survivorId: string; readonly absorbedId: string; readonly reason: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

export class UnmergeThirdPartiesCommand extends Command<ThirdPartyWritten> {
  constructor(
    readonly input: { readonly absorbedId: string; readonly reason: string },
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Where each kind of moved record is read from, and the read model that must have caught up first. */
const sources: Readonly<Record<keyof MergeMoved, { readonly collection: CollectionDefinition; readonly projection: string }>> = {
  contactIds: { collection: contactsCollection, projection: contactsProjection.name },
  exchangeIds: { collection: exchangesCollection, projection: exchangesProjection.name },
  documentIds: { collection: commercialDocumentsCollection, projection: commercialDocumentsProjection.name },
  followUpIds: { collection: followUpsCollection, projection: followUpsProjection.name },
  activityIds: { collection: activitiesCollection, projection: activitiesProjection.name },
};

const PAGE = 1_000;

/**
 * What moves is read from the read models caught up to the head of the log, not
 * from the event store, which has no index of records by third party (see
 * docs/decisions/0029-merge.md): the decider records it in the event.
 */
@CommandHandler(MergeThirdPartiesCommand)
export class MergeThirdPartiesHandler implements ICommandHandler<MergeThirdPartiesCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async execute({ input, meta }: MergeThirdPartiesCommand): Promise<ThirdPartyWritten> {
    const { absorbedId, survivorId, reason } = input;
    await this.consistency.awaitHead([...Object.values(sources).map((source) => source.projection), directoryProjection.name]);
    const moved = Object.fromEntries(
      await Promise.all(mergeMovedKinds.map(async (kind) => [kind, await this.idsOf(sources[kind].collection, absorbedId)] as const)),
    ) as unknown as MergeMoved;
    const survivor = await this.references.thirdParty(survivorId);
    const mergedIntoAbsorbed = await this.directory.mergedInto(absorbedId);
    return writeThirdParty(
      this.aggregates,
      absorbedId,
      { type: 'MergeThirdParties', data: { thirdPartyId: absorbedId, survivor, reason, moved, mergedIntoAbsorbed } },
      meta,
    );
  }

  private async idsOf(definition: CollectionDefinition, thirdPartyId: string): Promise<string[]> {
    const collection = await this.readStore.collection(definition);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await collection.find({ where: [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }], first: PAGE, after });
      for (const item of page.items) ids.push(item.doc.id);
      if (!page.hasNextPage || page.endCursor === null) return ids;
      after = page.endCursor;
    }
  }
}

/** The survivor is resolved here so that the write scope judges it: the caller must be allowed to write both. */
@CommandHandler(UnmergeThirdPartiesCommand)
export class UnmergeThirdPartiesHandler implements ICommandHandler<UnmergeThirdPartiesCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta }: UnmergeThirdPartiesCommand): Promise<ThirdPartyWritten> {
    const { absorbedId, reason } = input;
    const absorbed = await this.references.thirdParty(absorbedId);
    const survivor = absorbed.mergedInto ? await this.references.thirdParty(absorbed.mergedInto) : null;
    return writeThirdParty(
      this.aggregates,
      absorbedId,
      { type: 'UnmergeThirdParties', data: { thirdPartyId: absorbedId, survivor, reason } },
      meta,
    );
  }
}
