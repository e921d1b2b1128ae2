import { Module } from '@nestjs/common';
import type { ReadStore } from '#read-store';
import { AuditJournalQueries, ContactQueries, DirectoryQueries, ExchangeQueries, TimelineQueries } from '#projections';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { Aggregates } from './aggregates.js';
import { CommandContextFactory } from './command-context.js';
import { References } from './references.js';
import { ThirdPartyScopes } from './third-party-scope.js';

const queries = [DirectoryQueries, ContactQueries, ExchangeQueries, TimelineQueries, AuditJournalQueries] as const;

/**
 * What every feature module shares: the write side (command context, streams,
 * references), read-your-writes, and the read models' queries — field resolvers
 * cross areas (a third party's contacts and timeline), so the queries live here.
 */
@Module({
  providers: [
    CommandContextFactory,
    Aggregates,
    References,
    ReadConsistency,
    ThirdPartyScopes,
    ...queries.map((Queries) => ({
      provide: Queries,
      inject: [READ_STORE],
      useFactory: (readStore: ReadStore) => Queries.open(readStore),
    })),
  ],
  exports: [CommandContextFactory, Aggregates, References, ReadConsistency, ThirdPartyScopes, ...queries],
})
export class SharedModule {}
