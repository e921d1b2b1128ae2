import type { ErasureReason } from '../privacy/erasure.js';
import type { Message } from '../shared/event.js';
import type { Address, FieldChange } from '../shared/values.js';
import type { CustomFieldValue } from '../catalogue/catalogue.js';

export const thirdPartyKinds = ['COMPANY', 'INDIVIDUAL'] as const;
export type ThirdPartyKind = (typeof thirdPartyKinds)[number];

export const thirdPartyRoles = ['PROSPECT', 'CUSTOMER', 'SUPPLIER'] as const;
export type ThirdPartyRole = (typeof thirdPartyRoles)[number];

export const prospectStatuses = ['NEVER_CONTACTED', 'TO_CONTACT', 'IN_PROGRESS', 'CONTACTED', 'DO_NOT_CONTACT'] as const;
export type ProspectStatus = (typeof prospectStatuses)[number];

/**
 * The descriptive fields of a third party, each updatable with a field-level diff.
 * Every field is present in events (null when unknown) so projections never guess.
 */
export interface ThirdPartyProfile {
  readonly name: string;
  readonly kind: ThirdPartyKind;
  readonly roles: ThirdPartyRole[];
  /** Meaningful while the third party is a prospect; null otherwise. */
  readonly prospectStatus: ProspectStatus | null;
  readonly leadSource: string | null;
  readonly territory: string | null;
  readonly vatNumber: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly website: string | null;
  readonly address: Address | null;
  readonly paymentTerms: string | null;
  /** Values of the catalogue's custom fields, by key; absent keys are unset. */
  readonly customFields: Readonly<Record<string, CustomFieldValue>>;
}

/** Field names a ThirdPartyUpdated change can carry (custom fields as `customFields.<key>`). */
export const thirdPartyProfileFields = [
  'name',
  'kind',
  'roles',
  'prospectStatus',
  'leadSource',
  'territory',
  'vatNumber',
  'email',
  'phone',
  'website',
  'address',
  'paymentTerms',
] as const;
export type ThirdPartyProfileField = (typeof thirdPartyProfileFields)[number];

/**
 * Schema version 2: carries the whole profile, owner, categories and tags.
 * Version 1 carried only thirdPartyId, name, kind, roles and registeredAt
 * (see third-party.upcasters.ts).
 */
export type ThirdPartyRegistered = Message<
  'ThirdPartyRegistered',
  ThirdPartyProfile & {
    readonly thirdPartyId: string;
    readonly registeredAt: string;
    readonly ownerId: string | null;
    readonly categories: string[];
    readonly tags: string[];
  }
>;

/** Profile fields changed; `changes` lists only fields whose value differs. */
export type ThirdPartyUpdated = Message<
  'ThirdPartyUpdated',
  { readonly thirdPartyId: string; readonly name: string; readonly changes: FieldChange[] }
>;

/** The account owner (a user id) changed; one change on field `ownerId`. */
export type ThirdPartyOwnerAssigned = Message<
  'ThirdPartyOwnerAssigned',
  { readonly thirdPartyId: string; readonly name: string; readonly changes: FieldChange[] }
>;

/** Categories and/or tags changed; changes on fields `categories` and `tags`. */
export type ThirdPartyCategorised = Message<
  'ThirdPartyCategorised',
  { readonly thirdPartyId: string; readonly name: string; readonly changes: FieldChange[] }
>;

export type ThirdPartyArchived = Message<
  'ThirdPartyArchived',
  { readonly thirdPartyId: string; readonly name: string; readonly reason: string | null; readonly archivedAt: string }
>;

/**
 * A prospect became a customer. Keeps when, by whom, and the time since the
 * first recorded exchange (null when there was none): the raw material of
 * conversion metrics. `changes` records roles and prospectStatus old → new.
 */
export type ProspectConverted = Message<
  'ProspectConverted',
  {
    readonly thirdPartyId: string;
    readonly name: string;
    readonly convertedAt: string;
    readonly convertedBy: string;
    readonly firstExchangeAt: string | null;
    readonly msSinceFirstExchange: number | null;
    readonly changes: FieldChange[];
  }
>;

/**
 * The third party was forgotten (GDPR erasure), and with it each of its
 * contacts (`contactIds`, which have their own ContactForgotten): the keys are
 * destroyed right after, so every personal value of their events reads as
 * erased. Holds no personal data itself: ids, a reason code, a case reference
 * and the date.
 */
export type ThirdPartyForgotten = Message<
  'ThirdPartyForgotten',
  {
    readonly thirdPartyId: string;
    readonly reason: ErasureReason;
    readonly reference: string | null;
    readonly forgottenAt: string;
    readonly contactIds: string[];
  }
>;

/**
 * What a merge moved from the absorbed third party to the survivor: the ids of
 * its records, as the read models held them (caught up) when the merge was
 * decided. The records keep their own streams; the read models re-key them.
 * An unmerge moves back exactly these, whatever the survivor gained since.
 */
export interface MergeMoved {
  readonly contactIds: string[];
  readonly exchangeIds: string[];
  readonly documentIds: string[];
  readonly followUpIds: string[];
  readonly activityIds: string[];
}

export const mergeMovedKinds = ['contactIds', 'exchangeIds', 'documentIds', 'followUpIds', 'activityIds'] as const satisfies readonly (keyof MergeMoved)[];

/**
 * The third party (`thirdPartyId`, the absorbed one) was merged into
 * `survivorId`, on the absorbed one's stream: one append, atomic on every
 * store. From then on it accepts no command but an unmerge (or an erasure),
 * the directory hides it, and what `moved` lists reads as the survivor's.
 * The survivor's own fields are untouched (see docs/decisions/0029-merge.md).
 */
export type ThirdPartyMerged = Message<
  'ThirdPartyMerged',
  {
    readonly thirdPartyId: string;
    readonly survivorId: string;
    readonly name: string;
    readonly reason: string;
    readonly mergedAt: string;
    readonly moved: MergeMoved;
  }
>;

/** The merge of `thirdPartyId` into `survivorId` was undone: `moved` (the merge's) goes back. */
export type ThirdPartyUnmerged = Message<
  'ThirdPartyUnmerged',
  {
    readonly thirdPartyId: string;
    readonly survivorId: string;
    readonly name: string;
    readonly reason: string;
    readonly unmergedAt: string;
    readonly moved: MergeMoved;
  }
>;

export type ThirdPartyEvent =
  | ThirdPartyMerged
  | ThirdPartyUnmerged
  | ThirdPartyRegistered
  | ThirdPartyUpdated
  | ThirdPartyOwnerAssigned
  | ThirdPartyCategorised
  | ThirdPartyArchived
  | ProspectConverted
  | ThirdPartyForgotten;
