import type { CommandContext, Decider } from '../shared/event.js';
import { DomainRuleViolated, InvalidInput } from '../shared/errors.js';
import type { RegisterThirdParty, ThirdPartyCommand } from './third-party.commands.js';
import {
  thirdPartyKinds,
  thirdPartyRoles,
  type ThirdPartyEvent,
  type ThirdPartyKind,
  type ThirdPartyRole,
} from './third-party.events.js';

export type ThirdPartyState =
  | { status: 'none' }
  | {
      status: 'registered';
      thirdPartyId: string;
      name: string;
      kind: ThirdPartyKind;
      roles: ThirdPartyRole[];
      registeredAt: string;
    };

export const NAME_MAX_LENGTH = 200;

export const initialState = (): ThirdPartyState => ({ status: 'none' });

export const evolve = (state: ThirdPartyState, event: ThirdPartyEvent): ThirdPartyState => {
  switch (event.type) {
    case 'ThirdPartyRegistered':
      return {
        status: 'registered',
        thirdPartyId: event.data.thirdPartyId,
        name: event.data.name,
        kind: event.data.kind,
        roles: event.data.roles,
        registeredAt: event.data.registeredAt,
      };
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
};

// Control characters other than tab/newline are never legitimate in a name and
// break CSV exports and terminals downstream.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const validName = (field: string, raw: string): string => {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0) throw new InvalidInput(field, 'must not be empty');
  if (name.length > NAME_MAX_LENGTH) throw new InvalidInput(field, `must be at most ${NAME_MAX_LENGTH} characters`);
  if (CONTROL_CHARS.test(name)) throw new InvalidInput(field, 'must not contain control characters');
  if (!name.isWellFormed()) throw new InvalidInput(field, 'must be valid Unicode');
  return name;
};

const validRoles = (roles: readonly string[]): ThirdPartyRole[] => {
  const seen = new Set<ThirdPartyRole>();
  roles.forEach((role, index) => {
    if (!(thirdPartyRoles as readonly string[]).includes(role)) {
      throw new InvalidInput(`roles[${index}]`, `must be one of ${thirdPartyRoles.join(', ')}`);
    }
    seen.add(role as ThirdPartyRole);
  });
  // Canonical order keeps events comparable whatever order the client sent.
  return thirdPartyRoles.filter((role) => seen.has(role));
};

const registerThirdParty = (
  command: RegisterThirdParty,
  state: ThirdPartyState,
  context: CommandContext,
): ThirdPartyEvent[] => {
  const { thirdPartyId, kind } = command.data;
  const name = validName('name', command.data.name);
  if (!(thirdPartyKinds as readonly string[]).includes(kind)) {
    throw new InvalidInput('kind', `must be one of ${thirdPartyKinds.join(', ')}`);
  }
  const roles = validRoles(command.data.roles);
  if (state.status === 'registered') {
    const same =
      state.name === name && state.kind === kind && state.roles.join() === roles.join();
    if (same) return [];
    throw new DomainRuleViolated(`third party ${thirdPartyId} is already registered`);
  }
  return [
    {
      type: 'ThirdPartyRegistered',
      data: { thirdPartyId, name, kind, roles, registeredAt: context.now.toISOString() },
    },
  ];
};

export const decide = (
  command: ThirdPartyCommand,
  state: ThirdPartyState,
  context: CommandContext,
): ThirdPartyEvent[] => {
  switch (command.type) {
    case 'RegisterThirdParty':
      return registerThirdParty(command, state, context);
    default: {
      const unreachable: never = command.type;
      return unreachable;
    }
  }
};

export const thirdPartyDecider: Decider<ThirdPartyState, ThirdPartyCommand, ThirdPartyEvent> = {
  initialState,
  evolve,
  decide,
};
