import { describe, expect, it } from '@jest/globals';
import { defaultGroups, permissions } from '../access/permissions.js';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { CreateGroup } from './group.commands.js';
import { groupDecider } from './group.decider.js';
import type { GroupCreated } from './group.events.js';

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

describe('default groups', () => {
  it('are sales, support, accounting and admin, with valid permissions in canonical order', () => {
    expect(defaultGroups.map((g) => g.code)).toEqual(['sales', 'support', 'accounting', 'admin']);
    for (const group of defaultGroups) {
      const [event] = given([]).when(create({ code: group.code, name: group.name, permissions: [...group.permissions] })).events();
      expect(event?.data.permissions).toEqual(group.permissions);
    }
  });

  it('give administrators every permission, and only them every exchange and user administration', () => {
    expect(defaultGroups.find((g) => g.code === 'admin')?.permissions).toEqual(permissions);
    for (const group of defaultGroups.filter((g) => g.code !== 'admin')) {
      expect(group.permissions).not.toContain('admin.usersAndGroups');
      expect(group.permissions).not.toContain('exchanges.seeAll');
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
    expect(permissions).toHaveLength(6 * 4 + 3);
    expect(permissions).toEqual(
      expect.arrayContaining(['thirdParties.read', 'followUps.delete', 'documents.create', 'exchanges.seeAll', 'auditJournal.read', 'admin.usersAndGroups']),
    );
  });
});
