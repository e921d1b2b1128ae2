import { describe, expect, it } from '@jest/globals';
import { DomainRuleViolated, InvalidInput } from '../shared/errors.js';
import type { CommandContext } from '../shared/event.js';
import type { RegisterThirdParty } from './third-party.commands.js';
import { thirdPartyDecider } from './third-party.decider.js';
import type { ThirdPartyEvent } from './third-party.events.js';

const context: CommandContext = {
  actorId: 'user-1',
  now: new Date('2026-03-02T09:30:00.000Z'),
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  source: 'api',
};

const given = (events: ThirdPartyEvent[]) => ({
  when: (command: RegisterThirdParty) => () =>
    thirdPartyDecider.decide(command, events.reduce(thirdPartyDecider.evolve, thirdPartyDecider.initialState()), context),
});

const register = (data: Partial<RegisterThirdParty['data']> = {}): RegisterThirdParty => ({
  type: 'RegisterThirdParty',
  data: { thirdPartyId: 'tp-1', name: 'Boulangerie Martin', kind: 'COMPANY', roles: ['PROSPECT'], ...data },
});

const registered: ThirdPartyEvent = {
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: 'tp-1',
    name: 'Boulangerie Martin',
    kind: 'COMPANY',
    roles: ['PROSPECT'],
    registeredAt: '2026-03-01T08:00:00.000Z',
  },
};

describe('RegisterThirdParty', () => {
  it('records a new third party with the time from the command', () => {
    expect(given([]).when(register())()).toEqual([
      { ...registered, data: { ...registered.data, registeredAt: '2026-03-02T09:30:00.000Z' } },
    ]);
  });

  it('trims the name and puts roles in canonical order without duplicates', () => {
    const [event] = given([]).when(register({ name: '  Café  Dupont ', roles: ['SUPPLIER', 'PROSPECT', 'SUPPLIER'] }))();
    expect(event?.data.name).toBe('Café  Dupont');
    expect(event?.data.roles).toEqual(['PROSPECT', 'SUPPLIER']);
  });

  it('normalises the name to NFC so the same name is stored one way', () => {
    const decomposed = 'Cafe\u0301';
    const [event] = given([]).when(register({ name: decomposed }))();
    expect(event?.data.name).toBe('Café');
  });

  it.each<[string, Partial<RegisterThirdParty['data']>, string]>([
    ['an empty name', { name: '   ' }, 'name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['a control character', { name: 'Acme\u0007' }, 'name'],
    ['a lone surrogate', { name: 'Acme \ud800' }, 'name'],
    ['an unknown kind', { kind: 'ROBOT' as never }, 'kind'],
    ['an unknown role', { roles: ['PROSPECT', 'FRIEND' as never] }, 'roles[1]'],
  ])('refuses %s, naming the field', (_label, data, field) => {
    const attempt = given([]).when(register(data));
    expect(attempt).toThrow(InvalidInput);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidInput).field).toBe(field);
    }
  });

  it('is a no-op when the same registration is repeated', () => {
    expect(given([registered]).when(register())()).toEqual([]);
  });

  it('refuses a different registration of an existing third party', () => {
    expect(given([registered]).when(register({ name: 'Another name' }))).toThrow(DomainRuleViolated);
  });
});
