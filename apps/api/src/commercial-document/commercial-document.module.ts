import { Module } from '@nestjs/common';
import { CommercialDocumentQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { AuthModule } from '../auth/auth.module.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { ChangeCommercialDocumentStatusHandler } from './change-commercial-document-status.handler.js';
import { CommercialDocumentResolver, ThirdPartyCommercialDocumentsResolver } from './commercial-document.resolver.js';
import { RecordCommercialDocumentHandler } from './record-commercial-document.handler.js';

/** Quotes, orders, invoices and contracts recorded as facts, their statuses, and a third party's list of them. */
@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    RecordCommercialDocumentHandler,
    ChangeCommercialDocumentStatusHandler,
    CommercialDocumentResolver,
    ThirdPartyCommercialDocumentsResolver,
    // Only this module reads them so far; the follow-up engine will open its own.
    { provide: CommercialDocumentQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => CommercialDocumentQueries.open(readStore) },
  ],
})
export class CommercialDocumentModule {}
