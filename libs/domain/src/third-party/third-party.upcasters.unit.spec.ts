import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../testing/decider-spec.js';
import { thirdPartyDecider } from './third-party.decider.js';
import type { ThirdPartyEvent } from './third-party.events.js';
import { domainSchemaVersions, domainUpcasters } from './third-party.upcasters.js';

const upcasterFrom = (type: string, fromVersion: number) => {
  const upcaster = domainUpcasters.find((candidate) => candidate.type === type && candidate.fromVersion === fromVersion);
  if (!upcaster) throw new Error(`no upcaster for ${type} v${fromVersion}`);
  return upcaster.upcast;
};

const v1 = {
  thirdPartyId: 'tp-1',
  name: 'Boulangerie Martin',
  kind: 'COMPANY',
  roles: ['PROSPECT', 'SUPPLIER'],
  registeredAt: '2025-11-03T08:00:00.000Z',
};

describe('ThirdPartyRegistered upcasting', () => {
  it('is at schema version 2, with an upcaster for every older version', () => {
    expect(domainSchemaVersions).toEqual({ ThirdPartyRegistered: 2 });
    for (const [type, current] of Object.entries(domainSchemaVersions)) {
      for (let version = 1; version < current; version++) expect(() => upcasterFrom(type, version)).not.toThrow();
    }
  });

  it('fills every field version 1 did not carry with its empty value; a prospect starts NEVER_CONTACTED', () => {
    expect(upcasterFrom('ThirdPartyRegistered', 1)(v1)).toEqual({
      ...v1,
      prospectStatus: 'NEVER_CONTACTED',
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
    });
  });

  it('gives a non-prospect no prospect status', () => {
    expect(upcasterFrom('ThirdPartyRegistered', 1)({ ...v1, roles: ['CUSTOMER'] })).toMatchObject({ prospectStatus: null });
  });

  it('keeps what version 1 recorded, and does not change its input', () => {
    const input = { ...v1 };
    const upcast = upcasterFrom('ThirdPartyRegistered', 1)(input);
    expect(upcast).toMatchObject(v1);
    expect(input).toEqual(v1);
  });

  it('produces an event the decider folds into an active third party', () => {
    const event = { type: 'ThirdPartyRegistered', data: upcasterFrom('ThirdPartyRegistered', 1)(v1) } as unknown as ThirdPartyEvent;
    expect(deciderSpec(thirdPartyDecider).fold([event])).toMatchObject({
      status: 'active',
      thirdPartyId: 'tp-1',
      ownerId: null,
      categories: [],
      profile: { name: 'Boulangerie Martin', roles: ['PROSPECT', 'SUPPLIER'], prospectStatus: 'NEVER_CONTACTED', customFields: {} },
    });
  });
});
