import { Module } from '@nestjs/common';
import type { EventCodec, EventStore } from '#event-store';
import type { Clock } from '#platform';
import { ConsentQueries, SubjectExporter } from '#projections';
import type { ReadStore } from '#read-store';
import { AuthModule } from '../auth/auth.module.js';
import { CLOCK, CODEC, EVENT_STORE, READ_STORE } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { ConsentResolver, ContactConsentsResolver, SubjectConsents, ThirdPartyConsentsResolver } from './consent.resolver.js';
import { DataSubjects } from './data-subjects.js';
import { RecordConsentHandler } from './record-consent.handler.js';

/** Consents and objections of data subjects, and the export of everything held about one (GDPR). */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    { provide: ConsentQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => ConsentQueries.open(readStore) },
    {
      provide: SubjectExporter,
      inject: [EVENT_STORE, CODEC, READ_STORE, CLOCK],
      useFactory: (store: EventStore, codec: EventCodec, readStore: ReadStore, clock: Clock) => new SubjectExporter({ store, codec, readStore, clock }),
    },
    DataSubjects,
    RecordConsentHandler,
    ConsentResolver,
    SubjectConsents,
    ContactConsentsResolver,
    ThirdPartyConsentsResolver,
  ],
})
export class ConsentModule {}
