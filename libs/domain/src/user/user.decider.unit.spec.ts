import { describe, expect, it } from '@jest/globals';
import { deciderSpec, NOW } from '../testing/decider-spec.js';
import type { CreateUser, GroupReference, IssueApiToken, SetUserScope } from './user.commands.js';
import { isTokenValid, normalizeLogin, userDecider } from './user.decider.js';
import type { ApiTokenIssued, UserAddedToGroup, UserCreated, UserEvent, UserScopeChanged } from './user.events.js';

const { given, fold } = deciderSpec(userDecider);

const sales: GroupReference = { groupId: 'g-sales', code: 'sales', status: 'active' };
const admin: GroupReference = { groupId: 'g-admin', code: 'admin', status: 'active' };
const HASH = '$scrypt$ln=15,r=8,p=1$c2FsdA$ZGlnZXN0';
const AT = NOW.toISOString();

const create = (data: Partial<CreateUser['data']> = {}): CreateUser => ({
  type: 'CreateUser',
  data: { userId: 'u-1', login: 'claire', displayName: 'Claire Martin', email: 'claire@example.fr', groups: [sales], ...data },
});

const created = (data: Partial<UserCreated['data']> = {}): UserCreated => ({
  type: 'UserCreated',
  data: { userId: 'u-1', login: 'claire', displayName: 'Claire Martin', email: 'claire@example.fr', createdAt: AT, ...data },
});

const joined = (group: GroupReference = sales): UserAddedToGroup => ({
  type: 'UserAddedToGroup',
  data: { userId: 'u-1', groupId: group.groupId, groupCode: group.code },
});

const issue = (data: Partial<IssueApiToken['data']> = {}): IssueApiToken => ({
  type: 'IssueApiToken',
  data: { userId: 'u-1', tokenId: 't-1', hash: HASH, label: 'laptop', expiresAt: null, ...data },
});

const issued = (data: Partial<ApiTokenIssued['data']> = {}): ApiTokenIssued => ({
  type: 'ApiTokenIssued',
  data: { userId: 'u-1', tokenId: 't-1', label: 'laptop', hash: HASH, expiresAt: null, issuedAt: AT, ...data },
});

const claire: UserEvent[] = [created(), joined()];

describe('CreateUser', () => {
  it('creates the user and adds them to their groups, in order and without duplicates', () => {
    given([])
      .when(create({ groups: [sales, admin, sales] }))
      .then([created(), joined(sales), joined(admin)]);
  });

  it('lower-cases the login and uses it as the display name when none is given', () => {
    const [event] = given([]).when(create({ login: ' Claire.Martin@Example.FR ', displayName: '  ', email: null, groups: null })).events();
    expect(event).toEqual(created({ login: 'claire.martin@example.fr', displayName: 'claire.martin@example.fr', email: null }));
  });

  it('folds into an active user with their groups', () => {
    expect(fold(claire)).toEqual({
      status: 'active',
      userId: 'u-1',
      login: 'claire',
      displayName: 'Claire Martin',
      email: 'claire@example.fr',
      createdAt: AT,
      groups: [{ groupId: 'g-sales', code: 'sales' }],
      tokens: [],
      scope: { territories: null, ownedOnly: false },
    });
  });

  it.each<[string, Partial<CreateUser['data']>, string, RegExp]>([
    ['an empty login', { login: '' }, 'login', /must not be empty/],
    ['a login with a space', { login: 'claire martin' }, 'login', /lower-case letters/],
    ['a login ending with a dot', { login: 'claire.' }, 'login', /starting and ending/],
    ['a login over 64 characters', { login: 'c'.repeat(65) }, 'login', /at most 64/],
    ['a malformed email', { email: 'claire@' }, 'email', /email address/],
    ['an unknown group', { groups: [sales, { groupId: 'g-x', code: 'sailors', status: 'none' }] }, 'groupCodes[1]', /no group with code sailors/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(create(data)).thenInvalid(field, message);
  });

  it('is a no-op when repeated; another user under the same login is a conflict', () => {
    given(claire).when(create()).thenNothing();
    given(claire).when(create({ displayName: 'Someone Else' })).thenViolates(/a user with login claire already exists/);
    given(claire).when(create({ groups: [admin] })).thenViolates(/already exists/);
  });
});

describe('DisableUser and EnableUser', () => {
  it('disables with a reason, then enables, each once', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { userId: 'u-1', reason: 'left the company', disabledAt: AT } };
    given(claire).when({ type: 'DisableUser', data: { userId: 'u-1', reason: ' left the company ' } }).then([disabled]);
    given([...claire, disabled]).when({ type: 'DisableUser', data: { userId: 'u-1' } }).thenNothing();
    expect(fold([...claire, disabled]).status).toBe('disabled');
    given([...claire, disabled]).when({ type: 'EnableUser', data: { userId: 'u-1' } }).then([{ type: 'UserEnabled', data: { userId: 'u-1', enabledAt: AT } }]);
    given(claire).when({ type: 'EnableUser', data: { userId: 'u-1' } }).thenNothing();
    expect(fold([...claire, disabled, { type: 'UserEnabled', data: { userId: 'u-1', enabledAt: AT } }]).status).toBe('active');
  });

  it('refuses an unknown user', () => {
    given([]).when({ type: 'DisableUser', data: { userId: 'u-9' } }).thenNotFound('user', 'u-9');
    given([]).when({ type: 'EnableUser', data: { userId: 'u-9' } }).thenNotFound('user', 'u-9');
  });
});

