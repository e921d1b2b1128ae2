import type { CommercialDocumentEvent, CommercialDocumentStatus, CommercialDocumentType } from '#domain';
import type { EventEnvelope } from '#event-store';
import { eitherFanOut, mergeFanOut, mergeSelection, rekeyMoved } from '../shared/merge.js';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { eventSelection } from '../shared/event-selection.js';
import { utcInstant } from '../shared/read-model-keys.js';
import { erasedText, erasureFanOut, erasureSelection } from '../shared/erasure.js';

/** One status a document reached: when it happened, and who recorded it when. */
export type CommercialDocumentStatusEntry = {
  readonly status: CommercialDocumentStatus;
  /** When the status happened (UTC ISO with ms): what follow-ups are anchored on. */
  readonly at: string;
  /** Invoices: what was paid as of this status. */
  readonly paidAmount: string | null;
  /** When and by whom it was recorded (metadata), which may be long after `at`. */
  readonly recordedAt: string;
  readonly recordedBy: string;
};

/**
 * A quote, order, invoice or contract as lists show it, with every status it
 * went through. Amounts stay decimal strings. A type alias (not an interface)
 * so it is a `Doc`.
 */
export type CommercialDocumentEntry = {
  readonly id: string;
  readonly thirdPartyId: string;
  /** The absorbed third party while a merge makes the record read as the survivor's (docs/decisions/0029-merge.md). */
  readonly mergedFrom?: string;
  readonly type: CommercialDocumentType;
  readonly ref: string;
  readonly label: string | null;
  readonly amount: string;
  readonly currency: string;
  /** UTC ISO instants with milliseconds, so string order is time order. */
  readonly issuedAt: string;
  readonly dueAt: string | null;
  readonly status: CommercialDocumentStatus;
  readonly statusAt: string;
  readonly paidAmount: string | null;
  /** Oldest first; the last is the current status. */
  readonly history: CommercialDocumentStatusEntry[];
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly updatedAt: string;
  /** Revision of the document's stream: the expectedVersion a client sends back. */
  readonly version: string;
  /** Global position of the last event applied. */
  readonly lastPosition: string;
};

const selection = eventSelection<CommercialDocumentEvent>(['CommercialDocumentRecorded', 'CommercialDocumentStatusChanged']);

export const commercialDocumentsCollection: CollectionDefinition = {
  name: 'commercial_documents',
  indexes: ['thirdPartyId', 'type', 'ref', 'status', 'issuedAt', 'dueAt'],
};

export const evolveCommercialDocuments = (
  doc: CommercialDocumentEntry | null,
  envelope: EventEnvelope,
): CommercialDocumentEntry | null => {
  // A forgotten third party: its documents' labels (free text, personal) become markers; the facts stay.
  if (erasureSelection.select(envelope) !== null) {
    return doc === null ? doc : { ...doc, label: erasedText(doc.label), lastPosition: envelope.position.toString() };
  }
  if (mergeSelection.select(envelope) !== null) return rekeyMoved(doc, envelope);
  const event = selection.select(envelope);
  if (event === null) return doc;
  const recordedAt = utcInstant(event.metadata.occurredAt);
  const recordedBy = event.metadata.actorId;
  const stamped = { updatedAt: recordedAt, version: event.revision.toString(), lastPosition: event.position.toString() };
  switch (event.type) {
    case 'CommercialDocumentRecorded': {
      const data = event.data;
      const statusAt = utcInstant(data.statusAt);
      return {
        id: data.documentId,
        thirdPartyId: data.thirdPartyId,
        type: data.documentType,
        ref: data.ref,
        label: data.label,
        amount: data.amount,
        currency: data.currency,
        issuedAt: utcInstant(data.issuedAt),
        dueAt: data.dueAt === null ? null : utcInstant(data.dueAt),
        status: data.status,
        statusAt,
        paidAmount: data.paidAmount,
        history: [{ status: data.status, at: statusAt, paidAmount: data.paidAmount, recordedAt, recordedBy }],
        recordedBy,
        recordedAt,
        ...stamped,
      };
    }
    case 'CommercialDocumentStatusChanged': {
      if (doc === null) return doc;
      const { to, paidAmount } = event.data;
      const at = utcInstant(event.data.at);
      return {
        ...doc,
        status: to,
        statusAt: at,
        paidAmount,
        history: [...doc.history, { status: to, at, paidAmount, recordedAt, recordedBy }],
        ...stamped,
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const commercialDocumentsProjection: Projection<CommercialDocumentEntry> = {
  name: 'commercial-documents.v1',
  collection: commercialDocumentsCollection,
  canHandle: (type) => selection.canHandle(type) || erasureSelection.canHandle(type) || mergeSelection.canHandle(type),
  documentId: (envelope) => selection.select(envelope)?.data.documentId ?? null,
  evolve: evolveCommercialDocuments,
  fanOut: eitherFanOut(
    mergeFanOut('documentIds'),
    erasureFanOut({ byThirdParty: (thirdPartyId) => [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }] }),
  ),
  forgets: ['thirdParty'],
};
