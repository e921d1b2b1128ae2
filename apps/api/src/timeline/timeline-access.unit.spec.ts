import { describe, expect, it } from '@jest/globals';
import { permissions, type Permission } from '#domain';
import { timelineKinds } from '#projections';
import { Viewer, type Identity } from '#security';
import { kindPermissions, readableKinds } from './timeline-access.js';

const viewerWith = (granted: readonly Permission[]): Viewer =>
  new Viewer({ userId: 'u-1', login: 'u1', user: { groupIds: [], scope: null } } as unknown as Identity, granted, null);

describe('timeline kinds and read permissions', () => {
  it("needs, for each kind, the read permission of the module whose records it shows", () => {
    const modules = { THIRD_PARTY: 'thirdParties', PROSPECT: 'thirdParties', CONTACT: 'contacts', EXCHANGE: 'exchanges', NOTE: 'notes', FOLLOW_UP: 'followUps', COMMERCIAL_DOCUMENT: 'documents' };
    for (const kind of timelineKinds) {
      const module = Object.entries(modules).find(([prefix]) => kind.startsWith(`${prefix}_`))?.[1];
      expect({ kind, permission: kindPermissions[kind] }).toEqual({ kind, permission: `${module}.read` });
    }
  });

  it('leaves every kind to a viewer who reads every module, and to the others the kinds of the modules they read', () => {
    expect(readableKinds(viewerWith(permissions))).toBeNull();
    expect(readableKinds(viewerWith(['thirdParties.read', 'contacts.read', 'exchanges.read']))).toEqual(
      timelineKinds.filter((kind) => kind !== 'NOTE_ADDED' && kind !== 'FOLLOW_UP_SENT' && !kind.startsWith('COMMERCIAL_DOCUMENT_')),
    );
    expect(readableKinds(viewerWith(['contacts.read', 'notes.read']))).toEqual([
      'CONTACT_ADDED',
      'CONTACT_UPDATED',
      'CONTACT_ARCHIVED',
      'NOTE_ADDED',
      'CONTACT_FORGOTTEN',
    ]);
    expect(readableKinds(viewerWith(['exchanges.create', 'notes.create']))).toEqual([]);
    expect(readableKinds(viewerWith(['documents.read']))).toEqual(['COMMERCIAL_DOCUMENT_RECORDED', 'COMMERCIAL_DOCUMENT_STATUS_CHANGED']);
  });
});
