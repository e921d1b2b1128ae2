import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { ConsentRecord, ConsentSubjectKind } from '#domain';
import { ConsentQueries, renderSubjectExportHtml, SubjectExporter, type ConsentHistoryPage } from '#projections';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { Contact } from '../contact/contact.types.js';
import { user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, type Connection } from '../graphql/relay.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import {
  Consent,
  ConsentConnection,
  DataSubjectExport,
  DataSubjectKind,
  RecordConsentPayload,
  RecordContactConsentInput,
  RecordThirdPartyConsentInput,
} from './consent.types.js';
import { DataSubjects, type SubjectRef } from './data-subjects.js';
import { RecordConsentCommand, type ConsentWritten } from './record-consent.handler.js';

export const consentOf = (record: ConsentRecord): Consent => ({
  purpose: record.purpose,
  channel: record.channel,
  decision: record.decision,
  expressedAt: record.expressedAt,
  method: record.method,
  evidence: record.evidence === null ? null : { ...record.evidence },
  recordedAt: record.recordedAt,
  recordedBy: user(record.recordedBy),
});

const payload = (written: ConsentWritten): RecordConsentPayload => ({
  consent: consentOf(written.consent),
  consents: written.consents.map(consentOf),
  position: written.position.toString(),
});

const historyConnection = (page: ConsentHistoryPage): Connection<Consent> => {
  const edges = page.items.map((item) => ({ cursor: item.cursor, node: consentOf(item.decision) }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: page.endCursor },
  };
};

const subjectKinds: Record<DataSubjectKind, ConsentSubjectKind> = { CONTACT: 'contact', THIRD_PARTY: 'thirdParty' };

/**
 * Consent is recorded by two mutations, one per kind of subject, because each
 * needs its module's update permission (operation-rules.ts has one rule per
 * operation): recording a contact's decision is updating the contact.
 */
@Resolver()
export class ConsentResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly subjects: DataSubjects,
    private readonly exporter: SubjectExporter,
    private readonly consistency: ReadConsistency,
    private readonly journal: SecurityJournal,
  ) {}

  @Mutation(() => RecordConsentPayload, {
    description:
      "Records a contact's consent, withdrawal or objection for one purpose on one channel, with how it was obtained and its evidence. The same decision at the same instant again records nothing.",
  })
  async recordContactConsent(@Args('input') input: RecordContactConsentInput, @Context('req') req: FastifyRequest): Promise<RecordConsentPayload> {
    const subject: SubjectRef = { kind: 'contact', id: entityId('contactId', input.contactId) };
    return this.record(subject, input, req, 'Mutation.recordContactConsent');
  }

  @Mutation(() => RecordConsentPayload, {
    description: 'Records the consent, withdrawal or objection of a third party that is a person (INDIVIDUAL), as recordContactConsent does.',
  })
  async recordThirdPartyConsent(
    @Args('input') input: RecordThirdPartyConsentInput,
    @Context('req') req: FastifyRequest,
  ): Promise<RecordConsentPayload> {
    const subject: SubjectRef = { kind: 'thirdParty', id: entityId('thirdPartyId', input.thirdPartyId) };
    return this.record(subject, input, req, 'Mutation.recordThirdPartyConsent');
  }

  @Query(() => DataSubjectExport, {
    nullable: true,
    description:
      'Everything Suivi holds about a person (right of access and portability): profile and its changes, consents, exchanges, notes and audit entries, as JSON and as a readable HTML page. null for an unknown subject.',
  })
  async exportDataSubject(
    @Args('subjectKind', { type: () => DataSubjectKind }) subjectKind: DataSubjectKind,
    @Args('subjectId', { type: () => ID }) subjectId: string,
    @Context('req') req: FastifyRequest,
  ): Promise<DataSubjectExport | null> {
    const subject: SubjectRef = { kind: subjectKinds[subjectKind], id: entityId('subjectId', subjectId) };
    const viewer = viewerOf(req);
    const found = await this.subjects.find(subject, viewer);
    if (found.outOfScope) {
      // Answered as an unknown subject; only administrators learn of the attempt.
      this.journal.record({ reason: 'outOfScope', operation: 'Query.exportDataSubject', viewer, request: req });
      return null;
    }
    await this.consistency.await(req);
    const exported = found.reference.status === 'none' ? null : await this.exporter.export(subject);
    if (exported === null) return null;
    return {
      format: exported.format,
      json: `${JSON.stringify(exported, null, 2)}\n`,
      html: renderSubjectExportHtml(exported),
      generatedAt: exported.generatedAt,
    };
  }

  private async record(
    subject: SubjectRef,
    input: RecordContactConsentInput | RecordThirdPartyConsentInput,
    req: FastifyRequest,
    operation: string,
  ): Promise<RecordConsentPayload> {
    const meta = this.contexts.create(req, input);
    const { purpose, channel, decision, at, method } = input;
    const command = new RecordConsentCommand({ subject, purpose, channel, decision, at, method, evidence: input.evidence ?? null }, meta, operation);
    return payload(await this.commandBus.execute(command));
  }
}

