import type { ErasureReason } from '../privacy/erasure.js';
import type { Message } from '../shared/event.js';
import type { Address } from '../shared/values.js';
import type { Catalogue, CustomFieldValue } from '../catalogue/catalogue.js';
import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { MergeMoved, ProspectStatus, ThirdPartyKind } from './third-party.events.js';

export type RegisterThirdParty = Message<
  'RegisterThirdParty',
  {
    readonly thirdPartyId: string;
    readonly name: string;
    readonly kind: ThirdPartyKind;
    readonly roles: readonly string[];
    /** Default for a prospect: NEVER_CONTACTED. Must be null/absent for a non-prospect. */
    readonly prospectStatus?: ProspectStatus | null;
    readonly leadSource?: string | null;
    readonly territory?: string | null;
    readonly vatNumber?: string | null;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly website?: string | null;
    readonly address?: Partial<Address> | null;
    readonly paymentTerms?: string | null;
    readonly ownerId?: string | null;
    readonly categories?: readonly string[];
    readonly tags?: readonly string[];
    readonly customFields?: Readonly<Record<string, CustomFieldValue>>;
    readonly catalogue: Catalogue;
  }
>;

/**
 * Only the fields present (not undefined) are changed; null clears a field.
 * `customFields` merges: a key set to null is removed.
 */
export type UpdateThirdParty = Message<
  'UpdateThirdParty',
  {
    readonly thirdPartyId: string;
    readonly name?: string;
    readonly kind?: ThirdPartyKind;
    readonly roles?: readonly string[];
    readonly prospectStatus?: ProspectStatus | null;
    readonly leadSource?: string | null;
    readonly territory?: string | null;
    readonly vatNumber?: string | null;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly website?: string | null;
    readonly address?: Partial<Address> | null;
    readonly paymentTerms?: string | null;
    readonly customFields?: Readonly<Record<string, CustomFieldValue>>;
    readonly catalogue: Catalogue;
  }
>;

export type AssignThirdPartyOwner = Message<
  'AssignThirdPartyOwner',
  { readonly thirdPartyId: string; readonly ownerId: string | null }
>;

/** Replaces the categories and/or tags given (absent = unchanged). */
export type CategoriseThirdParty = Message<
  'CategoriseThirdParty',
  { readonly thirdPartyId: string; readonly categories?: readonly string[]; readonly tags?: readonly string[] }
>;

export type ArchiveThirdParty = Message<'ArchiveThirdParty', { readonly thirdPartyId: string; readonly reason?: string | null }>;

/**
 * The handler looks up the first recorded exchange (from the exchanges read
 * model, caught up) and passes it in: the decider does no I/O.
 */
export type ConvertProspect = Message<
  'ConvertProspect',
  { readonly thirdPartyId: string; readonly firstExchangeAt: string | null }
>;

/**
 * Forgets the third party (GDPR erasure). `contactIds` are its contacts, which
 * the caller (DataSubjectErasure) found in the log and forgot first: the
 * decider does no I/O.
 */
export type ForgetThirdParty = Message<
  'ForgetThirdParty',
  {
    readonly thirdPartyId: string;
    readonly reason: ErasureReason;
    readonly reference?: string | null;
    readonly contactIds: readonly string[];
  }
>;

/**
 * Merges the third party `thirdPartyId` (the absorbed one, whose stream takes
 * the event) into `survivor`. The handler resolves the survivor, finds what
 * moves (`moved`, from the read models caught up to the head) and which third
 * parties are merged into the absorbed one (`mergedIntoAbsorbed`, refused: no
 * chains): the decider does no I/O.
 */
export type MergeThirdParties = Message<
  'MergeThirdParties',
  {
    readonly thirdPartyId: string;
    readonly survivor: ThirdPartyReference | null;
    readonly reason: string;
    readonly moved: MergeMoved;
    readonly mergedIntoAbsorbed: readonly string[];
  }
>;

/** Undoes the merge of `thirdPartyId`; `survivor` is the one it was merged into, resolved (and scope-checked) by the handler. */
export type UnmergeThirdParties = Message<
  'UnmergeThirdParties',
  { readonly thirdPartyId: string; readonly survivor: ThirdPartyReference | null; readonly reason: string }
>;

export type ThirdPartyCommand =
  | MergeThirdParties
  | UnmergeThirdParties
  | RegisterThirdParty
  | UpdateThirdParty
  | AssignThirdPartyOwner
  | CategoriseThirdParty
  | ArchiveThirdParty
  | ConvertProspect
  | ForgetThirdParty;
