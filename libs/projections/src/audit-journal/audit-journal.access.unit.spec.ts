import { describe, expect, it } from '@jest/globals';
import type { GroupEvent, UserEvent } from '#domain';
import { envelopeOf } from '../testing/envelope-fixtures.js';
import { evolveAuditJournal } from './audit-journal.projection.js';

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
