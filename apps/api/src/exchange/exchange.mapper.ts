import type { ExchangeState } from '#domain';
import type { ExchangeEntry } from '#projections';
import { user } from '../graphql/common.types.js';
import type { Exchange } from './exchange.types.js';

/** From the write side. The confidential comment's text is carried for its readers only: see Exchange.confidentialText. */
export function exchangeFromState(state: ExchangeState, revision: bigint): Exchange {
  if (state.status === 'none') throw new Error('an exchange that does not exist has no representation');
  const { details } = state;
  return {
    id: state.exchangeId,
    thirdPartyId: details.thirdPartyId,
    contactIds: [...details.contactIds],
    occurredAt: details.occurredAt,
    mode: details.mode,
    subject: details.subject,
    comment: details.comment,
    status: details.status,
    hasConfidentialComment: details.confidentialComment !== null,
    confidentialText: details.confidentialComment,
    confidentialGroupId: details.confidentialGroupId,
    collaborators: details.collaboratorIds.map(user),
    notifyCollaborators: details.notifyCollaborators,
    linkedDocument: details.linkedDocument ? { ...details.linkedDocument } : null,
    contactedBy: user(details.contactedBy),
    author: user(state.authorId),
    deleted: state.status === 'deleted',
    version: revision.toString(),
  };
}

export const exchangeFromEntry = (entry: ExchangeEntry): Exchange => ({
  id: entry.id,
  thirdPartyId: entry.thirdPartyId,
  contactIds: [...entry.contactIds],
  occurredAt: entry.occurredAt,
  mode: entry.mode,
  subject: entry.subject,
  comment: entry.comment,
  status: entry.status,
  hasConfidentialComment: entry.hasConfidentialComment,
  confidentialText: entry.confidentialComment,
  confidentialGroupId: entry.confidentialGroupId,
  collaborators: entry.collaboratorIds.map(user),
  notifyCollaborators: entry.notifyCollaborators,
  linkedDocument:
    entry.linkedDocumentType !== null && entry.linkedDocumentRef !== null
      ? { type: entry.linkedDocumentType, ref: entry.linkedDocumentRef }
      : null,
  contactedBy: user(entry.contactedBy),
  author: user(entry.authorId),
  deleted: entry.deleted,
  version: entry.version,
});
