import { describe, expect, it } from '@jest/globals';
import { securityStreamOf, type AccessDenied, type GroupEvent, type Message, type UserEvent } from '#domain';
import { envelopeOf } from '../testing/envelope-fixtures.js';
import { auditScopes, evolveAuditJournal } from './audit-journal.projection.js';

const HASH = '$scrypt$ln=15,r=8,p=1$c2FsdA$ZGlnZXN0';
const AT = '2026-03-02T09:30:00.000Z';

const journaled = (event: UserEvent | GroupEvent, streamName = 'user-u-1') =>
  evolveAuditJournal(null, envelopeOf(event, { streamName, revision: 0n, position: 9n, actorId: 'admin-1' }))!;

describe('audit journal of users, groups and tokens', () => {
  it('says who created whom, and the group with its permissions', () => {
    expect(journaled({ type: 'UserCreated', data: { userId: 'u-1', login: 'claire', displayName: 'Claire', email: null, createdAt: AT } })).toMatchObject({
      action: 'UserCreated',
      entityType: 'user',
      entityId: 'u-1',
      actorId: 'admin-1',
      changes: [
        { field: 'login', from: null, to: 'claire' },
        { field: 'displayName', from: null, to: 'Claire' },
        { field: 'createdAt', from: null, to: AT },
      ],
    });
    const group = journaled(
      { type: 'GroupCreated', data: { groupId: 'g-1', code: 'sales', name: 'Sales', permissions: ['thirdParties.read'], createdAt: AT } },
      'group-g-1',
    );
    expect(group).toMatchObject({ entityType: 'group', entityId: 'g-1' });
    expect(group.changes).toEqual(expect.arrayContaining([{ field: 'permissions', from: null, to: ['thirdParties.read'] }]));
  });

  it('says which permissions a group had and has now, in the global scope', () => {
    const entry = journaled(
      {
        type: 'GroupPermissionsChanged',
        data: {
          groupId: 'g-1',
          code: 'sales',
          changes: [{ field: 'permissions', from: ['thirdParties.read'], to: ['thirdParties.read', 'exchanges.seeAll'] }],
        },
      },
      'group-g-1',
    );
    expect(entry).toMatchObject({ action: 'GroupPermissionsChanged', entityType: 'group', entityId: 'g-1', actorId: 'admin-1', scope: auditScopes.global });
    expect(entry.changes).toEqual([{ field: 'permissions', from: ['thirdParties.read'], to: ['thirdParties.read', 'exchanges.seeAll'] }]);
  });

  it('says which group was granted or withdrawn, and when a user was disabled and why', () => {
    expect(journaled({ type: 'UserAddedToGroup', data: { userId: 'u-1', groupId: 'g-1', groupCode: 'admin' } }).changes).toEqual([
      { field: 'group', from: null, to: 'admin' },
    ]);
    expect(journaled({ type: 'UserRemovedFromGroup', data: { userId: 'u-1', groupId: 'g-1', groupCode: 'admin' } }).changes).toEqual([
      { field: 'group', from: 'admin', to: null },
    ]);
    expect(journaled({ type: 'UserDisabled', data: { userId: 'u-1', reason: 'left', disabledAt: AT } }).changes).toEqual([
      { field: 'disabled', from: false, to: true },
      { field: 'reason', from: null, to: 'left' },
    ]);
    expect(journaled({ type: 'UserEnabled', data: { userId: 'u-1', enabledAt: AT } }).changes).toEqual([{ field: 'disabled', from: true, to: false }]);
  });

  it('names an issued or revoked token by its id, label and expiry, never its hash', () => {
    const issued = journaled({
      type: 'ApiTokenIssued',
      data: { userId: 'u-1', tokenId: 't-1', label: 'laptop', hash: HASH, expiresAt: '2026-12-31T00:00:00.000Z', issuedAt: AT },
    });
    expect(issued.changes).toEqual([
      { field: 'apiToken', from: null, to: 't-1' },
      { field: 'apiToken.label', from: null, to: 'laptop' },
      { field: 'apiToken.expiresAt', from: null, to: '2026-12-31T00:00:00.000Z' },
    ]);
    expect(JSON.stringify(issued)).not.toContain('scrypt');
    expect(journaled({ type: 'ApiTokenRevoked', data: { userId: 'u-1', tokenId: 't-1', reason: null, revokedAt: AT } }).changes).toEqual([
      { field: 'apiToken', from: 't-1', to: null },
    ]);
  });
});

describe('audit journal of scopes and refused attempts', () => {
  const entryOf = (event: Message, streamName: string, actorId: string) =>
    evolveAuditJournal(null, envelopeOf(event, { streamName, revision: 0n, position: 11n, actorId, occurredAt: AT }))!;

  it('says which third parties a user was limited to, by whom', () => {
    const entry = entryOf({ type: 'UserScopeChanged', data: { userId: 'u-1', territories: ['Lyon', 'Grenoble'], ownedOnly: true } }, 'user-u-1', 'admin-1');
    expect(entry).toMatchObject({ action: 'UserScopeChanged', entityType: 'user', entityId: 'u-1', actorId: 'admin-1', scope: 'global' });
    expect(entry.changes).toEqual([
      { field: 'scope.territories', from: null, to: ['Lyon', 'Grenoble'] },
      { field: 'scope.ownedOnly', from: null, to: true },
    ]);
    const lifted = entryOf({ type: 'UserScopeChanged', data: { userId: 'u-1', territories: null, ownedOnly: false } }, 'user-u-1', 'admin-1');
    expect(lifted.changes).toEqual([
      { field: 'scope.territories', from: null, to: null },
      { field: 'scope.ownedOnly', from: null, to: false },
    ]);
  });

  it('journals a refused attempt on the day of its security stream: what, why, who and from where, for administrators', () => {
    const denied: AccessDenied = {
      type: 'AccessDenied',
      data: { userId: 'u-1', login: 'claire', operation: 'Query.auditJournal', reason: 'forbidden', address: '203.0.113.7', deniedAt: AT },
    };
    const entry = entryOf(denied, securityStreamOf(new Date(AT)), 'u-1');
    expect(entry).toMatchObject({
      action: 'AccessDenied',
      entityType: 'security',
      entityId: '2026-03-02',
      actorId: 'u-1',
      at: AT,
      scope: auditScopes.security,
      changes: [
        { field: 'operation', from: null, to: 'Query.auditJournal' },
        { field: 'reason', from: null, to: 'forbidden' },
        { field: 'login', from: null, to: 'claire' },
        { field: 'address', from: null, to: '203.0.113.7' },
      ],
    });
    const anonymous: AccessDenied = {
      type: 'AccessDenied',
      data: { userId: null, login: null, operation: 'POST /graphql', reason: 'unauthenticated', address: null, deniedAt: AT },
    };
    expect(entryOf(anonymous, securityStreamOf(new Date(AT)), 'anonymous').changes).toEqual([
      { field: 'operation', from: null, to: 'POST /graphql' },
      { field: 'reason', from: null, to: 'unauthenticated' },
    ]);
  });
});
