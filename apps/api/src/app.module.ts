import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { loadConfig, processMetrics } from '#platform';
import { APP_FILTER } from '@nestjs/core';
import { formatError, variableErrorLimit } from './graphql/errors.js';
import { GraphQLErrorFilter } from './graphql/graphql-error.filter.js';
import { graphqlHardening } from './graphql/hardening.js';
import { HealthModule } from './health/health.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { graphqlErrorMetrics } from './observability/graphql-error-metrics.plugin.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';
import { AuditJournalModule } from './audit-journal/audit-journal.module.js';
import { ContactModule } from './contact/contact.module.js';
import { ExchangeModule } from './exchange/exchange.module.js';
import { NoteModule } from './note/note.module.js';
import { ThirdPartyModule } from './third-party/third-party.module.js';
import { TimelineModule } from './timeline/timeline.module.js';
import { AuthModule } from './auth/auth.module.js';
import { UsersModule } from './users/users.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { CommercialDocumentModule } from './commercial-document/commercial-document.module.js';
import { RetentionApiModule } from './retention/retention.module.js';
import { ErasureModule } from './privacy/erasure.module.js';
import { FollowUpApiModule } from './follow-up/follow-up.module.js';
import { ActivityModule } from './activity/activity.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import { DuplicatesModule } from './duplicates/duplicates.module.js';
import { ImportExportModule } from './import-export/import-export.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';

/** Every GraphQL feature module; schema-sdl.ts lists their resolvers for the printed contract. */
export const featureModules = [
  AuthModule,
  ThirdPartyModule,
  ContactModule,
  ExchangeModule,
  NoteModule,
  TimelineModule,
  AuditJournalModule,
  UsersModule,
  ConsentModule,
  CommercialDocumentModule,
  RetentionApiModule,
  ErasureModule,
  FollowUpApiModule,
  ActivityModule,
  CalendarModule,
  DuplicatesModule,
  ImportExportModule,
  AnalyticsModule,
];

@Module({})
export class AppModule {
  /** `extra` lets the embedded start add the projection worker to the same process. */
  static register(extra: DynamicModule['imports'] = []): DynamicModule {
    const { production, limits } = loadConfig();
    return {
      module: AppModule,
      imports: [
        InfrastructureModule,
        // Before the feature modules: its request hook runs first, so even a refused request has a correlation id.
        ObservabilityModule,
        HealthModule,
        CqrsModule.forRoot(),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          // Field resolvers that read another module's records are guarded like root fields (operation-rules.ts).
          fieldResolverEnhancers: ['guards'],
          sortSchema: true,
          includeStacktraceInErrorResponses: !production,
          ...graphqlHardening(limits, production),
          formatError: formatError(production),
          // No cache hints are used: without the default cache-control plugin, Apollo
          // does not wrap every field resolver to collect them.
          plugins: [graphqlErrorMetrics(processMetrics()), variableErrorLimit, ApolloServerPluginCacheControlDisabled()],
        }),
        ...featureModules,
        ...extra,
      ],
      providers: [{ provide: APP_FILTER, useClass: GraphQLErrorFilter }],
    };
  }
}
