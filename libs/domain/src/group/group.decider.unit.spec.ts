import { describe, expect, it } from '@jest/globals';
import { ADMIN_GROUP, defaultGroups, permissions } from '../access/permissions.js';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { ChangeGroupPermissions, CreateGroup } from './group.commands.js';
import { groupDecider } from './group.decider.js';
import type { GroupCreated, GroupPermissionsChanged } from './group.events.js';

const { given, fold } = deciderSpec(groupDecider);

const create = (data: Partial<CreateGroup['data']> = {}): CreateGroup => ({
  type: 'CreateGroup',
  data: { groupId: 'g-1', code: 'sales', name: 'Sales', permissions: ['thirdParties.read', 'contacts.read'], ...data },
});

const created = (data: Partial<GroupCreated['data']> = {}): GroupCreated => ({
  type: 'GroupCreated',
  data: {
    groupId: 'g-1',
    code: 'sales',
    name: 'Sales',
    permissions: ['thirdParties.read', 'contacts.read'],
    createdAt: '2026-03-02T09:30:00.000Z',
    ...data,
  },
});

describe('CreateGroup', () => {
  it('creates a group with its permissions in the canonical order, the time from the command', () => {
    given([])
      .when(create({ permissions: ['contacts.read', 'thirdParties.read', 'contacts.read'] }), fixedContext({ now: new Date('2026-04-01T08:00:00Z') }))
      .then([created({ createdAt: '2026-04-01T08:00:00.000Z' })]);
  });

  it('lower-cases and trims the code; no permissions is an empty list', () => {
    const [event] = given([]).when(create({ code: '  Field-Sales ', permissions: null })).events();
    expect(event?.data).toMatchObject({ code: 'field-sales', permissions: [] });
  });

  it('folds into an active group', () => {
    expect(fold([created()])).toEqual({
      status: 'active',
      groupId: 'g-1',
      code: 'sales',
      name: 'Sales',
      permissions: ['thirdParties.read', 'contacts.read'],
      createdAt: '2026-03-02T09:30:00.000Z',
    });
  });

  it.each<[string, Partial<CreateGroup['data']>, string, RegExp]>([
    ['an empty code', { code: ' ' }, 'code', /must not be empty/],
    ['a code starting with a digit', { code: '1st' }, 'code', /lower-case letter/],
    ['a code with a space', { code: 'field sales' }, 'code', /lower-case letter/],
    ['a code over 40 characters', { code: `g${'x'.repeat(40)}` }, 'code', /at most 40/],
    ['an empty name', { name: '' }, 'name', /must not be empty/],
    ['an unknown permission', { permissions: ['thirdParties.read', 'thirdParties.fly'] }, 'permissions[1]', /must be one of/],
    ['permissions that are not a list', { permissions: 'thirdParties.read' as unknown as string[] }, 'permissions', /must be a list/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(create(data)).thenInvalid(field, message);
  });

  it('is a no-op when repeated; another group under the same code is a conflict', () => {
    given([created()]).when(create()).thenNothing();
    given([created()]).when(create({ name: 'Salespeople' })).thenViolates(/group sales already exists/);
    given([created()]).when(create({ permissions: ['thirdParties.read'] })).thenViolates(/already exists/);
  });
});

describe('ChangeGroupPermissions', () => {
  const change = (permissionList: readonly string[], groupId = 'g-1'): ChangeGroupPermissions => ({
    type: 'ChangeGroupPermissions',
    data: { groupId, permissions: permissionList },
  });
  const changed = (from: string[], to: string[], data: Partial<GroupPermissionsChanged['data']> = {}): GroupPermissionsChanged => ({
    type: 'GroupPermissionsChanged',
    data: { groupId: 'g-1', code: 'sales', changes: [{ field: 'permissions', from, to }], ...data },
  });

  it('replaces the list, both sides in the canonical order, duplicates dropped', () => {
    given([created()])
      .when(change(['auditJournal.read', 'exchanges.seeAll', 'thirdParties.read', 'exchanges.seeAll']))
      .then([changed(['thirdParties.read', 'contacts.read'], ['thirdParties.read', 'exchanges.seeAll', 'auditJournal.read'])]);
  });

  it('may withdraw every permission', () => {
    given([created()]).when(change([])).then([changed(['thirdParties.read', 'contacts.read'], [])]);
  });

  it('folds into the group with its new permissions, the rest unchanged', () => {
    const state = given([created()]).when(change(['exchanges.seeAll', 'contacts.read'])).state();
    expect(state).toEqual({ ...fold([created()]), permissions: ['contacts.read', 'exchanges.seeAll'] });
    expect(fold([created(), changed(['thirdParties.read', 'contacts.read'], ['notes.read']), changed(['notes.read'], [])])).toMatchObject({
      status: 'active',
      permissions: [],
    });
  });

  it('is a no-op when the list is the same, whatever its order', () => {
    given([created()]).when(change(['contacts.read', 'thirdParties.read', 'contacts.read'])).thenNothing();
    given([created(), changed(['thirdParties.read', 'contacts.read'], ['notes.read'])]).when(change(['notes.read'])).thenNothing();
  });

  it('refuses an unknown permission or a missing list, naming the field', () => {
    given([created()]).when(change(['thirdParties.read', 'thirdParties.fly'])).thenInvalid('permissions[1]', /must be one of/);
    given([created()]).when(change([42 as unknown as string])).thenInvalid('permissions[0]', /must be one of/);
    given([created()]).when(change(null as unknown as string[])).thenInvalid('permissions', /is required/);
    given([created()]).when(change('notes.read' as unknown as string[])).thenInvalid('permissions', /must be a list/);
  });

  it('refuses an unknown group', () => {
    given([]).when(change(['thirdParties.read'], 'g-404')).thenNotFound('group', 'g-404');
  });

  describe('of the admin group', () => {
    const adminCreated = created({ code: ADMIN_GROUP, name: 'Administrators', permissions: [...permissions] });
    const others = permissions.filter((p) => p !== 'admin.usersAndGroups');

    it('refuses to withdraw admin.usersAndGroups, or nobody could administer any more', () => {
      given([adminCreated]).when(change(others)).thenViolates(/admin group keeps admin\.usersAndGroups: without it nobody could administer/);
      given([adminCreated]).when(change([])).thenViolates(/keeps admin\.usersAndGroups/);
    });

    it('accepts any other change, and the same permission withdrawn from another group', () => {
      const [event] = given([adminCreated]).when(change(['admin.usersAndGroups', 'auditJournal.read'])).events();
      expect(event?.data).toMatchObject({ code: 'admin', changes: [{ field: 'permissions', to: ['auditJournal.read', 'admin.usersAndGroups'] }] });
      const managers = created({ code: 'managers', permissions: ['admin.usersAndGroups'] });
      expect(given([managers]).when(change([])).events()).toHaveLength(1);
    });
  });
});

describe('default groups', () => {
  it('are sales, support, accounting and admin, with valid permissions in canonical order', () => {
    expect(defaultGroups.map((g) => g.code)).toEqual(['sales', 'support', 'accounting', 'admin']);
    for (const group of defaultGroups) {
      const [event] = given([]).when(create({ code: group.code, name: group.name, permissions: [...group.permissions] })).events();
      expect(event?.data).toMatchObject({ permissions: group.permissions });
    }
  });

  it('give administrators every permission, only them user administration, and everyone the whole team\'s exchanges', () => {
    expect(defaultGroups.find((g) => g.code === 'admin')?.permissions).toEqual(permissions);
    for (const group of defaultGroups.filter((g) => g.code !== 'admin')) {
      expect(group.permissions).not.toContain('admin.usersAndGroups');
      expect(group.permissions).toContain('exchanges.seeAll');
    }
  });

  it('let accounting read the audit journal and sales create third parties', () => {
    expect(defaultGroups.find((g) => g.code === 'accounting')?.permissions).toContain('auditJournal.read');
    expect(defaultGroups.find((g) => g.code === 'sales')?.permissions).toContain('thirdParties.create');
    expect(defaultGroups.find((g) => g.code === 'support')?.permissions).not.toContain('thirdParties.create');
  });
});

describe('permission codes', () => {
  it('cover read, create, update and delete of every module, plus the cross-cutting ones', () => {
    expect(permissions).toHaveLength(6 * 4 + 5);
    expect(permissions).toEqual(
      expect.arrayContaining([
        'thirdParties.read',
        'followUps.delete',
        'documents.create',
        'exchanges.seeAll',
        'auditJournal.read',
        'admin.usersAndGroups',
        'privacy.manage',
        'analytics.read',
      ]),
    );
  });
});
