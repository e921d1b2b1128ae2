import { reminderInstant } from '#domain';
import type { EventStore } from '#event-store';
import { newCorrelationId, runWithCorrelation, type Clock, type Mailer } from '#platform';
import { activitiesProjection, type ActivityEntry, type ActivityQueries, type DirectoryQueries, type UserQueries } from '#projections';
import type { CheckpointStore } from '#read-store';
import { withinScope } from '#security';
import { Ticker } from '../shared/ticker.js';

export interface ReminderLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ActivityRemindersDeps {
  readonly store: Pick<EventStore, 'headPosition'>;
  readonly checkpoints: CheckpointStore;
  readonly activities: Pick<ActivityQueries, 'remindable'>;
  readonly users: Pick<UserQueries, 'get'>;
  readonly directory: Pick<DirectoryQueries, 'get'>;
  readonly mailer: Mailer;
  readonly from: string;
  readonly clock: Clock;
  readonly tickMs: number;
  readonly logger: ReminderLogger;
  /** How long a tick waits for the activities read model to reach the log's head. */
  readonly catchUpTimeoutMs?: number;
}

/** What one tick did, by Message-ID. */
export interface ReminderTickReport {
  readonly sent: string[];
  readonly skipped: { readonly activityId: string; readonly why: string }[];
}

const PAGE = 100;
const POLL_MS = 50;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One Message-ID per activity, reminder and instant the activity is anchored
 * on: the mailer's sent-log makes the reminder go once, and an activity moved
 * to another time gets its reminders again, for the new time.
 */
export const activityReminderMessageId = (activityId: string, offset: string, anchor: string): string =>
  `<activity-reminder.${activityId}.${offset}.${Date.parse(anchor)}@suivi>`;

/** The reminder an activity is due for at `now`: the latest one fallen due, not before it was scheduled; null when none. */
export function dueReminder(entry: ActivityEntry, now: Date): { readonly offset: string; readonly at: string } | null {
  let due: { offset: string; at: string } | null = null;
  for (const offset of entry.reminders) {
    const at = reminderInstant(entry.at, offset);
    // Reminders are longest first: the last one fallen due is the nearest to the activity.
    if (Date.parse(at) <= now.getTime() && at >= entry.scheduledAt) due = { offset, at };
  }
  return due;
}

const when = (instant: string): string => `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC`;

/**
 * Mails each assignee before their tasks, calls and meetings, as their
 * reminders say. Each tick reads the open activities whose time is still
 * ahead and whose first reminder has fallen due, and sends the nearest
 * reminder fallen due (one mail per activity and tick: several fallen due at
 * once, after a stop or for an activity scheduled late, make one mail, not a
 * burst). Reminders that fell due before the activity was scheduled are not
 * sent. Done and cancelled activities are never read. Never two ticks at once
 * in a process; run exactly one worker per deployment.
 */
export class ActivityReminders {
  private readonly ticker: Ticker<ReminderTickReport>;
  /** Activities already logged as skipped (and why), so a tick does not log them again. */
  private readonly told = new Set<string>();

  constructor(private readonly deps: ActivityRemindersDeps) {
    this.ticker = new Ticker({
      everyMs: deps.tickMs,
      tick: () => this.tick(),
      onFailure: (error) => deps.logger.error(`activity reminders: tick failed (retried next tick): ${messageOf(error)}`),
    });
  }

  start(): void {
    this.deps.logger.log(`activity reminders: every ${this.deps.tickMs / 1000} s through ${this.deps.mailer.kind}`);
    this.ticker.start();
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  /** One tick now, after any in progress. */
  runOnce(): Promise<ReminderTickReport> {
    return this.ticker.runOnce();
  }

  private get stopping(): boolean {
    return this.ticker.stopping;
  }

  private async tick(): Promise<ReminderTickReport> {
    const report: ReminderTickReport = { sent: [], skipped: [] };
    // An activity completed, cancelled or moved a moment ago must not be reminded as it was.
    if (!(await this.caughtUp())) {
      this.deps.logger.warn('activity reminders: the activities read model is behind the log; no reminder is sent this tick');
      return report;
    }
    const now = this.deps.clock.now();
    let after: string | null = null;
    do {
      const page = await this.deps.activities.remindable(now, PAGE, after);
      for (const { doc } of page.items) {
        if (this.stopping) return report;
        try {
          // A reminder is caused by the clock, not by a command: its own id ties its mail to its log lines.
          await runWithCorrelation(newCorrelationId(), () => this.remind(doc, now, report));
        } catch (error) {
          this.deps.logger.warn(`activity reminders: activity ${doc.id}: ${messageOf(error)} (retried next tick)`);
        }
      }
      after = page.hasNextPage ? page.endCursor : null;
    } while (after !== null);
    return report;
  }

  private async remind(entry: ActivityEntry, now: Date, report: ReminderTickReport): Promise<void> {
    const due = dueReminder(entry, now);
    if (due === null) return;
    const messageId = activityReminderMessageId(entry.id, due.offset, entry.at);
    const { mailer, users, directory } = this.deps;
    if (await mailer.wasHandedOver(messageId)) return;
    const skip = (why: string): void => {
      report.skipped.push({ activityId: entry.id, why });
      const key = `${messageId} ${why}`;
      if (this.told.has(key)) return;
      this.told.add(key);
      this.deps.logger.log(`activity reminders: activity ${entry.id}: not reminded (${why})`);
    };
    const assignee = await users.get(entry.assigneeId);
    if (assignee === null) return skip('the assignee is not a Suivi user');
    if (assignee.disabled) return skip('the assignee is disabled');
    if (!assignee.email) return skip('the assignee has no email');
    const client = await directory.get(entry.thirdPartyId);
    // The mail names the third party: an assignee scoped away from it must not learn of it.
    if (client !== null && !withinScope(assignee.scope ?? null, assignee.id, client)) return skip("the third party is out of the assignee's scope");
    const kind = entry.kind.charAt(0) + entry.kind.slice(1).toLowerCase();
    const time = entry.kind === 'TASK' ? `due ${when(entry.at)}` : `${when(entry.at)} to ${when(entry.endAt ?? entry.at)}`;
    const lines = [
      `Hello ${assignee.displayName},`,
      '',
      `${kind}: ${entry.title}`,
      `When: ${time}`,
      ...(client === null ? [] : [`With: ${client.name}`]),
      ...(entry.description === null ? [] : ['', entry.description]),
    ];
    const text = `${lines.join('\n')}\n`;
    await mailer.send({
      messageId,
      from: this.deps.from,
      to: [assignee.email],
      subject: `Reminder: ${entry.title} (${time})`,
      text,
      html: `<pre>${escapeHtml(text)}</pre>`,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Suivi-Activity-Id': entry.id },
    });
    report.sent.push(messageId);
  }

  private async caughtUp(): Promise<boolean> {
    const head = await this.deps.store.headPosition();
    if (head === null) return true;
    const deadline = Date.now() + (this.deps.catchUpTimeoutMs ?? 10_000);
    for (;;) {
      const checkpoint = await this.deps.checkpoints.get(activitiesProjection.name);
      if (checkpoint !== null && checkpoint >= head) return true;
      if (this.stopping || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
