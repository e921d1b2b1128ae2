import { commercialDocumentDecider, streams, type CommercialDocumentCommand } from '#domain';
import { evolveCommercialDocuments, type CommercialDocumentEntry } from '#projections';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { commercialDocumentFromEntry } from './commercial-document.mapper.js';
import type { CommercialDocument } from './commercial-document.types.js';

export interface CommercialDocumentWritten {
  readonly commercialDocument: CommercialDocument;
  readonly position: bigint;
}

/**
 * Runs a command, then answers with the document as the read model will show
 * it: the stream, up to the revision written, folded by the read model's own
 * evolve (the status history lives there, not in the decider's state).
 */
export async function writeCommercialDocument(
  aggregates: Aggregates,
  documentId: string,
  command: CommercialDocumentCommand,
  meta: CommandMeta,
): Promise<CommercialDocumentWritten> {
  const streamName = streams.commercialDocument(documentId);
  const written = await aggregates.execute(commercialDocumentDecider, streamName, command, meta);
  const { events } = await aggregates.fold(commercialDocumentDecider, streamName, (event) => event.revision <= written.revision);
  const entry = events.reduce<CommercialDocumentEntry | null>((doc, event) => evolveCommercialDocuments(doc, event), null);
  if (entry === null) throw new Error(`${streamName} holds no recorded document after ${command.type}`);
  return { commercialDocument: commercialDocumentFromEntry(entry), position: written.position };
}
