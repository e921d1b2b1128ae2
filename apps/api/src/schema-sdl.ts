import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AuditJournalResolver } from './audit-journal/audit-journal.resolver.js';
import { ContactResolver, ThirdPartyContactsResolver } from './contact/contact.resolver.js';
import { ExchangeResolver } from './exchange/exchange.resolver.js';
import { NoteResolver } from './note/note.resolver.js';
import { ThirdPartyResolver } from './third-party/third-party.resolver.js';
import { ContactTimelineResolver, ThirdPartyTimelineResolver, TimelineResolver } from './timeline/timeline.resolver.js';
import { UsersResolver } from './users/users.resolver.js';
import { ConsentResolver, ContactConsentsResolver, ThirdPartyConsentsResolver } from './consent/consent.resolver.js';
import { CommercialDocumentResolver, ThirdPartyCommercialDocumentsResolver } from './commercial-document/commercial-document.resolver.js';
import { RetentionResolver } from './retention/retention.resolver.js';
import { ErasureResolver } from './privacy/erasure.resolver.js';
import { CommercialDocumentFollowUpsResolver, FollowUpResolver } from './follow-up/follow-up.resolver.js';
import { ActivityResolver, ThirdPartyActivitiesResolver } from './activity/activity.resolver.js';
import { CalendarFeedResolver } from './calendar/calendar-feed.resolver.js';
import { DuplicatesResolver } from './duplicates/duplicates.resolver.js';
import { ImportExportResolver } from './import-export/import-export.resolver.js';
import { AnalyticsResolver } from './analytics/analytics.resolver.js';

/** Every resolver class of the API: the contract is generated from these. */
export const resolvers = [
  ThirdPartyResolver,
  ContactResolver,
  ThirdPartyContactsResolver,
  ExchangeResolver,
  NoteResolver,
  TimelineResolver,
  ThirdPartyTimelineResolver,
  ContactTimelineResolver,
  AuditJournalResolver,
  UsersResolver,
  ConsentResolver,
  ContactConsentsResolver,
  ThirdPartyConsentsResolver,
  CommercialDocumentResolver,
  ThirdPartyCommercialDocumentsResolver,
  RetentionResolver,
  ErasureResolver,
  FollowUpResolver,
  CommercialDocumentFollowUpsResolver,
  ActivityResolver,
  ThirdPartyActivitiesResolver,
  CalendarFeedResolver,
  DuplicatesResolver,
  ImportExportResolver,
  AnalyticsResolver,
];

/** The GraphQL contract as the code defines it, sorted like the running server's. */
export async function buildSchemaSdl(): Promise<string> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: ['error'] });
  try {
    const schema = await app.get(GraphQLSchemaFactory).create(resolvers);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
