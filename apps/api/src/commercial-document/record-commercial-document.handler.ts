import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { commercialDocumentName, type RecordCommercialDocument } from '#domain';
import { uuidV5 } from '#event-store';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeCommercialDocument, type CommercialDocumentWritten } from './commercial-document.write.js';

export type RecordCommercialDocumentFields = Omit<RecordCommercialDocument['data'], 'documentId' | 'thirdParty'> & {
  readonly thirdPartyId: string | null;
};

/**
 * A document's id derives from what makes it unique (third party, type, ref),
 * not from the caller: recording it twice, from a form or from the ERP's next
 * sync, lands on one stream and changes nothing.
 */
export const commercialDocumentId = (thirdPartyId: string | null, documentType: string, ref: string): string =>
  uuidV5(`commercialDocument:${commercialDocumentName(thirdPartyId, documentType, ref)}`);

export class RecordCommercialDocumentCommand extends Command<CommercialDocumentWritten> {
  constructor(
    readonly input: RecordCommercialDocumentFields,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RecordCommercialDocumentCommand)
export class RecordCommercialDocumentHandler implements ICommandHandler<RecordCommercialDocumentCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta }: RecordCommercialDocumentCommand): Promise<CommercialDocumentWritten> {
    const { thirdPartyId, ...fields } = input;
    const documentId = commercialDocumentId(thirdPartyId, fields.documentType, fields.ref);
    const thirdParty = thirdPartyId === null ? null : await this.references.thirdParty(thirdPartyId);
    return writeCommercialDocument(
      this.aggregates,
      documentId,
      { type: 'RecordCommercialDocument', data: { ...fields, documentId, thirdParty } },
      meta,
    );
  }
}
