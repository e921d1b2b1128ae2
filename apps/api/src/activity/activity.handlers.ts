import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { activityDecider, InvalidInput, streams, userDecider, type ActivityCommand, type ScheduleActivity, type UpdateActivity } from '#domain';
import { uuidV5 } from '#event-store';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { References } from '../shared/references.js';
import { writeActivity, type ActivityWritten } from './activity.write.js';

export type ScheduleActivityFields = Omit<ScheduleActivity['data'], 'activityId' | 'thirdParty' | 'contacts'> & {
  readonly thirdPartyId: string | null;
  readonly contactIds: readonly string[];
};

/** The activity logExchange schedules: its id derives from the exchange's, so a retried logExchange lands on the same stream. */
export const followUpActivityId = (exchangeId: string): string => uuidV5(`activity:followUpOf:${exchangeId}`);

/**
 * An assignee must be a user of Suivi (read from their stream, so one created
 * a moment ago counts): reminders and the calendar feed go to them.
 */
async function requireUser(aggregates: Aggregates, userId: string | null | undefined): Promise<void> {
  if (userId === null || userId === undefined) return;
  const { state } = await aggregates.fold(userDecider, streams.user(userId));
  if (state.status === 'none') throw new InvalidInput('assigneeId', `no user with id ${userId}`);
}

export class ScheduleActivityCommand extends Command<ActivityWritten | null> {
  constructor(
    readonly input: ScheduleActivityFields,
    readonly meta: CommandMeta,
    /** null: a new id (from the idempotency key when there is one). */
    readonly activityId: string | null = null,
    /** Only decide, on an empty stream, and write nothing: the input check logExchange runs before writing the exchange. */
    readonly checkOnly = false,
  ) {
    super();
  }
}

@CommandHandler(ScheduleActivityCommand)
export class ScheduleActivityHandler implements ICommandHandler<ScheduleActivityCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta, activityId, checkOnly }: ScheduleActivityCommand): Promise<ActivityWritten | null> {
    const { thirdPartyId, contactIds, ...fields } = input;
    await requireUser(this.aggregates, fields.assigneeId);
    const id = activityId ?? this.aggregates.newId(meta.context, 'activity');
    const [thirdParty, contacts] = await Promise.all([
      thirdPartyId === null ? null : this.references.thirdParty(thirdPartyId),
      this.references.contacts(contactIds),
    ]);
    const command: ScheduleActivity = { type: 'ScheduleActivity', data: { ...fields, activityId: id, thirdParty, contacts } };
    if (checkOnly) {
      activityDecider.decide(command, activityDecider.initialState(), meta.context);
      return null;
    }
    return writeActivity(this.aggregates, id, command, meta);
  }
}

export type UpdateActivityFields = Omit<UpdateActivity['data'], 'contacts'> & { readonly contactIds?: readonly string[] };

export class UpdateActivityCommand extends Command<ActivityWritten> {
  constructor(
    readonly input: UpdateActivityFields,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(UpdateActivityCommand)
export class UpdateActivityHandler implements ICommandHandler<UpdateActivityCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly references: References,
  ) {}

  async execute({ input, meta }: UpdateActivityCommand): Promise<ActivityWritten> {
    const { contactIds, ...fields } = input;
    await requireUser(this.aggregates, fields.assigneeId);
    const contacts = contactIds === undefined ? undefined : await this.references.contacts(contactIds);
    const data: UpdateActivity['data'] = contacts === undefined ? fields : { ...fields, contacts };
    return writeActivity(this.aggregates, input.activityId, { type: 'UpdateActivity', data }, meta);
  }
}

/** Complete, reopen and cancel: commands on the activity alone, with nothing to look up. */
export class ChangeActivityCommand extends Command<ActivityWritten> {
  constructor(
    readonly command: Extract<ActivityCommand, { type: 'CompleteActivity' | 'ReopenActivity' | 'CancelActivity' }>,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeActivityCommand)
export class ChangeActivityHandler implements ICommandHandler<ChangeActivityCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  execute({ command, meta }: ChangeActivityCommand): Promise<ActivityWritten> {
    return writeActivity(this.aggregates, command.data.activityId, command, meta);
  }
}
