import { Module } from '@nestjs/common';
import type { RetentionConfig } from '#domain';
import type { EventCodec, EventStore, IdGenerator, SubjectKeyStore } from '#event-store';
import { loadRetention, type Clock, type SuiviConfig } from '#platform';
import { DirectoryQueries, RetentionQueueQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { DataSubjectErasure } from '#security';
import { CLOCK, CODEC, CONFIG, EVENT_STORE, IDS, READ_STORE, SUBJECT_KEYS } from '../../../api/src/infrastructure/tokens.js';
import { RetentionReviews } from './retention-reviews.js';
import { RETENTION_CONFIG } from './retention.tokens.js';

/**
 * What the retention automation (worker) and the retention queue (API) share:
 * the policies, read and checked at start, and the queue's write side. One
 * instance per process, whichever of the two imports it first.
 */
@Module({
  providers: [
    { provide: RETENTION_CONFIG, inject: [CONFIG], useFactory: (config: SuiviConfig): RetentionConfig | null => loadRetention(config) },
    {
      provide: DataSubjectErasure,
      inject: [EVENT_STORE, CODEC, IDS, SUBJECT_KEYS, CLOCK],
      useFactory: (store: EventStore, codec: EventCodec, ids: IdGenerator, keys: SubjectKeyStore, clock: Clock) =>
        new DataSubjectErasure({ store, codec, ids, keys, clock }),
    },
    { provide: DirectoryQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => DirectoryQueries.open(readStore) },
    { provide: RetentionQueueQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => RetentionQueueQueries.open(readStore) },
    {
      provide: RetentionReviews,
      inject: [EVENT_STORE, CODEC, IDS, DataSubjectErasure, DirectoryQueries],
      useFactory: (store: EventStore, codec: EventCodec, ids: IdGenerator, erasure: DataSubjectErasure, directory: DirectoryQueries) =>
        new RetentionReviews({ store, codec, ids, erasure, directory }),
    },
  ],
  exports: [RETENTION_CONFIG, DataSubjectErasure, DirectoryQueries, RetentionQueueQueries, RetentionReviews],
})
export class RetentionModule {}
