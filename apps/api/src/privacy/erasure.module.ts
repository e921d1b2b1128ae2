import { Module } from '@nestjs/common';
import type { EventCodec, EventStore, IdGenerator, SubjectKeyStore } from '#event-store';
import type { Clock } from '#platform';
import { DataSubjectErasure } from '#security';
import { AuthModule } from '../auth/auth.module.js';
import { CLOCK, CODEC, EVENT_STORE, IDS, SUBJECT_KEYS } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { ErasureResolver } from './erasure.resolver.js';

/**
 * Forgetting people (GDPR erasure) and their certificates. The erasure destroys
 * keys through SUBJECT_KEYS, the very store the codec reads through, so this
 * process never reads a destroyed key from its cache again.
 */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    {
      provide: DataSubjectErasure,
      inject: [EVENT_STORE, CODEC, IDS, SUBJECT_KEYS, CLOCK],
      useFactory: (store: EventStore, codec: EventCodec, ids: IdGenerator, keys: SubjectKeyStore, clock: Clock) =>
        new DataSubjectErasure({ store, codec, ids, keys, clock }),
    },
    ErasureResolver,
  ],
})
export class ErasureModule {}
