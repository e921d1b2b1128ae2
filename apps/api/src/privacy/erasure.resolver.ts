import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { contactDecider, NotFound, streams, thirdPartyDecider } from '#domain';
import { canonicalJson } from '#projections';
import { DataSubjectErasure, type DataSubjectRef, type ErasureCertificate as Certificate, type Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { DataSubjectKind } from '../consent/consent.types.js';
import { user } from '../graphql/common.types.js';
import { Aggregates } from '../shared/aggregates.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId } from '../shared/input.js';
import { ErasureCertificate, ForgetDataSubjectInput, ForgetDataSubjectPayload } from './erasure.types.js';

const kinds: Record<DataSubjectKind, DataSubjectRef['kind']> = { CONTACT: 'contact', THIRD_PARTY: 'thirdParty' };
const graphqlKinds: Record<DataSubjectRef['kind'], DataSubjectKind> = { contact: DataSubjectKind.CONTACT, thirdParty: DataSubjectKind.THIRD_PARTY };

/** The certificate as the API shows it, and as canonical JSON for the archive. */
export const toCertificate = (certificate: Certificate): ErasureCertificate => ({
  subject: { kind: graphqlKinds[certificate.subject.kind], id: certificate.subject.id },
  reason: certificate.reason,
  reference: certificate.reference,
  forgottenAt: certificate.forgottenAt,
  forgottenBy: user(certificate.forgottenBy),
  position: certificate.position,
  keysDestroyed: certificate.keysDestroyed,
  contactsForgotten: certificate.contactsForgotten,
  eventsNowUnreadable: certificate.eventsNowUnreadable,
  eventsLeftInClear: certificate.eventsLeftInClear,
  readModelsErased: certificate.readModelsErased,
  json: canonicalJson(certificate),
});

/**
 * Forgetting a person (GDPR right to erasure): the erasure is recorded and the
 * keys destroyed before the answer; the read models replace the person's data
 * with markers once they have applied the erasure event, which a client waits
 * for by sending the answer's position back (x-suivi-consistent-with). Needs
 * `privacy.manage`. For a user limited to some third parties, a person out of
 * their scope is unknown, as everywhere else.
 */
@Resolver()
export class ErasureResolver {
  constructor(
    private readonly erasure: DataSubjectErasure,
    private readonly contexts: CommandContextFactory,
    private readonly aggregates: Aggregates,
    private readonly securityJournal: SecurityJournal,
  ) {}

  @Mutation(() => ForgetDataSubjectPayload, {
    description:
      'Forgets a person: a contact, or a third party and every contact of it. Their keys are destroyed, so their personal data ' +
      'reads "[erased]" in every event and, once the read models have applied the answer\'s position, in every list; what ' +
      'happened (an exchange, its date, who logged it) stays. Running it again changes nothing and returns the certificate. ' +
      'Needs permission privacy.manage.',
  })
  async forgetDataSubject(@Args('input') input: ForgetDataSubjectInput, @Context('req') req: FastifyRequest): Promise<ForgetDataSubjectPayload> {
    const meta = this.contexts.create(req, input);
    const subject = { kind: kinds[input.subjectKind], id: entityId('subjectId', input.subjectId) };
    await this.requireInScope(subject, viewerOf(req), req, 'Mutation.forgetDataSubject');
    const certificate = await this.erasure.forget({ subject, reason: input.reason, reference: input.reference ?? null }, meta.context);
    return { position: certificate.position, certificate: toCertificate(certificate) };
  }

  @Query(() => ErasureCertificate, {
    nullable: true,
    description: 'The certificate of a person forgotten earlier, rebuilt from the log; null when they were not forgotten. Needs permission privacy.manage.',
  })
  async erasureCertificate(
    @Args('subjectKind', { type: () => DataSubjectKind }) subjectKind: DataSubjectKind,
    @Args('subjectId', { type: () => ID }) subjectId: string,
    @Context('req') req: FastifyRequest,
  ): Promise<ErasureCertificate | null> {
    const subject = { kind: kinds[subjectKind], id: entityId('subjectId', subjectId) };
    try {
      await this.requireInScope(subject, viewerOf(req), req, 'Query.erasureCertificate');
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
    const certificate = await this.erasure.certificate(subject);
    return certificate === null ? null : toCertificate(certificate);
  }

  /** Out of a scoped viewer's scope, a person is answered as unknown; administrators learn of the attempt. */
  private async requireInScope(subject: DataSubjectRef, viewer: Viewer, req: FastifyRequest, operation: string): Promise<void> {
    if (!viewer.scoped) return;
    let thirdPartyId = subject.id;
    if (subject.kind === 'contact') {
      const { state } = await this.aggregates.fold(contactDecider, streams.contact(subject.id));
      // Unknown: the erasure itself says so, in the same words.
      if (state.status === 'none') return;
      thirdPartyId = state.thirdPartyId;
    }
    const { state } = await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(thirdPartyId));
    if (state.status === 'none' || viewer.sees({ territory: state.profile.territory, ownerId: state.ownerId })) return;
    this.securityJournal.record({ reason: 'outOfScope', operation, viewer, request: req });
    throw new NotFound(subject.kind === 'contact' ? 'contact' : 'third party', subject.id);
  }
}