describe('group membership', () => {
  it('adds a user to a group once', () => {
    given(claire).when({ type: 'AddUserToGroup', data: { userId: 'u-1', group: admin } }).then([joined(admin)]);
    given(claire).when({ type: 'AddUserToGroup', data: { userId: 'u-1', group: sales } }).thenNothing();
  });

  it('refuses a group that does not exist, naming groupCode', () => {
    given(claire)
      .when({ type: 'AddUserToGroup', data: { userId: 'u-1', group: { groupId: 'g-x', code: 'sailors', status: 'none' } } })
      .thenInvalid('groupCode', /no group with code sailors/);
  });

  it('removes a member, and does nothing for a non-member', () => {
    given(claire)
      .when({ type: 'RemoveUserFromGroup', data: { userId: 'u-1', group: sales } })
      .then([{ type: 'UserRemovedFromGroup', data: { userId: 'u-1', groupId: 'g-sales', groupCode: 'sales' } }]);
    given(claire).when({ type: 'RemoveUserFromGroup', data: { userId: 'u-1', group: admin } }).thenNothing();
    const left = fold([...claire, { type: 'UserRemovedFromGroup', data: { userId: 'u-1', groupId: 'g-sales', groupCode: 'sales' } }]);
    expect(left.status !== 'none' && left.groups).toEqual([]);
  });

  it('refuses an unknown user', () => {
    given([]).when({ type: 'AddUserToGroup', data: { userId: 'u-9', group: sales } }).thenNotFound('user', 'u-9');
  });
});

describe('IssueApiToken', () => {
  it('records the hash the handler computed, never a token', () => {
    given(claire).when(issue()).then([issued()]);
  });

  it('normalises the expiry to UTC and requires it in the future', () => {
    const [event] = given(claire).when(issue({ expiresAt: '2026-03-03T10:30:00+01:00' })).events();
    expect(event?.data).toMatchObject({ expiresAt: '2026-03-03T09:30:00.000Z' });
    given(claire).when(issue({ expiresAt: AT })).thenInvalid('expiresAt', /in the future/);
    given(claire).when(issue({ expiresAt: 'tomorrow' })).thenInvalid('expiresAt', /ISO-8601/);
  });

  it('folds the token into the user, valid until revoked', () => {
    const state = fold([...claire, issued()]);
    expect(state.status !== 'none' && state.tokens).toEqual([
      { tokenId: 't-1', label: 'laptop', hash: HASH, issuedAt: AT, expiresAt: null, revokedAt: null },
    ]);
  });

  it('is a no-op when repeated; another hash under the same token id is a conflict', () => {
    given([...claire, issued()]).when(issue()).thenNothing();
    given([...claire, issued()]).when(issue({ hash: '$scrypt$other' })).thenViolates(/API token t-1 already exists/);
  });

  it('refuses a disabled or unknown user', () => {
    given([...claire, { type: 'UserDisabled', data: { userId: 'u-1', reason: null, disabledAt: AT } }])
      .when(issue())
      .thenViolates(/claire is disabled/);
    given([]).when(issue()).thenNotFound('user', 'u-1');
  });

  it.each<[string, Partial<IssueApiToken['data']>, string]>([
    ['an empty token id', { tokenId: '' }, 'tokenId'],
    ['a token id with a space', { tokenId: 'a b' }, 'tokenId'],
    ['an empty hash', { hash: '' }, 'hash'],
    ['a hash with a space', { hash: 'scrypt x' }, 'hash'],
    ['a label over 100 characters', { label: 'l'.repeat(101) }, 'label'],
  ])('refuses %s, naming the field', (_label, data, field) => {
    given(claire).when(issue(data)).thenInvalid(field);
  });
});

describe('RevokeApiToken', () => {
  const revoked: UserEvent = { type: 'ApiTokenRevoked', data: { userId: 'u-1', tokenId: 't-1', reason: 'laptop stolen', revokedAt: AT } };

  it('revokes a token once, with the reason and the time', () => {
    given([...claire, issued()]).when({ type: 'RevokeApiToken', data: { userId: 'u-1', tokenId: 't-1', reason: 'laptop stolen' } }).then([revoked]);
    given([...claire, issued(), revoked]).when({ type: 'RevokeApiToken', data: { userId: 'u-1', tokenId: 't-1' } }).thenNothing();
    const state = fold([...claire, issued(), revoked]);
    expect(state.status !== 'none' && state.tokens[0]?.revokedAt).toBe(AT);
  });

  it('refuses a token the user does not have', () => {
    given(claire).when({ type: 'RevokeApiToken', data: { userId: 'u-1', tokenId: 't-9' } }).thenNotFound('API token', 't-9');
  });

  it('revokes the token of a disabled user too', () => {
    const disabled: UserEvent = { type: 'UserDisabled', data: { userId: 'u-1', reason: null, disabledAt: AT } };
    given([...claire, issued(), disabled]).when({ type: 'RevokeApiToken', data: { userId: 'u-1', tokenId: 't-1' } }).then([
      { ...revoked, data: { ...revoked.data, reason: null } } as UserEvent,
    ]);
  });
});

