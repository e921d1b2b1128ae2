import { validCustomFields, type Catalogue, type CustomFieldValue } from '../catalogue/catalogue.js';
import { validErasureReason, validErasureReference } from '../privacy/erasure.js';
import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import { requireActiveThirdParty } from '../shared/references.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { diffFields, jsonEqual } from '../shared/field-changes.js';
import {
  labelList,
  LIMITS,
  oneOf,
  optionalCountryCode,
  optionalEmail,
  optionalPhone,
  optionalText,
  optionalVatNumber,
  optionalWebsite,
  requiredText,
} from '../shared/validation.js';
import type { Address, FieldChange, JsonValue } from '../shared/values.js';
import type {
  ArchiveThirdParty,
  AssignThirdPartyOwner,
  CategoriseThirdParty,
  ConvertProspect,
  ForgetThirdParty,
  MergeThirdParties,
  RegisterThirdParty,
  UnmergeThirdParties,
  ThirdPartyCommand,
  UpdateThirdParty,
} from './third-party.commands.js';
import {
  mergeMovedKinds,
  prospectStatuses,
  thirdPartyKinds,
  thirdPartyProfileFields,
  thirdPartyRoles,
  type MergeMoved,
  type ProspectStatus,
  type ThirdPartyEvent,
  type ThirdPartyProfile,
  type ThirdPartyRole,
} from './third-party.events.js';

/** What the write side knows of a registered third party, active or archived. */
export interface ThirdPartyRecord {
  readonly thirdPartyId: string;
  readonly registeredAt: string;
  readonly ownerId: string | null;
  readonly categories: string[];
  readonly tags: string[];
  readonly profile: ThirdPartyProfile;
  /** When it was converted from prospect to customer; null if never. */
  readonly convertedAt: string | null;
}

/**
 * A forgotten third party keeps its ids and classification (territory and owner
 * still decide who may see its history) but its personal values read as erased,
 * and it accepts no further command.
 */
export type ThirdPartyState =
  | { readonly status: 'none' }
  | ({ readonly status: 'active' } & ThirdPartyRecord)
  | ({ readonly status: 'archived' } & ThirdPartyRecord)
  | ({ readonly status: 'forgotten'; readonly forgottenAt: string; readonly contactIds: string[] } & ThirdPartyRecord)
  | ({ readonly status: 'merged' } & MergedInto & ThirdPartyRecord);

/**
 * A third party merged into another: it keeps its record (an unmerge brings it
 * back as it was) but accepts nothing but an unmerge or an erasure.
 */
export interface MergedInto {
  readonly mergedInto: string;
  readonly mergedAt: string;
  readonly moved: MergeMoved;
  /** What it goes back to on an unmerge: an archived duplicate may be merged too. */
  readonly statusBeforeMerge: 'active' | 'archived';
}

/** The record of a state, without what its status adds. */
const recordOf = (state: Exclude<ThirdPartyState, { status: 'none' }>): ThirdPartyRecord => ({
  thirdPartyId: state.thirdPartyId,
  registeredAt: state.registeredAt,
  ownerId: state.ownerId,
  categories: state.categories,
  tags: state.tags,
  profile: state.profile,
  convertedAt: state.convertedAt,
});

export const NAME_MAX_LENGTH = LIMITS.name;

export const addressFields = ['street', 'postalCode', 'city', 'region', 'country'] as const satisfies readonly (keyof Address)[];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const emptyAddress: Address = { street: null, postalCode: null, city: null, region: null, country: null };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------
// evolve

/** Applies recorded changes (dotted paths for address and custom fields) to a profile. */
const applyProfileChanges = (profile: ThirdPartyProfile, changes: readonly FieldChange[]): ThirdPartyProfile => {
  const next: Mutable<ThirdPartyProfile> = { ...profile };
  const customFields: Record<string, CustomFieldValue> = { ...profile.customFields };
  for (const { field, to } of changes) {
    if (field.startsWith('address.')) {
      const key = field.slice('address.'.length);
      if (!(addressFields as readonly string[]).includes(key)) continue;
      const address: Address = { ...(next.address ?? emptyAddress), [key]: to };
      next.address = addressFields.every((f) => address[f] === null) ? null : address;
    } else if (field.startsWith('customFields.')) {
      const key = field.slice('customFields.'.length);
      if (to === null) delete customFields[key];
      else customFields[key] = to as CustomFieldValue;
    } else if ((thirdPartyProfileFields as readonly string[]).includes(field)) {
      (next as Record<string, unknown>)[field] = to;
    }
  }
  next.customFields = customFields;
  return next;
};

