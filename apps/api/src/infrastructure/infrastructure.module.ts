import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { randomIds, type EventCodec, type EventStore, type SubjectKeyStore } from '#event-store';
import type { ReadStore } from '#read-store';
import { createCodec, loadCatalogue, loadConfig, openEventStore, openReadStore, openSubjectKeyStore, systemClock, type SuiviConfig } from '#platform';
import { CATALOGUE, CLOCK, CODEC, CONFIG, EVENT_STORE, IDS, READ_STORE, SUBJECT_KEYS } from './tokens.js';

/**
 * Opens the stores once per process and closes them last on shutdown, after
 * the HTTP server and the projection worker have stopped using them.
 */
@Global()
@Module({
  providers: [
    { provide: CONFIG, useFactory: (): SuiviConfig => loadConfig() },
    { provide: EVENT_STORE, inject: [CONFIG], useFactory: (config: SuiviConfig) => openEventStore(config) },
    { provide: READ_STORE, inject: [CONFIG], useFactory: (config: SuiviConfig) => openReadStore(config) },
    { provide: SUBJECT_KEYS, inject: [CONFIG], useFactory: (config: SuiviConfig) => openSubjectKeyStore(config) },
    { provide: CODEC, inject: [SUBJECT_KEYS], useFactory: (keys: SubjectKeyStore) => createCodec(keys) },
    { provide: CATALOGUE, inject: [CONFIG], useFactory: (config: SuiviConfig) => loadCatalogue(config) },
    { provide: CLOCK, useValue: systemClock },
    { provide: IDS, useValue: randomIds },
  ],
  exports: [CONFIG, EVENT_STORE, READ_STORE, SUBJECT_KEYS, CODEC, CLOCK, IDS, CATALOGUE],
})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CODEC) private readonly codec: EventCodec,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.eventStore.close();
    await this.readStore.close();
    // Closes the subject key store too.
    await this.codec.close();
  }
}
