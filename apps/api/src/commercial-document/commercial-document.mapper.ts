import type { CommercialDocumentEntry } from '#projections';
import { user } from '../graphql/common.types.js';
import type { CommercialDocument } from './commercial-document.types.js';

export const commercialDocumentFromEntry = (entry: CommercialDocumentEntry): CommercialDocument => ({
  id: entry.id,
  thirdPartyId: entry.thirdPartyId,
  type: entry.type,
  ref: entry.ref,
  label: entry.label,
  amount: entry.amount,
  currency: entry.currency,
  issuedAt: entry.issuedAt,
  dueAt: entry.dueAt,
  status: entry.status,
  statusAt: entry.statusAt,
  paidAmount: entry.paidAmount,
  statusHistory: entry.history.map((change) => ({
    status: change.status,
    at: change.at,
    paidAmount: change.paidAmount,
    recordedAt: change.recordedAt,
    recordedBy: user(change.recordedBy),
  })),
  recordedBy: user(entry.recordedBy),
  recordedAt: entry.recordedAt,
  version: entry.version,
});
