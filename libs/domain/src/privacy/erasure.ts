import { InvalidInput } from '../shared/errors.js';
import { oneOf, optionalText } from '../shared/validation.js';
import { dataSubjects } from './personal-data.js';

/**
 * Why a data subject was forgotten, as the erasure certificate states it. A
 * code, never free text: the record of the erasure must itself hold nothing
 * about the person.
 */
export const erasureReasons = ['SUBJECT_REQUEST', 'RETENTION_POLICY', 'LEGAL_OBLIGATION', 'OTHER'] as const;
export type ErasureReason = (typeof erasureReasons)[number];

/** A ticket or case number: kept in clear with the erasure, so documented as "no personal data". */
export const ERASURE_REFERENCE_MAX_LENGTH = 100;

/** The events that forget a data subject: the read models replace that subject's personal data on them. */
export const erasureEventTypes = ['ThirdPartyForgotten', 'ContactForgotten'] as const;
export type ErasureEventType = (typeof erasureEventTypes)[number];

export const isErasureEvent = (type: string): type is ErasureEventType => (erasureEventTypes as readonly string[]).includes(type);

/**
 * The data subjects an erasure event forgets, as the key store names them: a
 * third party and the contacts it lists (each also has its own ContactForgotten),
 * or a contact. [] for any other event, or malformed data.
 */
export const subjectsForgottenBy = (event: { readonly type: string; readonly data: unknown }): string[] => {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  if (event.type === 'ThirdPartyForgotten' && typeof data['thirdPartyId'] === 'string') {
    const contactIds = Array.isArray(data['contactIds']) ? data['contactIds'].filter((id): id is string => typeof id === 'string') : [];
    return [dataSubjects.thirdParty(data['thirdPartyId']), ...contactIds.map(dataSubjects.contact)];
  }
  if (event.type === 'ContactForgotten' && typeof data['contactId'] === 'string') return [dataSubjects.contact(data['contactId'])];
  return [];
};

export const validErasureReason = (raw: unknown): ErasureReason => {
  if (raw === undefined || raw === null) throw new InvalidInput('reason', `is required (one of ${erasureReasons.join(', ')})`);
  return oneOf('reason', raw, erasureReasons);
};

/** One line, at most 100 characters; stored in clear, so it must name a case, not a person. */
export const validErasureReference = (raw: unknown): string | null =>
  optionalText('reference', raw, { max: ERASURE_REFERENCE_MAX_LENGTH });
