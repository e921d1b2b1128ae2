import { Module } from '@nestjs/common';
import type { FollowUpPolicy } from '#domain';
import type { EventCodec, EventStore, IdGenerator } from '#event-store';
import type { SuiviConfig } from '#platform';
import { FollowUpQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { CODEC, CONFIG, EVENT_STORE, IDS, READ_STORE } from '../../../api/src/infrastructure/tokens.js';
import { loadFollowUpPolicies } from './follow-up-config.js';
import { FollowUpCommands } from './follow-up-commands.js';
import { FOLLOW_UP_POLICIES } from './follow-ups.tokens.js';

/**
 * What the follow-up automation (worker) and the reminder queue (API) share:
 * the policies, read and checked at start in both processes, the write side and
 * the queue's reads.
 */
@Module({
  providers: [
    { provide: FOLLOW_UP_POLICIES, inject: [CONFIG], useFactory: (config: SuiviConfig): readonly FollowUpPolicy[] => loadFollowUpPolicies(config) },
    {
      provide: FollowUpCommands,
      inject: [EVENT_STORE, CODEC, IDS],
      useFactory: (store: EventStore, codec: EventCodec, ids: IdGenerator) => new FollowUpCommands({ store, codec, ids }),
    },
    { provide: FollowUpQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => FollowUpQueries.open(readStore) },
  ],
  exports: [FOLLOW_UP_POLICIES, FollowUpCommands, FollowUpQueries],
})
export class FollowUpsModule {}
