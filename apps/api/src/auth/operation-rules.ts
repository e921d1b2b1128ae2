import type { Permission } from '#domain';

/** `authenticated`: any user with a valid token (their own account, nothing of anyone else's). */
export type AccessRule = Permission | 'authenticated';

/**
 * Who may run each GraphQL operation, in one table: every root field, and
 * every field with its own resolver that reads another module's records (a
 * third party's contacts need `contacts.read`). The access guard refuses a
 * field that has no rule here, and test/authorization-matrix.e2e.spec.ts
 * fails on a root field missing from it, so a new operation cannot ship
 * without a decision. Scope (territories, ownership) and confidentiality are
 * applied on top, by the resolvers, on what a permitted operation returns.
 */
export const operationRules = {
  // Third parties
  'Query.thirdParty': 'thirdParties.read',
  'Query.thirdParties': 'thirdParties.read',
  'Query.timeline': 'thirdParties.read',
  'Mutation.registerThirdParty': 'thirdParties.create',
  'Mutation.updateThirdParty': 'thirdParties.update',
  'Mutation.categoriseThirdParty': 'thirdParties.update',
  'Mutation.assignThirdPartyOwner': 'thirdParties.update',
  'Mutation.convertProspect': 'thirdParties.update',
  'Mutation.archiveThirdParty': 'thirdParties.delete',
  'ThirdParty.lastInteractionAt': 'thirdParties.read',
  'ThirdParty.timeline': 'thirdParties.read',
  'Exchange.thirdParty': 'thirdParties.read',
  'Contact.thirdParty': 'thirdParties.read',

  // Contacts
  'Query.contact': 'contacts.read',
  'Mutation.addContact': 'contacts.create',
  'Mutation.updateContact': 'contacts.update',
  'Mutation.archiveContact': 'contacts.delete',
  'ThirdParty.contacts': 'contacts.read',
  'Contact.timeline': 'contacts.read',
  'Exchange.contacts': 'contacts.read',

  // Exchanges
  'Query.exchange': 'exchanges.read',
  'Query.exchanges': 'exchanges.read',
  'Query.latestExchanges': 'exchanges.read',
  'Query.upcomingContacts': 'exchanges.read',
  'Mutation.logExchange': 'exchanges.create',
  'Mutation.updateExchange': 'exchanges.update',
  'Mutation.changeExchangeStatus': 'exchanges.update',
  'Mutation.deleteExchange': 'exchanges.delete',
  'Exchange.confidentialComment': 'exchanges.read',
  'TimelineEntry.confidentialComment': 'exchanges.read',

  // Notes
  'Mutation.addNote': 'notes.create',

  // Audit journal
  'Query.auditJournal': 'auditJournal.read',
  'Query.verifyAuditJournal': 'auditJournal.read',

  // Users, groups and tokens
  'Query.me': 'authenticated',
  'UserAccount.groups': 'authenticated',
  'Mutation.createUser': 'admin.usersAndGroups',
  'Mutation.createGroup': 'admin.usersAndGroups',
  'Mutation.changeGroupPermissions': 'admin.usersAndGroups',
  'Mutation.addUserToGroup': 'admin.usersAndGroups',
  'Mutation.removeUserFromGroup': 'admin.usersAndGroups',
  'Mutation.disableUser': 'admin.usersAndGroups',
  'Mutation.enableUser': 'admin.usersAndGroups',
  'Mutation.issueApiToken': 'admin.usersAndGroups',
  'Mutation.revokeApiToken': 'admin.usersAndGroups',
  'Mutation.setUserScope': 'admin.usersAndGroups',

  // Commercial documents
  'Query.commercialDocument': 'documents.read',
  'Query.commercialDocuments': 'documents.read',
  'Mutation.recordCommercialDocument': 'documents.create',
  'Mutation.changeCommercialDocumentStatus': 'documents.update',
  'ThirdParty.commercialDocuments': 'documents.read',

  // Retention (the queue of erasures waiting for approval)
  'Query.retentionQueue': 'privacy.manage',
  'Mutation.approveErasure': 'privacy.manage',
  'Mutation.rejectErasure': 'privacy.manage',

  // Consent (recording a decision is updating the subject) and the subject access export
  'Mutation.recordContactConsent': 'contacts.update',
  'Mutation.recordThirdPartyConsent': 'thirdParties.update',
  'Contact.consents': 'contacts.read',
  'Contact.consentHistory': 'contacts.read',
  'ThirdParty.consents': 'thirdParties.read',
  'ThirdParty.consentHistory': 'thirdParties.read',
  'Query.exportDataSubject': 'privacy.manage',

  // Erasure (forgetting a person) and its certificate
  'Mutation.forgetDataSubject': 'privacy.manage',
  'Query.erasureCertificate': 'privacy.manage',

  // Follow-ups (relances): the reminder queue, its steps, and holds on a third party
  'Query.followUps': 'followUps.read',
  'Query.followUpDashboard': 'followUps.read',
  'Mutation.approveFollowUpStep': 'followUps.update',
  'Mutation.skipFollowUpStep': 'followUps.update',
  'Mutation.snoozeFollowUpStep': 'followUps.update',
  'Mutation.pauseFollowUps': 'followUps.update',
  'Mutation.blockFollowUps': 'followUps.update',
  'Mutation.resumeFollowUps': 'followUps.update',
  'CommercialDocument.followUps': 'followUps.read',
  // Agenda items (tasks, calls, meetings) are follow-up work: no permission of their own.
  'Mutation.scheduleActivity': 'followUps.create',
  'Mutation.updateActivity': 'followUps.update',
  'Mutation.completeActivity': 'followUps.update',
  'Mutation.reopenActivity': 'followUps.update',
  'Mutation.cancelActivity': 'followUps.delete',
  'Query.activity': 'followUps.read',
  'Query.activities': 'followUps.read',
  'ThirdParty.activities': 'followUps.read',
  // A user's own calendar feed: the mutations take no user id.
  'Mutation.issueCalendarFeed': 'authenticated',
  'Mutation.revokeCalendarFeed': 'authenticated',
  // Merges are reversible and journaled, and move nothing a user who may update both third parties could not move by hand.
  'Mutation.mergeThirdParties': 'thirdParties.update',
  'Mutation.unmergeThirdParties': 'thirdParties.update',
  'Query.duplicateCandidates': 'thirdParties.read',
  // Imports: the guard checks creation; the resolver also asks for update, which a matching line needs.
  'Mutation.importThirdParties': 'thirdParties.create',
  'Mutation.importContacts': 'contacts.create',
  // Exports read what the list queries read, through their paths.
  'Query.exportThirdParties': 'thirdParties.read',
  'Query.exportExchanges': 'exchanges.read',
  // Analytics: aggregates with ids and codes only, over the caller's scope.
  'Query.conversionMetrics': 'analytics.read',
  'Query.prospectPipeline': 'analytics.read',
  'Query.followUpEffectiveness': 'analytics.read',
  'Query.lastContactDistribution': 'analytics.read',
  'Query.exchangeFrequency': 'analytics.read',
} as const satisfies Record<string, AccessRule>;

export type GuardedField = keyof typeof operationRules;

export const ruleFor = (typeName: string, fieldName: string): AccessRule | undefined =>
  (operationRules as Record<string, AccessRule>)[`${typeName}.${fieldName}`];
