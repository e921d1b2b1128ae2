import type { Message } from '../shared/event.js';

export const thirdPartyKinds = ['COMPANY', 'INDIVIDUAL'] as const;
export type ThirdPartyKind = (typeof thirdPartyKinds)[number];

export const thirdPartyRoles = ['PROSPECT', 'CUSTOMER', 'SUPPLIER'] as const;
export type ThirdPartyRole = (typeof thirdPartyRoles)[number];

export type ThirdPartyRegistered = Message<
  'ThirdPartyRegistered',
  {
    thirdPartyId: string;
    name: string;
    kind: ThirdPartyKind;
    roles: ThirdPartyRole[];
    registeredAt: string;
  }
>;

export type ThirdPartyEvent = ThirdPartyRegistered;
