import { Injectable } from '@nestjs/common';
import {
  contactDecider,
  streams,
  thirdPartyDecider,
  type ContactReference,
  type ThirdPartyReference,
} from '#domain';
import { Aggregates } from './aggregates.js';

/**
 * The facts a command needs about other aggregates (does the third party exist,
 * is it archived; which third party does a contact belong to), read from their
 * streams at decision time and handed to the decider, which judges them.
 */
@Injectable()
export class References {
  constructor(private readonly aggregates: Aggregates) {}

  async thirdParty(thirdPartyId: string): Promise<ThirdPartyReference> {
    const { state } = await this.aggregates.fold(thirdPartyDecider, streams.thirdParty(thirdPartyId));
    return state.status === 'merged' ? { thirdPartyId, status: 'merged', mergedInto: state.mergedInto } : { thirdPartyId, status: state.status };
  }

  async contact(contactId: string): Promise<ContactReference> {
    const { state } = await this.aggregates.fold(contactDecider, streams.contact(contactId));
    // A forgotten contact is found as none: nothing may be recorded about them any more.
    return state.status === 'none' || state.status === 'forgotten'
      ? { contactId, thirdPartyId: null, archived: false }
      : { contactId, thirdPartyId: state.thirdPartyId, archived: state.status === 'archived' };
  }

  contacts(contactIds: readonly string[]): Promise<ContactReference[]> {
    return Promise.all(contactIds.map((id) => this.contact(id)));
  }
}
