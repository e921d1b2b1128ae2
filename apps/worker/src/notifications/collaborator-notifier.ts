import { setTimeout as sleep } from 'node:timers/promises';
import {
  collaboratorNotificationMessageId,
  renderTemplate,
  type Catalogue,
  type ExchangeLogged,
  type MailTemplate,
} from '#domain';
import type { EventCodec, EventStore, StoredEvent } from '#event-store';
import { runWithCorrelation, type Mailer } from '#platform';
import { directoryProjection, usersProjection, type DirectoryQueries, type UserQueries } from '#projections';
import type { CheckpointStore } from '#read-store';
import { withinScope } from '#security';

/** The notifier's checkpoint in the read store's checkpoint store. */
export const COLLABORATOR_NOTIFIER = 'collaborator-notifications';

export interface NotifierLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CollaboratorNotifierDeps {
  readonly store: Pick<EventStore, 'subscribeToAll' | 'headPosition'>;
  readonly codec: Pick<EventCodec, 'decodeAll'>;
  readonly checkpoints: CheckpointStore;
  readonly users: Pick<UserQueries, 'get'>;
  readonly directory: Pick<DirectoryQueries, 'get'>;
  readonly catalogue: Catalogue;
  readonly mailer: Mailer;
  readonly template: MailTemplate;
  readonly from: string;
  readonly logger: NotifierLogger;
  /** First wait after a failure; doubled up to maxDelayMs. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** The read models a mail is written from: they must have applied the exchange's position first. */
const READ_MODELS = [usersProjection.name, directoryProjection.name];
const POLL_MS = 50;
/** Events passed over between two checkpoint saves; replaying them costs a read, never a mail. */
const SAVE_EVERY = 200;

const STOPPED = Symbol('stopped');
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Sends each collaborator named on an exchange logged with
 * notifyCollaborators one mail. Follows the event log from its own checkpoint;
 * an event is done once every mail it calls for has been handed over, so a
 * failure (the SMTP server down) holds the notifications that follow until it
 * is retried, in order. Each mail has a Message-ID of the exchange and the
 * collaborator, checked with the mailer before sending: a replay of the log
 * does not send again. On its very first start the notifier begins at the end
 * of the log: a deployment that gains it does not mail its history.
 */
export class CollaboratorNotifier {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private position: bigint | null = null;
  private saved: bigint | null = null;

  constructor(private readonly deps: CollaboratorNotifierDeps) {}

  /** Resolves once the starting position is settled (so an exchange logged after it is notified), then follows the log. */
  async start(): Promise<void> {
    const { checkpoints, store, logger } = this.deps;
    let checkpoint = await checkpoints.get(COLLABORATOR_NOTIFIER);
    if (checkpoint === null) {
      checkpoint = await store.headPosition();
      if (checkpoint !== null) await checkpoints.save(COLLABORATOR_NOTIFIER, checkpoint);
    }
    this.position = this.saved = checkpoint;
    logger.log(`collaborator notifications (${this.deps.mailer.kind}): following the log after position ${checkpoint ?? 'none'}`);
    this.loop = this.run();
  }