/**
 * The consents of one data subject as the request's viewer may read them: none
 * when the subject's third party is out of their scope.
 */
@Injectable()
export class SubjectConsents {
  constructor(
    private readonly consents: ConsentQueries,
    private readonly consistency: ReadConsistency,
    private readonly scopes: ThirdPartyScopes,
  ) {}

  async current(req: FastifyRequest, kind: 'contact' | 'thirdParty', id: string, thirdPartyId: string): Promise<Consent[]> {
    await this.consistency.await(req);
    if (!(await this.scopes.canSee(viewerOf(req), thirdPartyId))) return [];
    return (await this.consents.current(kind, id)).map(consentOf);
  }

  async history(
    req: FastifyRequest,
    kind: 'contact' | 'thirdParty',
    id: string,
    thirdPartyId: string,
    first: number | null,
    after: string | null,
  ): Promise<Connection<Consent>> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const visible = await this.scopes.canSee(viewerOf(req), thirdPartyId);
    const page = visible
      ? await this.consents.history(kind, id, { first: size, after })
      : { items: [], endCursor: null, hasNextPage: false, totalCount: 0 };
    return historyConnection(page);
  }
}

/** A contact's consents, as fields of Contact. */
@Resolver(() => Contact)
export class ContactConsentsResolver {
  constructor(private readonly subjects: SubjectConsents) {}

  @ResolveField('consents', () => [Consent], { description: 'The decisions in force, one per purpose and channel; [] when none was recorded.' })
  consentsOf(@Parent() contact: Contact, @Context('req') req: FastifyRequest): Promise<Consent[]> {
    return this.subjects.current(req, 'contact', contact.id, contact.thirdPartyId);
  }

  @ResolveField('consentHistory', () => ConsentConnection, { description: 'Every decision recorded, newest first.' })
  consentHistory(
    @Parent() contact: Contact,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<Connection<Consent>> {
    return this.subjects.history(req, 'contact', contact.id, contact.thirdPartyId, first, after);
  }
}

/** The consents of a third party that is a person, as fields of ThirdParty. */
@Resolver(() => ThirdParty)
export class ThirdPartyConsentsResolver {
  constructor(private readonly subjects: SubjectConsents) {}

  @ResolveField('consents', () => [Consent], {
    description: "The decisions in force of a third party that is a person; its contacts' are on each contact. [] when none was recorded.",
  })
  consentsOf(@Parent() thirdParty: ThirdParty, @Context('req') req: FastifyRequest): Promise<Consent[]> {
    return this.subjects.current(req, 'thirdParty', thirdParty.id, thirdParty.id);
  }

  @ResolveField('consentHistory', () => ConsentConnection, { description: 'Every decision recorded, newest first.' })
  consentHistory(
    @Parent() thirdParty: ThirdParty,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<Connection<Consent>> {
    return this.subjects.history(req, 'thirdParty', thirdParty.id, thirdParty.id, first, after);
  }
}
