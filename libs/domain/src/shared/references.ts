import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { ContactReference } from '../exchange/exchange.commands.js';
import { InvalidInput } from './errors.js';

/**
 * A third party named inside a command's input must exist and be active. A
 * missing or unknown reference is bad input naming the field, not NOT_FOUND:
 * the command's own target is something else. A forgotten one is answered as
 * unknown: nothing may be recorded about it any more.
 */
export const requireActiveThirdParty = (reference: ThirdPartyReference | null | undefined, field: string): string => {
  if (reference === null || reference === undefined || reference.thirdPartyId === '') {
    throw new InvalidInput(field, 'is required');
  }
  if (reference.status === 'none' || reference.status === 'forgotten') {
    throw new InvalidInput(field, `no third party with id ${reference.thirdPartyId}`);
  }
  if (reference.status === 'archived') throw new InvalidInput(field, `third party ${reference.thirdPartyId} is archived`);
  if (reference.status === 'merged') {
    throw new InvalidInput(
      field,
      `third party ${reference.thirdPartyId} was merged into ${reference.mergedInto ?? 'another third party'}: record it on ${reference.mergedInto ?? 'that one'}`,
    );
  }
  return reference.thirdPartyId;
};

/**
 * A contact named inside a command's input must exist and belong to the third
 * party. An archived contact is refused unless `archivedAllowed` holds it (a
 * contact already on the record may stay there after leaving).
 */
export const requireContactOf = (
  reference: ContactReference,
  thirdPartyId: string,
  field: string,
  archivedAllowed: ReadonlySet<string> = new Set(),
): string => {
  if (reference.thirdPartyId === null) throw new InvalidInput(field, `no contact with id ${reference.contactId}`);
  if (reference.thirdPartyId !== thirdPartyId) {
    throw new InvalidInput(field, `contact ${reference.contactId} belongs to another third party`);
  }
  if (reference.archived && !archivedAllowed.has(reference.contactId)) {
    throw new InvalidInput(field, `contact ${reference.contactId} is archived`);
  }
  return reference.contactId;
};
