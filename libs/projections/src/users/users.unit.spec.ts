import { describe, expect, it } from '@jest/globals';
import type { GroupCreated, GroupPermissionsChanged, UserEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { evolveGroups, groupsProjection, type GroupEntry } from './groups.projection.js';
import { evolveUsers, usersProjection, type UserEntry } from './users.projection.js';

const HASH = '$scrypt$ln=15,r=8,p=1$c2FsdA$ZGlnZXN0';
const stream = 'user-u-1';
let revision = -1n;

const at = (event: UserEvent, position: bigint, occurredAt = '2026-03-02T09:30:00.000Z'): EventEnvelope => {
  revision += 1n;
  return envelopeOf(event, { streamName: stream, revision, position, occurredAt });
};

const history = (): EventEnvelope[] => {
  revision = -1n;
  return [
    at({ type: 'UserCreated', data: { userId: 'u-1', login: 'claire', displayName: 'Claire Martin', email: null, createdAt: '2026-03-02T09:30:00.000Z' } }, 3n),
    at({ type: 'UserAddedToGroup', data: { userId: 'u-1', groupId: 'g-sales', groupCode: 'sales' } }, 4n),
    at({ type: 'UserAddedToGroup', data: { userId: 'u-1', groupId: 'g-admin', groupCode: 'admin' } }, 6n),
    at({ type: 'ApiTokenIssued', data: { userId: 'u-1', tokenId: 't-1', label: 'laptop', hash: HASH, expiresAt: null, issuedAt: '2026-03-02T10:00:00.000Z' } }, 8n),
    at(
      { type: 'ApiTokenIssued', data: { userId: 'u-1', tokenId: 't-2', label: null, hash: `${HASH}2`, expiresAt: '2026-04-01T00:00:00.000Z', issuedAt: '2026-03-03T10:00:00.000Z' } },
      9n,
    ),
    at({ type: 'UserRemovedFromGroup', data: { userId: 'u-1', groupId: 'g-sales', groupCode: 'sales' } }, 11n),
    at({ type: 'ApiTokenRevoked', data: { userId: 'u-1', tokenId: 't-1', reason: 'stolen', revokedAt: '2026-03-04T10:00:00.000Z' } }, 12n),
    at({ type: 'UserDisabled', data: { userId: 'u-1', reason: null, disabledAt: '2026-03-05T10:00:00.000Z' } }, 14n, '2026-03-05T10:00:00.000Z'),
  ];
};

const others: EventEnvelope[] = [
  envelopeOf({ type: 'ThirdPartyArchived', data: { thirdPartyId: 'tp-1', name: 'X', reason: null, archivedAt: '2026-03-05T00:00:00.000Z' } }, { streamName: 'thirdParty-tp-1', revision: 2n, position: 5n }),
  envelopeOf<GroupCreated>(
    { type: 'GroupCreated', data: { groupId: 'g-sales', code: 'sales', name: 'Sales', permissions: ['thirdParties.read'], createdAt: '2026-03-01T00:00:00.000Z' } },
    { streamName: 'group-g-sales', revision: 0n, position: 2n },
  ),
];

const expected: UserEntry = {
  id: 'u-1',
  login: 'claire',
  displayName: 'Claire Martin',
  email: null,
  disabled: true,
  groups: ['admin'],
  groupIds: ['g-admin'],
  tokens: [
    { tokenId: 't-1', label: 'laptop', hash: HASH, issuedAt: '2026-03-02T10:00:00.000Z', expiresAt: null, revoked: true, revokedAt: '2026-03-04T10:00:00.000Z' },
    { tokenId: 't-2', label: null, hash: `${HASH}2`, issuedAt: '2026-03-03T10:00:00.000Z', expiresAt: '2026-04-01T00:00:00.000Z', revoked: false, revokedAt: null },
  ],
  tokenIds: ['t-1', 't-2'],
  scope: null,
  createdAt: '2026-03-02T09:30:00.000Z',
  updatedAt: '2026-03-05T10:00:00.000Z',
  version: '7',
  lastPosition: '14',
};

describe('users projection', () => {
  it('folds a user with their groups, tokens, revocations and status into one document', () => {
    expect(docsOf(foldProjection(usersProjection, [...others, ...history()]))).toEqual({ 'u-1': expected });
  });

  it('applied twice, the same events yield the same document', () => {
    const once = foldProjection(usersProjection, history());
    expect(docsOf(foldProjection(usersProjection, history(), once))).toEqual(docsOf(once));
    expect(docsOf(foldProjection(usersProjection, history().flatMap((event) => [event, event])))).toEqual(docsOf(once));
  });

  it('keeps one membership and one token when an event is repeated at a later position', () => {
    const events = history().slice(0, 4);
    const [created, joined, , issued] = events;
    const doc = [created!, joined!, issued!].reduce<UserEntry | null>((d, e) => evolveUsers(d, e), null);
    const again = evolveUsers(evolveUsers(doc, { ...joined!, position: 20n }), { ...issued!, position: 21n })!;
    expect(again.groups).toEqual(['sales']);
    expect(again.tokenIds).toEqual(['t-1']);
    expect(again.lastPosition).toBe('21');
  });

  it('enables a disabled user again', () => {
    const doc = docsOf(foldProjection(usersProjection, history()))['u-1']!;
    const enabled = evolveUsers(doc, envelopeOf({ type: 'UserEnabled', data: { userId: 'u-1', enabledAt: '2026-03-06T00:00:00.000Z' } }, { streamName: stream, revision: 8n, position: 15n }));
    expect(enabled?.disabled).toBe(false);
  });

  it('keeps the scope a user was limited to, and null once every limit is lifted', () => {
    const doc = docsOf(foldProjection(usersProjection, history()))['u-1']!;
    const scoped = (data: { territories: string[] | null; ownedOnly: boolean }, revision: bigint, position: bigint) =>
      envelopeOf({ type: 'UserScopeChanged', data: { userId: 'u-1', ...data } }, { streamName: stream, revision, position, occurredAt: '2026-03-07T00:00:00.000Z' });
    const limited = evolveUsers(doc, scoped({ territories: ['Nord', 'Sud'], ownedOnly: false }, 8n, 15n))!;
    expect(limited).toMatchObject({ scope: { territories: ['Nord', 'Sud'], ownedOnly: false }, version: '8', lastPosition: '15', updatedAt: '2026-03-07T00:00:00.000Z' });
    const owned = evolveUsers(limited, scoped({ territories: null, ownedOnly: true }, 9n, 16n))!;
    expect(owned.scope).toEqual({ territories: null, ownedOnly: true });
    expect(evolveUsers(owned, scoped({ territories: null, ownedOnly: false }, 10n, 17n))!.scope).toBeNull();
    expect(usersProjection.documentId(scoped({ territories: null, ownedOnly: true }, 9n, 16n))).toBe('u-1');
  });

  it('routes user events to their user, ignores every other event, and leaves an unknown user alone', () => {
    for (const event of history()) expect(usersProjection.documentId(event)).toBe('u-1');
    for (const event of others) {
      expect(usersProjection.canHandle(event.type)).toBe(false);
      expect(usersProjection.documentId(event)).toBeNull();
    }
    expect(evolveUsers(null, history()[1]!)).toBeNull();
  });

  it('declares the indexes authentication looks users up by', () => {
    expect(usersProjection.name).toBe('users.v2');
    expect(usersProjection.collection).toEqual({
      name: 'users',
      indexes: ['login', 'disabled', 'tokenIds', 'groups'],
      listFields: ['tokenIds', 'groups'],
    });
  });
});

describe('groups projection', () => {
  const created = others[1]!;
  const expectedGroup: GroupEntry = {
    id: 'g-sales',
    code: 'sales',
    name: 'Sales',
    permissions: ['thirdParties.read'],
    createdAt: '2026-03-01T00:00:00.000Z',
    version: '0',
    lastPosition: '2',
  };

  it('turns a created group into a document, once however often it is applied', () => {
    const once = foldProjection(groupsProjection, [created, ...history()]);
    expect(docsOf(once)).toEqual({ 'g-sales': expectedGroup });
    expect(docsOf(foldProjection(groupsProjection, [created, created], once))).toEqual({ 'g-sales': expectedGroup });
  });

  const permissionsChanged = (from: string[], to: string[], revision: bigint, position: bigint) =>
    envelopeOf<GroupPermissionsChanged>(
      { type: 'GroupPermissionsChanged', data: { groupId: 'g-sales', code: 'sales', changes: [{ field: 'permissions', from, to }] } },
      { streamName: 'group-g-sales', revision, position },
    );

  it('replaces the permissions when they change, the rest of the document as it was, once however often it is applied', () => {
    const granted = permissionsChanged(['thirdParties.read'], ['thirdParties.read', 'exchanges.seeAll'], 1n, 20n);
    const revoked = permissionsChanged(['thirdParties.read', 'exchanges.seeAll'], ['exchanges.seeAll'], 2n, 21n);
    const afterGrant = foldProjection(groupsProjection, [created, granted]);
    expect(docsOf(afterGrant)).toEqual({
      'g-sales': { ...expectedGroup, permissions: ['thirdParties.read', 'exchanges.seeAll'], version: '1', lastPosition: '20' },
    });
    const afterRevoke = foldProjection(groupsProjection, [revoked, granted, revoked], afterGrant);
    expect(docsOf(afterRevoke)).toEqual({ 'g-sales': { ...expectedGroup, permissions: ['exchanges.seeAll'], version: '2', lastPosition: '21' } });
    // The document's shape is unchanged: the projection keeps its name, no rebuild needed.
    expect(groupsProjection.name).toBe('groups.v1');
  });

  it('ignores a change of permissions of a group it has not seen created', () => {
    expect(evolveGroups(null, permissionsChanged([], ['notes.read'], 1n, 20n))).toBeNull();
  });

  it('ignores user events', () => {
    for (const event of history()) expect(groupsProjection.documentId(event)).toBeNull();
    expect(evolveGroups(null, history()[0]!)).toBeNull();
  });
});