const changedValue = (changes: readonly FieldChange[], field: string): { found: boolean; to: JsonValue } => {
  const change = changes.find((candidate) => candidate.field === field);
  return change ? { found: true, to: change.to } : { found: false, to: null };
};

const initialState = (): ThirdPartyState => ({ status: 'none' });

const evolve = (state: ThirdPartyState, event: ThirdPartyEvent): ThirdPartyState => {
  switch (event.type) {
    case 'ThirdPartyRegistered': {
      const d = event.data;
      return {
        status: 'active',
        thirdPartyId: d.thirdPartyId,
        registeredAt: d.registeredAt,
        ownerId: d.ownerId,
        categories: d.categories,
        tags: d.tags,
        profile: {
          name: d.name,
          kind: d.kind,
          roles: d.roles,
          prospectStatus: d.prospectStatus,
          leadSource: d.leadSource,
          territory: d.territory,
          vatNumber: d.vatNumber,
          email: d.email,
          phone: d.phone,
          website: d.website,
          address: d.address,
          paymentTerms: d.paymentTerms,
          customFields: d.customFields,
        },
        convertedAt: null,
      };
    }
    case 'ThirdPartyUpdated':
      if (state.status === 'none') return state;
      return { ...state, profile: applyProfileChanges(state.profile, event.data.changes) };
    case 'ThirdPartyOwnerAssigned': {
      if (state.status === 'none') return state;
      const owner = changedValue(event.data.changes, 'ownerId');
      return owner.found ? { ...state, ownerId: owner.to as string | null } : state;
    }
    case 'ThirdPartyCategorised': {
      if (state.status === 'none') return state;
      const categories = changedValue(event.data.changes, 'categories');
      const tags = changedValue(event.data.changes, 'tags');
      return {
        ...state,
        categories: categories.found ? (categories.to as string[]) : state.categories,
        tags: tags.found ? (tags.to as string[]) : state.tags,
      };
    }
    case 'ThirdPartyArchived':
      if (state.status === 'none' || state.status === 'forgotten' || state.status === 'merged') return state;
      return { ...state, status: 'archived' };
    case 'ThirdPartyForgotten':
      if (state.status === 'none') return state;
      return { ...recordOf(state), status: 'forgotten', forgottenAt: event.data.forgottenAt, contactIds: [...event.data.contactIds] };
    case 'ThirdPartyMerged':
      if (state.status !== 'active' && state.status !== 'archived') return state;
      return {
        ...recordOf(state),
        status: 'merged',
        mergedInto: event.data.survivorId,
        mergedAt: event.data.mergedAt,
        moved: event.data.moved,
        statusBeforeMerge: state.status,
      };
    case 'ThirdPartyUnmerged':
      if (state.status !== 'merged') return state;
      return { ...recordOf(state), status: state.statusBeforeMerge };
    case 'ProspectConverted':
      if (state.status === 'none') return state;
      return {
        ...state,
        profile: applyProfileChanges(state.profile, event.data.changes),
        convertedAt: event.data.convertedAt,
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

// ---------------------------------------------------------------------------
// validation of the profile

const validRoles = (raw: unknown): ThirdPartyRole[] => {
  if (!Array.isArray(raw)) throw new InvalidInput('roles', 'must be a list');
  const seen = new Set<ThirdPartyRole>();
  raw.forEach((role: unknown, index) => {
    seen.add(oneOf(`roles[${index}]`, role, thirdPartyRoles));
  });
  // Canonical order keeps events comparable whatever order the client sent.
  return thirdPartyRoles.filter((role) => seen.has(role));
};

/**
 * The prospect status belongs to prospects: given for a non-prospect it is bad
 * input; a prospect without one (or cleared) is NEVER_CONTACTED; a third party
 * that stops being a prospect loses it.
 */
const resolveProspectStatus = (
  roles: readonly ThirdPartyRole[],
  given: unknown,
  current: ProspectStatus | null,
): ProspectStatus | null => {
  const isProspect = roles.includes('PROSPECT');
  if (given !== undefined && given !== null) {
    const status = oneOf('prospectStatus', given, prospectStatuses);
    if (!isProspect) throw new InvalidInput('prospectStatus', 'only applies to a third party with the PROSPECT role');
    return status;
  }
  if (!isProspect) return null;
  if (given === null) return 'NEVER_CONTACTED';
  return current ?? 'NEVER_CONTACTED';
};

/** Merges the given address fields into `base` (absent = unchanged, null = cleared); all empty → null. */
const validAddress = (raw: unknown, base: Address | null): Address | null => {
  if (raw === null) return null;
  if (!isRecord(raw)) throw new InvalidInput('address', 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!(addressFields as readonly string[]).includes(key)) {
      throw new InvalidInput(`address.${key}`, `is not an address field (expected ${addressFields.join(', ')})`);
    }
  }
  const next: Mutable<Address> = { ...(base ?? emptyAddress) };
  for (const field of addressFields) {
    const value = raw[field];
    if (value === undefined) continue;
    next[field] =
      field === 'country' ? optionalCountryCode('address.country', value) : optionalText(`address.${field}`, value, { max: LIMITS.short });
  }
  return addressFields.every((field) => next[field] === null) ? null : next;
};

const sortedFields = (fields: Record<string, CustomFieldValue>): Record<string, CustomFieldValue> =>
  Object.fromEntries(Object.keys(fields).sort().map((key) => [key, fields[key] as CustomFieldValue]));

const mergeCustomFields = (
  current: Readonly<Record<string, CustomFieldValue>>,
  raw: unknown,
  catalogue: Catalogue | undefined,
): Record<string, CustomFieldValue> => {
  const merged: Record<string, CustomFieldValue> = { ...current };
  for (const [key, value] of Object.entries(validCustomFields(raw, catalogue))) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return sortedFields(merged);
};

type ProfileInput = Partial<Omit<UpdateThirdParty['data'], 'thirdPartyId' | 'catalogue'>>;

/** The profile after applying the given fields to `base` (absent fields unchanged). */
const nextProfile = (base: ThirdPartyProfile, input: ProfileInput, catalogue: Catalogue | undefined): ThirdPartyProfile => {
  const next: Mutable<ThirdPartyProfile> = { ...base };
  if (input.name !== undefined) next.name = requiredText('name', input.name, { max: LIMITS.name });
  if (input.kind !== undefined) next.kind = oneOf('kind', input.kind, thirdPartyKinds);
  if (input.roles !== undefined) next.roles = validRoles(input.roles);
  next.prospectStatus = resolveProspectStatus(next.roles, input.prospectStatus, base.prospectStatus);
  if (input.leadSource !== undefined) next.leadSource = optionalText('leadSource', input.leadSource, { max: LIMITS.short });
  if (input.territory !== undefined) next.territory = optionalText('territory', input.territory, { max: LIMITS.short });
  if (input.vatNumber !== undefined) next.vatNumber = optionalVatNumber('vatNumber', input.vatNumber);
  if (input.email !== undefined) next.email = optionalEmail('email', input.email);
  if (input.phone !== undefined) next.phone = optionalPhone('phone', input.phone);
  if (input.website !== undefined) next.website = optionalWebsite('website', input.website);
  if (input.address !== undefined) next.address = validAddress(input.address, base.address);
  if (input.paymentTerms !== undefined) next.paymentTerms = optionalText('paymentTerms', input.paymentTerms, { max: LIMITS.short });
  if (input.customFields !== undefined) next.customFields = mergeCustomFields(base.customFields, input.customFields, catalogue);
  return next;
};

const blankProfile = (): ThirdPartyProfile => ({
  name: '',
  kind: 'COMPANY',
  roles: [],
  prospectStatus: null,
  leadSource: null,
  territory: null,
  vatNumber: null,
  email: null,
  phone: null,
  website: null,
  address: null,
  paymentTerms: null,
  customFields: {},
});

const addressChanges = (from: Address | null, to: Address | null): FieldChange[] =>
  addressFields
    .filter((field) => (from?.[field] ?? null) !== (to?.[field] ?? null))
    .map((field) => ({ field: `address.${field}`, from: from?.[field] ?? null, to: to?.[field] ?? null }));

const customFieldChanges = (
  from: Readonly<Record<string, CustomFieldValue>>,
  to: Readonly<Record<string, CustomFieldValue>>,
): FieldChange[] =>
  [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .sort()
    .filter((key) => (from[key] ?? null) !== (to[key] ?? null))
    .map((key) => ({ field: `customFields.${key}`, from: from[key] ?? null, to: to[key] ?? null }));

/** Field-level changes between two profiles: address and custom fields one sub-field at a time. */
export const thirdPartyProfileChanges = (from: ThirdPartyProfile, to: ThirdPartyProfile): FieldChange[] =>
  thirdPartyProfileFields.flatMap((field) =>
    field === 'address' ? addressChanges(from.address, to.address) : diffFields(from, to, [field]),
  ).concat(customFieldChanges(from.customFields, to.customFields));

// ---------------------------------------------------------------------------
// decisions

type Registered = Exclude<ThirdPartyState, { status: 'none' | 'forgotten' | 'merged' }>;

/** A forgotten third party is not missing (its history stays), but nothing may be recorded about it any more. */
const refuseForgotten = (state: Extract<ThirdPartyState, { status: 'forgotten' }>): never => {
  throw new DomainRuleViolated(
    `third party ${state.thirdPartyId} was forgotten on ${state.forgottenAt.slice(0, 10)} (its personal data is erased): it accepts no further command`,
  );
};

/** The absorbed side of a merge answers every command with where its records went. */
const refuseMerged = (state: Extract<ThirdPartyState, { status: 'merged' }>): never => {
  throw new DomainRuleViolated(
    `third party ${state.thirdPartyId} was merged into ${state.mergedInto} on ${state.mergedAt.slice(0, 10)}: change ${state.mergedInto} instead, or unmerge it first`,
  );
};

const existing = (state: ThirdPartyState, thirdPartyId: string): Registered => {
  if (state.status === 'none') throw new NotFound('third party', thirdPartyId);
  if (state.status === 'forgotten') return refuseForgotten(state);
  if (state.status === 'merged') return refuseMerged(state);
  return state;
};

/** Archived third parties keep their history but accept no further change. */
const refuseIfArchived = (state: Registered): void => {
  if (state.status === 'archived') {
    throw new DomainRuleViolated(`third party ${state.thirdPartyId} is archived and cannot be changed`);
  }
};

const registerThirdParty = (command: RegisterThirdParty, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const d = command.data;
  if (d.name === undefined || d.name === null) throw new InvalidInput('name', 'is required');
  if (d.kind === undefined || d.kind === null) throw new InvalidInput('kind', 'is required');
  if (d.roles === undefined || d.roles === null) throw new InvalidInput('roles', 'is required');
  const { thirdPartyId, catalogue, ownerId, categories, tags, customFields, ...profileInput } = d;
  const profile = nextProfile(
    blankProfile(),
    { ...profileInput, ...(customFields === undefined ? {} : { customFields }) },
    catalogue,
  );
  const owner = ownerId ?? null;
  const categoryList = categories === undefined ? [] : labelList('categories', categories);
  const tagList = tags === undefined ? [] : labelList('tags', tags);

  if (state.status === 'forgotten') return refuseForgotten(state);
  if (state.status === 'merged') return refuseMerged(state);
  if (state.status !== 'none') {
    // A repeated registration is a no-op; a different one is a conflict.
    const same =
      jsonEqual(state.profile as unknown as JsonValue, profile as unknown as JsonValue) &&
      state.ownerId === owner &&
      jsonEqual(state.categories, categoryList) &&
      jsonEqual(state.tags, tagList);
    if (same) return [];
    refuseIfArchived(state);
    throw new DomainRuleViolated(`third party ${thirdPartyId} is already registered`);
  }
  return [
    {
      type: 'ThirdPartyRegistered',
      data: {
        thirdPartyId,
        ...profile,
        registeredAt: context.now.toISOString(),
        ownerId: owner,
        categories: categoryList,
        tags: tagList,
      },
    },
  ];
};

const updateThirdParty = (command: UpdateThirdParty, state: ThirdPartyState): ThirdPartyEvent[] => {
  const { thirdPartyId, catalogue, ...input } = command.data;
  const current = existing(state, thirdPartyId);
  const profile = nextProfile(current.profile, input, catalogue);
  const changes = thirdPartyProfileChanges(current.profile, profile);
  if (changes.length === 0) return [];
  refuseIfArchived(current);
  return [{ type: 'ThirdPartyUpdated', data: { thirdPartyId, name: profile.name, changes } }];
};

const assignOwner = (command: AssignThirdPartyOwner, state: ThirdPartyState): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const current = existing(state, thirdPartyId);
  const ownerId = command.data.ownerId ?? null;
  if (ownerId !== null && (typeof ownerId !== 'string' || ownerId === '')) throw new InvalidInput('ownerId', 'must be a user id');
  if (ownerId === current.ownerId) return [];
  refuseIfArchived(current);
  return [
    {
      type: 'ThirdPartyOwnerAssigned',
      data: { thirdPartyId, name: current.profile.name, changes: [{ field: 'ownerId', from: current.ownerId, to: ownerId }] },
    },
  ];
};

const categorise = (command: CategoriseThirdParty, state: ThirdPartyState): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const current = existing(state, thirdPartyId);
  const categories = command.data.categories === undefined ? current.categories : labelList('categories', command.data.categories);
  const tags = command.data.tags === undefined ? current.tags : labelList('tags', command.data.tags);
  const changes = diffFields({ categories: current.categories, tags: current.tags }, { categories, tags }, ['categories', 'tags']);
  if (changes.length === 0) return [];
  refuseIfArchived(current);
  return [{ type: 'ThirdPartyCategorised', data: { thirdPartyId, name: current.profile.name, changes } }];
};

const archive = (command: ArchiveThirdParty, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const current = existing(state, thirdPartyId);
  const reason = optionalText('reason', command.data.reason, { max: LIMITS.longText, multiline: true });
  if (current.status === 'archived') return [];
  return [
    {
      type: 'ThirdPartyArchived',
      data: { thirdPartyId, name: current.profile.name, reason, archivedAt: context.now.toISOString() },
    },
  ];
};

const parseFirstExchangeAt = (raw: string | null | undefined): number | null => {
  if (raw === null || raw === undefined) return null;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new InvalidInput('firstExchangeAt', 'must be an ISO-8601 date-time');
  return time;
};

const convertProspect = (command: ConvertProspect, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const current = existing(state, thirdPartyId);
  refuseIfArchived(current);
  const { profile } = current;
  if (!profile.roles.includes('PROSPECT')) {
    throw new DomainRuleViolated(
      `third party "${profile.name}" (${thirdPartyId}) is not a prospect` +
        (profile.roles.length > 0 ? ` (roles: ${profile.roles.join(', ')})` : ''),
    );
  }
  const firstExchange = parseFirstExchangeAt(command.data.firstExchangeAt);
  const roles = thirdPartyRoles.filter((role) => role === 'CUSTOMER' || (role !== 'PROSPECT' && profile.roles.includes(role)));
  const converted: ThirdPartyProfile = { ...profile, roles, prospectStatus: null };
  return [
    {
      type: 'ProspectConverted',
      data: {
        thirdPartyId,
        name: profile.name,
        convertedAt: context.now.toISOString(),
        convertedBy: context.actorId,
        firstExchangeAt: firstExchange === null ? null : new Date(firstExchange).toISOString(),
        // A first exchange dated after the conversion (a planned visit logged
        // ahead) must not produce a negative duration in conversion metrics.
        msSinceFirstExchange: firstExchange === null ? null : Math.max(0, context.now.getTime() - firstExchange),
        changes: thirdPartyProfileChanges(profile, converted),
      },
    },
  ];
};

const validContactIds = (raw: unknown): string[] => {
  if (!Array.isArray(raw)) throw new InvalidInput('contactIds', 'must be a list');
  raw.forEach((id: unknown, index) => {
    if (typeof id !== 'string' || id === '') throw new InvalidInput(`contactIds[${index}]`, 'must be a contact id');
  });
  return [...new Set(raw as string[])];
};

/** Forgetting twice is a no-op: the erasure can be run again to finish one that was interrupted. */
const forget = (command: ForgetThirdParty, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const reason = validErasureReason(command.data.reason);
  const reference = validErasureReference(command.data.reference);
  const contactIds = validContactIds(command.data.contactIds);
  if (state.status === 'none') throw new NotFound('third party', thirdPartyId);
  if (state.status === 'forgotten') return [];
  const forgotten: ThirdPartyEvent = {
    type: 'ThirdPartyForgotten',
    data: { thirdPartyId, reason, reference, forgottenAt: context.now.toISOString(), contactIds },
  };
  if (state.status !== 'merged') return [forgotten];
  // Its records go back to it first, so that the read models erase them with it
  // (they find a forgotten third party's documents by its id).
  return [
    {
      type: 'ThirdPartyUnmerged',
      data: {
        thirdPartyId,
        survivorId: state.mergedInto,
        name: state.profile.name,
        reason: ERASURE_UNMERGE_REASON,
        unmergedAt: context.now.toISOString(),
        moved: state.moved,
      },
    },
    forgotten,
  ];
};

const validIdList = (field: string, raw: unknown): string[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(field, 'must be a list');
  raw.forEach((id: unknown, index) => {
    if (typeof id !== 'string' || id === '') throw new InvalidInput(`${field}[${index}]`, 'must be an id');
  });
  // Sorted: the event lists the same set however the read models returned it.
  return [...new Set(raw as string[])].sort();
};

const validMoved = (raw: unknown): MergeMoved => {
  if (!isRecord(raw)) throw new InvalidInput('moved', 'must be an object');
  const lists = Object.fromEntries(mergeMovedKinds.map((kind) => [kind, validIdList(`moved.${kind}`, raw[kind])]));
  return lists as unknown as MergeMoved;
};

/** The reason an erasure gives to the unmerge that precedes it. */
export const ERASURE_UNMERGE_REASON = 'Unmerged to be forgotten (erasure of the absorbed third party)';

const mergeReason = (raw: unknown): string => requiredText('reason', raw, { max: LIMITS.longText, multiline: true });

/**
 * One stream, one append: the absorbed third party's. The survivor's stream is
 * not written (and its fields not changed), so that the merge is atomic on
 * every store and undone by one event too.
 */
const merge = (command: MergeThirdParties, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const reason = mergeReason(command.data.reason);
  const moved = validMoved(command.data.moved);
  if (state.status === 'none') throw new NotFound('third party', thirdPartyId);
  if (state.status === 'forgotten') return refuseForgotten(state);
  if (state.status === 'merged') {
    if (state.mergedInto === command.data.survivor?.thirdPartyId) return [];
    return refuseMerged(state);
  }
  const survivorId = requireActiveThirdParty(command.data.survivor, 'survivorId');
  if (survivorId === thirdPartyId) throw new InvalidInput('survivorId', 'must not be the absorbed third party itself');
  const absorbing = validIdList('mergedIntoAbsorbed', command.data.mergedIntoAbsorbed);
  if (absorbing.length > 0) {
    // A chain (B into A into S) would leave B's records re-keyed twice, and undoing one link ambiguous.
    throw new DomainRuleViolated(
      `third party ${thirdPartyId} has third parties merged into it (${absorbing.join(', ')}): unmerge them first`,
    );
  }
  return [
    {
      type: 'ThirdPartyMerged',
      data: { thirdPartyId, survivorId, name: state.profile.name, reason, mergedAt: context.now.toISOString(), moved },
    },
  ];
};

const unmerge = (command: UnmergeThirdParties, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  const { thirdPartyId } = command.data;
  const reason = mergeReason(command.data.reason);
  if (state.status === 'none') throw new NotFound('third party', thirdPartyId);
  if (state.status === 'forgotten') return refuseForgotten(state);
  if (state.status !== 'merged') throw new DomainRuleViolated(`third party ${thirdPartyId} is not merged into another`);
  const survivor = command.data.survivor;
  // Out of the caller's scope, the survivor reads as none: the caller must be allowed to write both.
  if (survivor === null || survivor.thirdPartyId !== state.mergedInto || survivor.status === 'none') {
    throw new NotFound('third party', thirdPartyId);
  }
  if (survivor.status === 'forgotten') {
    throw new DomainRuleViolated(`third party ${state.mergedInto} was forgotten: what the merge moved to it is erased with it`);
  }
  return [
    {
      type: 'ThirdPartyUnmerged',
      data: {
        thirdPartyId,
        survivorId: state.mergedInto,
        name: state.profile.name,
        reason,
        unmergedAt: context.now.toISOString(),
        moved: state.moved,
      },
    },
  ];
};

const decide = (command: ThirdPartyCommand, state: ThirdPartyState, context: CommandContext): ThirdPartyEvent[] => {
  switch (command.type) {
    case 'RegisterThirdParty':
      return registerThirdParty(command, state, context);
    case 'UpdateThirdParty':
      return updateThirdParty(command, state);
    case 'AssignThirdPartyOwner':
      return assignOwner(command, state);
    case 'CategoriseThirdParty':
      return categorise(command, state);
    case 'ArchiveThirdParty':
      return archive(command, state, context);
    case 'ConvertProspect':
      return convertProspect(command, state, context);
    case 'ForgetThirdParty':
      return forget(command, state, context);
    case 'MergeThirdParties':
      return merge(command, state, context);
    case 'UnmergeThirdParties':
      return unmerge(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const thirdPartyDecider: Decider<ThirdPartyState, ThirdPartyCommand, ThirdPartyEvent> = {
  initialState,
  evolve,
  decide,
};
