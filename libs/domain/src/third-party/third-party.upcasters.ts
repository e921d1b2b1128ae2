/**
 * Turns the stored data of `type` at `fromVersion` into its shape at
 * `fromVersion + 1`. The event store's codec applies them step by step on read,
 * so deciders and projections only ever see the current shape.
 */
export interface DomainUpcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: Record<string, unknown>) => Record<string, unknown>;
}

/** Current schema version per event type; types not listed are at version 1. */
export const domainSchemaVersions: Readonly<Record<string, number>> = {
  ThirdPartyRegistered: 2,
};

/**
 * ThirdPartyRegistered v1 carried only thirdPartyId, name, kind, roles and
 * registeredAt. Version 2 carries the whole profile: what v1 did not know is
 * empty, and a prospect gets the status every new prospect starts with.
 */
const thirdPartyRegisteredV1ToV2 = (data: Record<string, unknown>): Record<string, unknown> => {
  const roles = Array.isArray(data['roles']) ? data['roles'] : [];
  return {
    prospectStatus: roles.includes('PROSPECT') ? 'NEVER_CONTACTED' : null,
    leadSource: null,
    territory: null,
    vatNumber: null,
    email: null,
    phone: null,
    website: null,
    address: null,
    paymentTerms: null,
    customFields: {},
    ownerId: null,
    categories: [],
    tags: [],
    ...data,
    roles,
  };
};

export const domainUpcasters: readonly DomainUpcaster[] = [
  { type: 'ThirdPartyRegistered', fromVersion: 1, upcast: thirdPartyRegisteredV1ToV2 },
];
