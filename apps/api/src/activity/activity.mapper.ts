import type { ActivityEntry } from '#projections';
import { user } from '../graphql/common.types.js';
import type { Activity } from './activity.types.js';

export const activityFromEntry = (entry: ActivityEntry): Activity => ({
  id: entry.id,
  thirdPartyId: entry.thirdPartyId,
  contactIds: entry.contactIds,
  kind: entry.kind,
  title: entry.title,
  description: entry.description,
  assignee: user(entry.assigneeId),
  dueAt: entry.dueAt,
  startAt: entry.startAt,
  endAt: entry.endAt,
  reminders: entry.reminders,
  done: entry.done,
  doneAt: entry.doneAt,
  status: entry.status,
  scheduledBy: user(entry.scheduledBy),
  scheduledAt: entry.scheduledAt,
  version: entry.version,
});
