import type { ThirdPartyState } from '#domain';
import type { DirectoryEntry } from '#projections';
import { optionalUser } from '../graphql/common.types.js';
import { toCustomFields } from './custom-fields.js';
import type { ThirdParty } from './third-party.types.js';

type Existing = Exclude<ThirdPartyState, { status: 'none' }>;

/** A third party from its folded stream: mutation payloads and as-of views. */
export function thirdPartyFromState(state: ThirdPartyState, revision: bigint): ThirdParty {
  if (state.status === 'none') throw new Error('a third party that does not exist has no representation');
  const { profile } = state satisfies Existing;
  return {
    id: state.thirdPartyId,
    name: profile.name,
    kind: profile.kind,
    roles: [...profile.roles],
    prospectStatus: profile.prospectStatus,
    leadSource: profile.leadSource,
    territory: profile.territory,
    vatNumber: profile.vatNumber,
    email: profile.email,
    phone: profile.phone,
    website: profile.website,
    address: profile.address,
    paymentTerms: profile.paymentTerms,
    owner: optionalUser(state.ownerId),
    categories: [...state.categories],
    tags: [...state.tags],
    customFields: toCustomFields(profile.customFields),
    archived: state.status === 'archived' || (state.status === 'merged' && state.statusBeforeMerge === 'archived'),
    convertedAt: state.convertedAt,
    registeredAt: state.registeredAt,
    mergedInto: state.status === 'merged' ? state.mergedInto : null,
    version: revision.toString(),
  };
}

/** A third party as the directory read model has it. */
export function thirdPartyFromDirectory(entry: DirectoryEntry): ThirdParty {
  return {
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    roles: [...entry.roles],
    prospectStatus: entry.prospectStatus,
    leadSource: entry.leadSource,
    territory: entry.territory,
    vatNumber: entry.vatNumber,
    email: entry.email,
    phone: entry.phone,
    website: entry.website,
    address: entry.address,
    paymentTerms: entry.paymentTerms,
    owner: optionalUser(entry.ownerId),
    categories: [...entry.categories],
    tags: [...entry.tags],
    customFields: toCustomFields(entry.customFields),
    archived: entry.archived,
    convertedAt: entry.convertedAt,
    registeredAt: entry.registeredAt,
    mergedInto: entry.mergedInto ?? null,
    version: entry.version,
    lastInteractionAt: entry.lastInteractionAt,
  };
}
