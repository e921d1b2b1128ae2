import { Module } from '@nestjs/common';
import { AuditChainQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { AuthModule } from '../auth/auth.module.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { SharedModule } from '../shared/shared.module.js';
import { AuditJournalResolver } from './audit-journal.resolver.js';

@Module({
  imports: [SharedModule, AuthModule],
  providers: [
    AuditJournalResolver,
    { provide: AuditChainQueries, inject: [READ_STORE], useFactory: (readStore: ReadStore) => AuditChainQueries.open(readStore) },
  ],
})
export class AuditJournalModule {}
