import type { RetentionPolicy, RetentionSubject, ThirdPartyRole } from '#domain';
import type { DirectoryEntry } from '#projections';

/** The role a policy's candidates hold, for the directory's index. */
export const roleOf = (policy: RetentionPolicy): ThirdPartyRole => (policy.appliesTo === 'INACTIVE_PROSPECTS' ? 'PROSPECT' : 'CUSTOMER');

/** What the retention rule needs of a directory entry. */
export const retentionSubjectOf = (entry: DirectoryEntry): RetentionSubject => ({
  thirdPartyId: entry.id,
  roles: entry.roles,
  lastInteractionAt: entry.lastInteractionAt,
  registeredAt: entry.registeredAt,
  convertedAt: entry.convertedAt,
  forgotten: isForgotten(entry),
});

/** Whether the directory shows the third party as forgotten (see the directory's erasure handling). */
export const isForgotten = (entry: DirectoryEntry): boolean => entry.forgottenAt != null;
