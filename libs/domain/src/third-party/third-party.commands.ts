import type { Message } from '../shared/event.js';
import type { ThirdPartyKind, ThirdPartyRole } from './third-party.events.js';

export type RegisterThirdParty = Message<
  'RegisterThirdParty',
  { thirdPartyId: string; name: string; kind: ThirdPartyKind; roles: ThirdPartyRole[] }
>;

export type ThirdPartyCommand = RegisterThirdParty;
