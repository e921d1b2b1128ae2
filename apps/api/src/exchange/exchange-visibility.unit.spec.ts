import { describe, expect, it } from '@jest/globals';
import type { Permission } from '#domain';
import { Viewer, type Identity } from '#security';
import { participantOf, takesPart } from './exchange-visibility.js';

const viewerWith = (granted: readonly Permission[]): Viewer =>
  new Viewer({ userId: 'u-1', login: 'u1', user: { groupIds: [], scope: null } } as unknown as Identity, granted, null);

describe('exchanges a viewer takes part in', () => {
  it('are every exchange with exchanges.seeAll', () => {
    const viewer = viewerWith(['exchanges.read', 'exchanges.seeAll']);
    expect(participantOf(viewer)).toBeNull();
    expect(takesPart(viewer, { participantIds: ['someone-else'] })).toBe(true);
  });

  it('are, without it, only those the viewer authored, made or collaborates on', () => {
    const viewer = viewerWith(['exchanges.read']);
    expect(participantOf(viewer)).toBe('u-1');
    expect(takesPart(viewer, { participantIds: ['u-2', 'u-1'] })).toBe(true);
    expect(takesPart(viewer, { participantIds: ['u-2'] })).toBe(false);
    expect(takesPart(viewer, { participantIds: [] })).toBe(false);
  });
});
