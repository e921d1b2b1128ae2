import { describe, expect, it } from '@jest/globals';
import {
  mayContact,
  streams,
  type ConsentRecorded,
  type ContactForgotten,
  type NoteAdded,
  type ThirdPartyForgotten,
  type ThirdPartyRegistered,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import { evolveDirectory, type DirectoryEntry } from '../directory/directory.projection.js';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { consentsProjection, consentTerm, evolveConsents, type ConsentsEntry } from './consents.projection.js';

let position = 0n;
const revisions = new Map<string, bigint>();

const consent = (over: Partial<ConsentRecorded['data']> = {}): EventEnvelope<ConsentRecorded> => {
  const data: ConsentRecorded['data'] = {
    subjectKind: 'contact',
    subjectId: 'c-1',
    thirdPartyId: 'tp-1',
    purpose: 'MARKETING_EMAIL',
    channel: 'EMAIL',
    decision: 'GIVEN',
    expressedAt: '2025-03-01T10:00:00.000Z',
    method: 'FORM',
    evidence: { formId: 'f-1', ipAddress: '203.0.113.7', textShown: 'Yes', documentRef: null },
    recordedAt: '2025-03-04T10:00:00.000Z',
    recordedBy: 'user-1',
    ...over,
  };
  const streamName = streams.consent(data.subjectKind, data.subjectId);
  const revision = revisions.get(streamName) ?? 0n;
  revisions.set(streamName, revision + 1n);
  position += 1n;
  return envelopeOf<ConsentRecorded>({ type: 'ConsentRecorded', data }, { streamName, revision, position });
};

describe('consents projection', () => {
  it('keeps every decision of a subject, those in force, and their filter terms', () => {
    const given = consent();
    // Signed on paper before the e-mail consent, entered after it: the consent stays in force.
    const paper = consent({ decision: 'OBJECTED', expressedAt: '2025-02-01T10:00:00.000Z', method: 'PAPER', evidence: null });
    const sms = consent({ purpose: 'MARKETING_SMS', channel: 'ANY', decision: 'WITHDRAWN', method: 'PHONE', evidence: null });
    const other = consent({ subjectKind: 'thirdParty', subjectId: 'tp-2', thirdPartyId: 'tp-2' });
    const docs = docsOf(foldProjection(consentsProjection, [given, paper, sms, other]));
    expect(Object.keys(docs)).toEqual(['contact:c-1', 'thirdParty:tp-2']);
    const entry = docs['contact:c-1']!;
    expect(entry).toMatchObject({ subjectKind: 'contact', subjectId: 'c-1', thirdPartyId: 'tp-1', lastPosition: sms.position.toString() });
    expect(entry.history.map((d) => `${d.decision}@${d.position}`)).toEqual([
      `GIVEN@${given.position}`,
      `OBJECTED@${paper.position}`,
      `WITHDRAWN@${sms.position}`,
    ]);
    expect(entry.current.map((d) => `${d.purpose}:${d.channel}:${d.decision}`)).toEqual(['MARKETING_EMAIL:EMAIL:GIVEN', 'MARKETING_SMS:ANY:WITHDRAWN']);
    const { subjectKind: _kind, subjectId: _id, thirdPartyId: _thirdParty, ...decision } = given.data;
    expect(entry.current[0]).toStrictEqual({ ...decision, position: given.position.toString() });
    expect(entry.terms).toEqual(['MARKETING_EMAIL:EMAIL:GIVEN', 'MARKETING_EMAIL:GIVEN', 'MARKETING_SMS:ANY:WITHDRAWN', 'MARKETING_SMS:WITHDRAWN']);
    // What the read model says in force is what the follow-up engine can ask about.
    expect(mayContact(entry.current, 'MARKETING_EMAIL', 'EMAIL')).toBe(true);
    expect(mayContact(entry.current, 'MARKETING_SMS', 'SMS')).toBe(false);
  });

  it('applied twice, the same events yield the same documents', () => {
    const events = [consent(), consent({ decision: 'WITHDRAWN', expressedAt: '2025-03-02T10:00:00.000Z' })];
    const once = foldProjection(consentsProjection, events);
    expect(docsOf(foldProjection(consentsProjection, events, once))).toEqual(docsOf(once));
    expect(docsOf(once)['contact:c-1']?.history).toHaveLength(2);
  });

  it('keeps a decision whose evidence was erased, without it', () => {
    const entry = evolveConsents(null, consent({ evidence: null })) as ConsentsEntry;
    expect(entry.current[0]?.evidence).toBeNull();
  });

  it('drops the entry of a forgotten contact or third party, and only theirs', () => {
    const ofContact = consent();
    const ofThirdParty = consent({ subjectKind: 'thirdParty', subjectId: 'tp-2', thirdPartyId: 'tp-2' });
    const ofOther = consent({ subjectId: 'c-2' });
    const contactForgotten = envelopeOf<ContactForgotten>(
      { type: 'ContactForgotten', data: { contactId: 'c-1', thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2025-04-01T00:00:00.000Z' } },
      { streamName: 'contact-c-1', revision: 3n, position: (position += 1n) },
    );
    const thirdPartyForgotten = envelopeOf<ThirdPartyForgotten>(
      { type: 'ThirdPartyForgotten', data: { thirdPartyId: 'tp-2', reason: 'RETENTION_POLICY', reference: 'T-1', forgottenAt: '2025-04-01T00:00:00.000Z', contactIds: [] } },
      { streamName: 'thirdParty-tp-2', revision: 5n, position: (position += 1n) },
    );
    const state = foldProjection(consentsProjection, [ofContact, ofThirdParty, ofOther, contactForgotten, thirdPartyForgotten]);
    expect(Object.keys(docsOf(state))).toEqual(['contact:c-2']);
    // A tombstone at the erasure's position: a late re-delivery of an older decision cannot bring the entry back.
    expect(state.get('contact:c-1')).toEqual({ doc: null, position: contactForgotten.position });
    expect(docsOf(foldProjection(consentsProjection, [ofContact], state))).toEqual(docsOf(state));
  });

  it('ignores the events of other streams', () => {
    const note = envelopeOf<NoteAdded>(
      { type: 'NoteAdded', data: { noteId: 'n-1', thirdPartyId: 'tp-1', contactId: 'c-1', text: 'x', addedAt: '2025-03-05T00:00:00.000Z' } },
      { streamName: 'note-n-1', revision: 0n, position: 999n },
    );
    expect(consentsProjection.canHandle(note.type)).toBe(false);
    expect(evolveConsents(null, note)).toBeNull();
  });

  it('spells a filter term for one channel, or for any', () => {
    expect(consentTerm('NEWSLETTER', 'OBJECTED', 'ANY')).toBe('NEWSLETTER:ANY:OBJECTED');
    expect(consentTerm('NEWSLETTER', 'OBJECTED')).toBe('NEWSLETTER:OBJECTED');
  });
});

describe('the directory’s consent terms', () => {
  const registered = (): DirectoryEntry =>
    evolveDirectory(
      null,
      envelopeOf<ThirdPartyRegistered>(
        {
          type: 'ThirdPartyRegistered',
          data: {
            thirdPartyId: 'tp-2',
            name: 'Marie Curie',
            kind: 'INDIVIDUAL',
            roles: ['PROSPECT'],
            prospectStatus: 'TO_CONTACT',
            leadSource: null,
            territory: null,
            vatNumber: null,
            email: null,
            phone: null,
            website: null,
            address: null,
            paymentTerms: null,
            customFields: {},
            registeredAt: '2025-01-01T00:00:00.000Z',
            ownerId: null,
            categories: [],
            tags: [],
          },
        },
        { streamName: 'thirdParty-tp-2', revision: 0n, position: 1n },
      ),
    ) as DirectoryEntry;

  it('follows the decisions in force about the third party itself, without moving its version', () => {
    const entry = registered();
    const given = consent({ subjectKind: 'thirdParty', subjectId: 'tp-2', thirdPartyId: 'tp-2', expressedAt: '2025-03-01T10:00:00.000Z' });
    const objected = consent({ subjectKind: 'thirdParty', subjectId: 'tp-2', thirdPartyId: 'tp-2', decision: 'OBJECTED', expressedAt: '2025-03-02T10:00:00.000Z' });
    const after = evolveDirectory(evolveDirectory(entry, given), objected)!;
    expect(after.consentTerms).toEqual(['MARKETING_EMAIL:EMAIL:OBJECTED', 'MARKETING_EMAIL:OBJECTED']);
    expect(after.consents).toEqual([{ purpose: 'MARKETING_EMAIL', channel: 'EMAIL', decision: 'OBJECTED', expressedAt: '2025-03-02T10:00:00.000Z' }]);
    expect(after).toMatchObject({ version: entry.version, updatedAt: entry.updatedAt, lastPosition: objected.position.toString() });
  });

  it('leaves the third party of a contact untouched by the contact’s decisions', () => {
    const entry = registered();
    const ofContact = consent({ subjectKind: 'contact', subjectId: 'c-9', thirdPartyId: 'tp-2' });
    expect(evolveDirectory(entry, ofContact)).toBe(entry);
  });
});
