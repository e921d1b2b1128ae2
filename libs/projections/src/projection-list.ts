import { directoryProjection } from './directory/directory.projection.js';
import { contactsProjection } from './contacts/contacts.projection.js';
import { exchangesProjection } from './exchanges/exchanges.projection.js';
import { timelineProjection } from './timeline/timeline.projection.js';
import { auditJournalProjection } from './audit-journal/audit-journal.projection.js';
import { auditChainProjection } from './audit-chain/audit-chain.projection.js';
import { usersProjection } from './users/users.projection.js';
import { groupsProjection } from './users/groups.projection.js';
import { consentsProjection } from './consents/consents.projection.js';
import { retentionQueueProjection } from './retention/retention-queue.projection.js';
import { commercialDocumentsProjection } from './commercial-documents/commercial-documents.projection.js';
import { followUpsProjection } from './follow-ups/follow-ups.projection.js';
import { activitiesProjection } from './activities/activities.projection.js';
import { metricsProjection } from './metrics/metrics.projection.js';
import type { Projection } from './projection.js';

/** Every read model of Suivi, in the order the worker starts them. */
export const projections: readonly Projection[] = [
  directoryProjection,
  contactsProjection,
  exchangesProjection,
  timelineProjection,
  auditJournalProjection,
  auditChainProjection,
  usersProjection,
  groupsProjection,
  consentsProjection,
  retentionQueueProjection,
  commercialDocumentsProjection,
  followUpsProjection,
  activitiesProjection,
  metricsProjection,
];
