import { Module } from '@nestjs/common';
import type { ReadStore } from '#read-store';
import { DirectoryQueries, directoryProjection, type DirectoryEntry } from '#projections';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { READ_STORE } from '../infrastructure/tokens.js';
import { RegisterThirdPartyHandler } from './register-third-party.handler.js';
import { ThirdPartyResolver } from './third-party.resolver.js';

@Module({
  providers: [
    RegisterThirdPartyHandler,
    ThirdPartyResolver,
    ReadConsistency,
    {
      provide: DirectoryQueries,
      inject: [READ_STORE],
      useFactory: async (readStore: ReadStore) =>
        new DirectoryQueries(await readStore.collection<DirectoryEntry>(directoryProjection.collection)),
    },
  ],
})
export class ThirdPartyModule {}