describe('SetUserScope', () => {
  const scope = (data: Partial<SetUserScope['data']> = {}): SetUserScope => ({
    type: 'SetUserScope',
    data: { userId: 'u-1', territories: ['Nord'], ownedOnly: false, ...data },
  });
  const changed = (data: Partial<UserScopeChanged['data']> = {}): UserScopeChanged => ({
    type: 'UserScopeChanged',
    data: { userId: 'u-1', territories: ['Nord'], ownedOnly: false, ...data },
  });

  it('limits the user to territories, trimmed and without duplicates, in the order given', () => {
    given(claire)
      .when(scope({ territories: [' Nord ', 'Sud', 'Nord', 'Sud '] }))
      .then([changed({ territories: ['Nord', 'Sud'] })]);
  });

  it('limits the user to the third parties they own, in any territory', () => {
    given(claire).when(scope({ territories: null, ownedOnly: true })).then([changed({ territories: null, ownedOnly: true })]);
  });

  it('folds into the record, and lifting every limit is a change too', () => {
    const limited = [...claire, changed({ territories: ['Nord', 'Sud'], ownedOnly: true })];
    const state = fold(limited);
    expect(state.status !== 'none' && state.scope).toEqual({ territories: ['Nord', 'Sud'], ownedOnly: true });
    given(limited).when(scope({ territories: null, ownedOnly: false })).then([changed({ territories: null, ownedOnly: false })]);
    const lifted = fold([...limited, changed({ territories: null, ownedOnly: false })]);
    expect(lifted.status !== 'none' && lifted.scope).toEqual({ territories: null, ownedOnly: false });
  });

  it('is a no-op when nothing changes, whatever the order of the territories', () => {
    given(claire).when(scope({ territories: null, ownedOnly: false })).thenNothing();
    const limited = [...claire, changed({ territories: ['Nord', 'Sud'] })];
    given(limited).when(scope({ territories: ['Sud', 'Nord', 'Nord'] })).thenNothing();
    given(limited).when(scope({ territories: ['Nord'] })).then([changed({ territories: ['Nord'] })]);
    given(limited).when(scope({ territories: ['Nord', 'Sud'], ownedOnly: true })).then([changed({ territories: ['Nord', 'Sud'], ownedOnly: true })]);
  });

  it.each<[string, Partial<SetUserScope['data']>, string, RegExp]>([
    ['an empty list (no third party at all)', { territories: [] }, 'territories', /at least one territory \(null: any territory\)/],
    ['a blank territory', { territories: ['Nord', '  '] }, 'territories[1]', /must not be empty/],
    ['a territory longer than a third party\'s', { territories: ['t'.repeat(201)] }, 'territories[0]', /at most 200/],
    ['a territory with a line break', { territories: ['Nord\nSud'] }, 'territories[0]', /line breaks/],
    ['something else than a list', { territories: 'Nord' as unknown as string[] }, 'territories', /must be a list/],
    ['more than 50 territories', { territories: Array.from({ length: 51 }, (_, i) => `T${i}`) }, 'territories', /at most 50/],
    ['ownedOnly that is not a boolean', { ownedOnly: 'yes' as unknown as boolean }, 'ownedOnly', /true or false/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given(claire).when(scope(data)).thenInvalid(field, message);
  });

  it('refuses an unknown user', () => {
    given([]).when(scope()).thenNotFound('user', 'u-1');
  });
});

describe('token validity', () => {
  it('holds until revocation or expiry', () => {
    expect(isTokenValid({ revokedAt: null, expiresAt: null }, NOW)).toBe(true);
    expect(isTokenValid({ revokedAt: AT, expiresAt: null }, NOW)).toBe(false);
    expect(isTokenValid({ revokedAt: null, expiresAt: '2026-03-02T09:30:00.001Z' }, NOW)).toBe(true);
    expect(isTokenValid({ revokedAt: null, expiresAt: AT }, NOW)).toBe(false);
  });
});

describe('logins', () => {
  it('are compared without case, and may be email addresses', () => {
    expect(normalizeLogin('login', 'Admin')).toBe('admin');
    expect(normalizeLogin('login', 'j.doe@example.com')).toBe('j.doe@example.com');
    expect(normalizeLogin('login', 'a')).toBe('a');
  });
});