  /** Stops after the event in hand and saves the position reached. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const initialDelay = this.deps.initialDelayMs ?? 500;
    const maxDelay = this.deps.maxDelayMs ?? 60_000;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.follow(signal, () => (failures = 0));
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        const delay = Math.min(initialDelay * 2 ** Math.min(failures - 1, 30), maxDelay);
        this.deps.logger.error(`collaborator notifications: ${messageOf(error)} (failure ${failures} in a row); retrying in ${delay} ms`);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
    await this.save().catch((error: unknown) => this.deps.logger.warn(`collaborator notifications: saving the checkpoint failed: ${messageOf(error)}`));
  }

  private async follow(signal: AbortSignal, succeeded: () => void): Promise<void> {
    const subscription = this.deps.store.subscribeToAll({ after: this.position });
    const stopped = new Promise<typeof STOPPED>((resolve) => signal.addEventListener('abort', () => resolve(STOPPED), { once: true }));
    try {
      for (;;) {
        const next = await Promise.race([subscription.next(), stopped]);
        if (next === STOPPED) return;
        if (next.done) throw new Error('the subscription ended');
        const stored = next.value;
        if (stored.type === 'ExchangeLogged') {
          // The mails and log lines of this exchange carry the correlation id of the request that logged it.
          await runWithCorrelation(correlationOf(stored), () => this.notify(stored, signal));
          this.position = stored.position;
          await this.save();
          succeeded();
        } else {
          this.position = stored.position;
          if (this.saved === null || stored.position - this.saved >= SAVE_EVERY) await this.save();
        }
      }
    } finally {
      await subscription.close().catch(() => undefined);
    }
  }

  private async save(): Promise<void> {
    if (this.position === null || this.position === this.saved) return;
    await this.deps.checkpoints.save(COLLABORATOR_NOTIFIER, this.position);
    this.saved = this.position;
  }

  private async notify(stored: StoredEvent, signal: AbortSignal): Promise<void> {
    const [event] = await this.deps.codec.decodeAll<ExchangeLogged>([stored]);
    const data = event!.data;
    if (!data.notifyCollaborators || data.collaboratorIds.length === 0) return;
    const { users, directory, catalogue, mailer, logger } = this.deps;
    await this.awaitReadModels(stored.position, signal);

    const client = await directory.get(data.thirdPartyId);
    const author = await users.get(data.authorId);
    const subject = catalogue.exchangeSubjects.find((entry) => entry.code === data.subject)?.label ?? data.subject;
    for (const collaboratorId of new Set(data.collaboratorIds)) {
      const collaborator = await users.get(collaboratorId);
      const skip = (why: string) => logger.log(`collaborator notifications: exchange ${data.exchangeId}: collaborator ${collaboratorId} skipped (${why})`);
      if (collaborator === null) {
        skip('not a Suivi user');
        continue;
      }
      if (!collaborator.email) {
        skip('the user has no email');
        continue;
      }
      if (collaborator.disabled) {
        skip('the user is disabled');
        continue;
      }
      // The mail names the third party: a collaborator scoped away from it must not learn of it.
      if (client !== null && !withinScope(collaborator.scope ?? null, collaborator.id, client)) {
        skip('the third party is out of the user\'s scope');
        continue;
      }
      const messageId = collaboratorNotificationMessageId(data.exchangeId, collaboratorId);
      if (await mailer.wasHandedOver(messageId)) continue;
      // The comments are never among the values: the template has no variable for them.
      const mail = renderTemplate(this.deps.template, {
        COLLABORATOR_NAME: collaborator.displayName,
        CLIENT_NAME: client?.name ?? '',
        EXCHANGE_SUBJECT: subject,
        EXCHANGE_DATE: data.occurredAt.slice(0, 10),
        OWNER_NAME: author?.displayName ?? data.authorId,
      });
      await mailer.send({
        messageId,
        from: this.deps.from,
        to: [collaborator.email],
        ...mail,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Suivi-Exchange-Id': data.exchangeId },
      });
    }
  }

  /** The users and directory read models, up to the exchange: a collaborator created just before it is known. */
  private async awaitReadModels(position: bigint, signal: AbortSignal): Promise<void> {
    for (;;) {
      const checkpoints = await Promise.all(READ_MODELS.map((name) => this.deps.checkpoints.get(name)));
      if (checkpoints.every((checkpoint) => checkpoint !== null && checkpoint >= position)) return;
      if (signal.aborted) throw new Error('stopping');
      await sleep(POLL_MS);
    }
  }
}

const correlationOf = (stored: StoredEvent): string => {
  const id = stored.metadata['correlationId'];
  return typeof id === 'string' && id.length > 0 ? id : stored.eventId;
};
