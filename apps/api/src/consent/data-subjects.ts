import { Injectable } from '@nestjs/common';
import { contactDecider, streams, thirdPartyDecider, type ConsentSubjectReference, type ThirdPartyState } from '#domain';
import type { Viewer } from '#security';
import { Aggregates } from '../shared/aggregates.js';

/** A data subject as a GraphQL argument names it. */
export interface SubjectRef {
  readonly kind: 'contact' | 'thirdParty';
  readonly id: string;
}

/** What the lookup found: the reference the consent decider judges, and whether the viewer was refused sight of it. */
export interface FoundSubject {
  /** Out of the viewer's scope, the subject reads as missing (status none). */
  readonly reference: ConsentSubjectReference;
  readonly outOfScope: boolean;
}

const missing = (subject: SubjectRef): ConsentSubjectReference => ({ ...subject, status: 'none', underThirdParty: null, person: true });

/**
 * Finds a data subject on their own stream (a contact's, or a third party's),
 * with the third party that decides who may see them. Read from the streams,
 * not a read model, so that a decision recorded right after a creation, or
 * right after an erasure, is judged on it.
 */
@Injectable()
export class DataSubjects {
  constructor(private readonly aggregates: Aggregates) {}

  async find(subject: SubjectRef, viewer: Viewer | undefined): Promise<FoundSubject> {
    let reference: ConsentSubjectReference;
    let thirdParty: ThirdPartyState;
    if (subject.kind === 'contact') {
      const { state } = await this.aggregates.fold(contactDecider, streams.contact(subject.id));
      if (state.status === 'none') return { reference: missing(subject), outOfScope: false };
      reference = { ...subject, status: state.status, underThirdParty: state.thirdPartyId, person: true };
      thirdParty = (await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(state.thirdPartyId))).state;
    } else {
      thirdParty = (await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(subject.id))).state;
      if (thirdParty.status === 'none') return { reference: missing(subject), outOfScope: false };
      // A merged third party takes consent decisions as an archived one does (a withdrawal is always recorded).
      reference = { ...subject, status: thirdParty.status === 'merged' ? 'archived' : thirdParty.status, underThirdParty: subject.id, person: thirdParty.profile.kind === 'INDIVIDUAL' };
    }
    const visible =
      viewer === undefined || !viewer.scoped || (thirdParty.status !== 'none' && viewer.sees({ territory: thirdParty.profile.territory, ownerId: thirdParty.ownerId }));
    return visible ? { reference, outOfScope: false } : { reference: missing(subject), outOfScope: true };
  }
}
