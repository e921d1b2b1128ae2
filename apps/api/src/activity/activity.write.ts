import { activityDecider, streams, type ActivityCommand } from '#domain';
import { evolveActivities, type ActivityEntry } from '#projections';
import type { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { activityFromEntry } from './activity.mapper.js';
import type { Activity } from './activity.types.js';

export interface ActivityWritten {
  readonly activity: Activity;
  readonly position: bigint;
}

/** Runs a command, then answers with the activity as the read model will show it (the stream folded by its evolve). */
export async function writeActivity(aggregates: Aggregates, activityId: string, command: ActivityCommand, meta: CommandMeta): Promise<ActivityWritten> {
  const streamName = streams.activity(activityId);
  const written = await aggregates.execute(activityDecider, streamName, command, meta);
  const { events } = await aggregates.fold(activityDecider, streamName, (event) => event.revision <= written.revision);
  const entry = events.reduce<ActivityEntry | null>((doc, event) => evolveActivities(doc, event), null);
  if (entry === null) throw new Error(`${streamName} holds no scheduled activity after ${command.type}`);
  return { activity: activityFromEntry(entry), position: written.position };
}
