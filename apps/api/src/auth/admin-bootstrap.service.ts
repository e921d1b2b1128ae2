import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore, IdGenerator } from '#event-store';
import { ConfigError, type Clock, type SuiviConfig } from '#platform';
import { UserQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { apiTokenId, bootstrapAdministrator, UserAdministration, type BootstrapResult } from '#security';
import { CLOCK, CONFIG, EVENT_STORE, IDS, READ_STORE } from '../infrastructure/tokens.js';

/**
 * Creates the first administrator when no user exists (see bootstrapAdministrator).
 * It runs in the background so that start-up never waits on the projection
 * worker it may depend on; requests wait for it instead (`ready`), so the
 * first one already finds the administrator.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');
  private done: Promise<BootstrapResult | null> = Promise.resolve(null);

  constructor(
    @Inject(CONFIG) private readonly config: SuiviConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
    private readonly users: UserQueries,
    private readonly administration: UserAdministration,
  ) {
    // A token that could never be presented is a configuration error, reported at start-up.
    if (config.adminToken !== null && apiTokenId(config.adminToken) === null) {
      throw new ConfigError(
        'SUIVI_ADMIN_TOKEN',
        'must be a Suivi API token (suivi_…) or a secret of 32 to 256 printable ASCII characters without spaces',
      );
    }
  }

  /** Resolves once the bootstrap is over, whatever its outcome; never rejects. */
  get ready(): Promise<BootstrapResult | null> {
    return this.done;
  }

  onApplicationBootstrap(): void {
    this.done = bootstrapAdministrator({
      administration: this.administration,
      store: this.store,
      users: this.users,
      checkpoints: this.readStore.checkpoints,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      adminToken: this.config.adminToken,
    }).catch((error: unknown) => {
      this.logger.error(`creating the first administrator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return null;
    });
  }
}
