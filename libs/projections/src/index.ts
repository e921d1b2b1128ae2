export type { Projection, ProjectionChain, EnvelopeOf } from './projection.js';
export { projections } from './projection-list.js';
export {
  directoryProjection,
  directoryCollection,
  directoryNameKey,
  directoryWords,
  customFieldTerm,
  evolveDirectory,
  type DirectoryEntry,
} from './directory/directory.projection.js';
export {
  DirectoryQueries,
  type ConsentCriterion,
  type CustomFieldCriterion,
  type DirectoryFilter,
  type DirectoryListArgs,
  type DirectoryPage,
} from './directory/directory.queries.js';
export {
  contactsProjection,
  contactsCollection,
  contactSortKey,
  contactDisplayName,
  evolveContacts,
  type ContactEntry,
} from './contacts/contacts.projection.js';
export { ContactQueries, type ContactListOptions } from './contacts/contacts.queries.js';
export {
  exchangesProjection,
  exchangesCollection,
  evolveExchanges,
  type ExchangeEntry,
} from './exchanges/exchanges.projection.js';
export {
  ExchangeQueries,
  type ExchangeListFilter,
  type ExchangeListArgs,
  type ExchangePageArgs,
  type ExchangePage,
} from './exchanges/exchanges.queries.js';
export {
  timelineProjection,
  timelineCollection,
  timelineKinds,
  evolveTimeline,
  conversionDelay,
  type TimelineEntry,
  type TimelineKind,
} from './timeline/timeline.projection.js';
export {
  TimelineQueries,
  type TimelineFilter,
  type TimelineListArgs,
  type TimelinePage,
} from './timeline/timeline.queries.js';
export {
  auditJournalProjection,
  auditJournalCollection,
  evolveAuditJournal,
  creationChanges,
  type AuditEntry,
} from './audit-journal/audit-journal.projection.js';
export {
  AuditJournalQueries,
  type AuditJournalFilter,
  type AuditJournalListArgs,
  type AuditJournalPage,
} from './audit-journal/audit-journal.queries.js';
export {
  usersProjection,
  usersCollection,
  evolveUsers,
  type UserEntry,
  type ApiTokenEntry,
  type ThirdPartyScope,
} from './users/users.projection.js';
export { groupsProjection, groupsCollection, evolveGroups, type GroupEntry } from './users/groups.projection.js';
export { UserQueries, GroupQueries, type UserListArgs } from './users/users.queries.js';
export {
  auditChainProjection,
  auditChainCollection,
  auditEntryOf,
  chainHash,
  linkOf,
  GENESIS_HASH,
  type AuditChainLink,
} from './audit-chain/audit-chain.projection.js';
export { AuditChainQueries } from './audit-chain/audit-chain.queries.js';
export {
  verifyAuditJournal,
  type AuditAnchor,
  type AuditChainBreak,
  type AuditJournalVerification,
  type VerifyAuditJournalOptions,
} from './audit-chain/audit-chain.verification.js';
export { canonicalJson } from './audit-chain/canonical-json.js';
export { CONFIDENTIAL_PLACEHOLDER, redactChanges, redactConfidential } from './shared/confidential-redaction.js';
export {
  ProjectionRunner,
  UnknownProjection,
  WaitForTimeout,
  RebuildInterrupted,
  ParkedEventSuperseded,
  ParkedEventNotFound,
  type ProjectionLogger,
  type ProjectionRunnerOptions,
  type ProjectionState,
  type ProjectionStatus,
  type ProjectionLag,
  type RebuildOptions,
  type RebuildResult,
} from './runner/projection-runner.js';
export { parkedEventsCollection, parkedEventId, type ParkedEvent } from './runner/parked-events.js';
export { PAGE_MAX, countedPage, type CountedPage } from './shared/paging.js';
export { exchangeAdmitted, UNRESTRICTED_EXCHANGES, type ExchangeAccess } from './exchanges/exchanges.queries.js';
export { UNRESTRICTED_TIMELINE, type TimelineAccess } from './timeline/timeline.queries.js';
export { auditScopes, scopeOfEvent } from './audit-journal/audit-journal.projection.js';
export { WHOLE_JOURNAL, type AuditJournalVisibility } from './audit-journal/audit-journal.queries.js';
export { sealedEntry, type SealedAuditEntry } from './audit-chain/audit-chain.projection.js';
export { hasConfidentialChange, revealedChanges } from './shared/confidential-redaction.js';
export {
  consentsProjection,
  consentsCollection,
  consentsEntryId,
  consentTerm,
  consentTerms,
  evolveConsents,
  type ConsentEntryDecision,
  type ConsentsEntry,
} from './consents/consents.projection.js';
export { ConsentQueries, type ConsentHistoryArgs, type ConsentHistoryPage } from './consents/consents.queries.js';
export {
  SubjectExporter,
  SUBJECT_EXPORT_FORMAT,
  type DataSubject,
  type ExportedAuditEntry,
  type ExportedEvent,
  type ExportedRecord,
  type ExportedSection,
  type SubjectExport,
  type SubjectExportDeps,
} from './consents/subject-export.js';
export { renderSubjectExportHtml } from './consents/subject-export.html.js';
export {
  retentionQueueProjection,
  retentionQueueCollection,
  evolveRetentionQueue,
  erasureProposalStatuses,
  type ErasureProposalEntry,
  type ErasureProposalStatus,
} from './retention/retention-queue.projection.js';
export { RetentionQueueQueries, type RetentionQueueListArgs } from './retention/retention-queue.queries.js';
export {
  commercialDocumentsProjection,
  commercialDocumentsCollection,
  evolveCommercialDocuments,
  type CommercialDocumentEntry,
  type CommercialDocumentStatusEntry,
} from './commercial-documents/commercial-documents.projection.js';
export {
  CommercialDocumentQueries,
  commercialDocumentAdmitted,
  UNRESTRICTED_COMMERCIAL_DOCUMENTS,
  type CommercialDocumentAccess,
  type CommercialDocumentListArgs,
  type CommercialDocumentListFilter,
  type CommercialDocumentPage,
} from './commercial-documents/commercial-documents.queries.js';
export {
  followUpsProjection,
  followUpsCollection,
  evolveFollowUps,
  type FollowUpEntry,
  type FollowUpStepEntry,
  type FollowUpStepRecord,
} from './follow-ups/follow-ups.projection.js';
export {
  FollowUpQueries,
  followUpQueueStates,
  stateOfStep,
  queueItemOf,
  type FollowUpCount,
  type FollowUpFilter,
  type FollowUpPage,
  type FollowUpQueueItem,
  type FollowUpQueueState,
} from './follow-ups/follow-ups.queries.js';
export { activitiesProjection, activitiesCollection, evolveActivities, type ActivityEntry } from './activities/activities.projection.js';
export {
  ActivityQueries,
  UNRESTRICTED_ACTIVITIES,
  type ActivityAccess,
  type ActivityListArgs,
  type ActivityListFilter,
  type ActivityPage,
} from './activities/activities.queries.js';
export {
  MetricsFold,
  evolveMetricsFacts,
  emptyMetricsFacts,
  metricsCanHandle,
  metricsFactsId,
  type MetricsDocumentFact,
  type MetricsExchangeFact,
  type MetricsFactsEntry,
  type MetricsStepFact,
} from './metrics/metrics-facts.js';
export { metricsProjection, metricsFactsCollection } from './metrics/metrics.projection.js';
export {
  conversionMetrics,
  durationStats,
  exchangeFrequency,
  followUpEffectiveness,
  groupKeyOf,
  lastContactAt,
  lastContactBuckets,
  lastContactDistribution,
  metricsBase,
  metricsGroupings,
  prospectPipeline,
  quantile,
  resolveMerges,
  scopedFacts,
  type ConversionGroup,
  type ConversionMetrics,
  type DocumentFollowUpEffect,
  type DurationStats,
  type ExchangeFrequency,
  type FollowUpEffectiveness,
  type LastContactBucket,
  type LastContactDistribution,
  type MetricsGroupBy,
  type MetricsPeriod,
  type MetricsScope,
  type PipelineGroup,
  type ProspectPipeline,
  type StepEffect,
} from './metrics/metrics.compute.js';
export { MetricsQueries, handledAt, logPrefix, replayMetricsFacts, type MetricsSource, type ReplayMetricsOptions } from './metrics/metrics.queries.js';
