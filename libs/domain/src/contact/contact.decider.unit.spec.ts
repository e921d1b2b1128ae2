import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../testing/decider-spec.js';
import type { AddContact, ArchiveContact, ForgetContact, ThirdPartyReference, UpdateContact } from './contact.commands.js';
import { contactDecider, contactDisplayName } from './contact.decider.js';
import type { ContactAdded, ContactArchived, ContactForgotten } from './contact.events.js';

const { given, fold } = deciderSpec(contactDecider);

const activeThirdParty: ThirdPartyReference = { thirdPartyId: 'tp-1', status: 'active' };

const add = (data: Partial<AddContact['data']> = {}): AddContact => ({
  type: 'AddContact',
  data: { contactId: 'c-1', thirdParty: activeThirdParty, firstName: 'Anna', lastName: 'Rossi', ...data },
});

const added = (data: Partial<ContactAdded['data']> = {}): ContactAdded => ({
  type: 'ContactAdded',
  data: {
    contactId: 'c-1',
    thirdPartyId: 'tp-1',
    firstName: 'Anna',
    lastName: 'Rossi',
    jobTitle: null,
    email: null,
    phone: null,
    mobile: null,
    preferredLanguage: null,
    preferredChannel: null,
    notes: null,
    addedAt: '2026-03-01T08:00:00.000Z',
    ...data,
  },
});

const archived: ContactArchived = {
  type: 'ContactArchived',
  data: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName: 'Anna Rossi', reason: null },
};

const update = (data: Partial<UpdateContact['data']>): UpdateContact => ({ type: 'UpdateContact', data: { contactId: 'c-1', ...data } });
const archive = (reason?: string | null): ArchiveContact => ({ type: 'ArchiveContact', data: { contactId: 'c-1', reason } });

describe('AddContact', () => {
  it('adds a contact to an active third party with every field present', () => {
    given([]).when(add()).then([added({ addedAt: '2026-03-02T09:30:00.000Z' })]);
  });

  it('records the whole profile, normalised', () => {
    const [event] = given([])
      .when(
        add({
          firstName: ' Anna ',
          lastName: ' Rossi ',
          jobTitle: 'Purchasing manager',
          email: 'Anna.Rossi@Example.IT',
          phone: '+39 02 1234 5678',
          mobile: '+39 333 123 4567',
          preferredLanguage: 'it-it',
          preferredChannel: 'EMAIL',
          notes: 'Prefers mornings.\r\nSpeaks French.',
        }),
      )
      .events();
    expect(event).toEqual(
      added({
        jobTitle: 'Purchasing manager',
        email: 'Anna.Rossi@example.it',
        phone: '+39 02 1234 5678',
        mobile: '+39 333 123 4567',
        preferredLanguage: 'it-IT',
        preferredChannel: 'EMAIL',
        notes: 'Prefers mornings.\nSpeaks French.',
        addedAt: '2026-03-02T09:30:00.000Z',
      }),
    );
  });

  it('accepts a contact known by last name only', () => {
    const [event] = given([]).when(add({ firstName: undefined })).events();
    expect(event?.data).toMatchObject({ firstName: null, lastName: 'Rossi' });
  });

  it('refuses an unknown third party, saying so on thirdPartyId', () => {
    given([])
      .when(add({ thirdParty: { thirdPartyId: 'tp-9', status: 'none' } }))
      .thenInvalid('thirdPartyId', 'thirdPartyId: no third party with id tp-9');
  });

  it('refuses an archived third party', () => {
    given([])
      .when(add({ thirdParty: { thirdPartyId: 'tp-1', status: 'archived' } }))
      .thenInvalid('thirdPartyId', 'thirdPartyId: third party tp-1 is archived');
  });

  it.each<[string, Partial<AddContact['data']>, string]>([
    ['a missing last name', { lastName: undefined as never }, 'lastName'],
    ['a blank last name', { lastName: '  ' }, 'lastName'],
    ['a last name over 200 characters', { lastName: 'x'.repeat(201) }, 'lastName'],
    ['a first name with a newline', { firstName: 'An\nna' }, 'firstName'],
    ['a job title over 200 characters', { jobTitle: 'x'.repeat(201) }, 'jobTitle'],
    ['a malformed email', { email: 'anna.rossi' }, 'email'],
    ['a malformed phone', { phone: 'ext. 42' }, 'phone'],
    ['a malformed mobile', { mobile: 'none' }, 'mobile'],
    ['a malformed language', { preferredLanguage: 'italian!' }, 'preferredLanguage'],
    ['an unknown channel', { preferredChannel: 'FAX' as never }, 'preferredChannel'],
    ['notes over 10,000 characters', { notes: 'x'.repeat(10_001) }, 'notes'],
    ['a control character in the notes', { notes: 'a\u0000b' }, 'notes'],
  ])('refuses %s, naming the field', (_label, data, field) => {
    given([]).when(add(data)).thenInvalid(field);
  });

  it('is a no-op when repeated, and refuses a different contact under the same id', () => {
    given([added()]).when(add()).thenNothing();
    given([added()]).when(add({ lastName: 'Bianchi' })).thenViolates(/already exists/);
  });
});

describe('UpdateContact', () => {
  it('records the changed fields with the display name after the change', () => {
    given([added({ email: 'anna@example.it' })])
      .when(update({ firstName: 'Annamaria', email: 'anna@example.it', jobTitle: 'Buyer' }))
      .then([
        {
          type: 'ContactUpdated',
          data: {
            contactId: 'c-1',
            thirdPartyId: 'tp-1',
            displayName: 'Annamaria Rossi',
            changes: [
              { field: 'firstName', from: 'Anna', to: 'Annamaria' },
              { field: 'jobTitle', from: null, to: 'Buyer' },
            ],
          },
        },
      ]);
  });

  it('clears a field with null and folds the change', () => {
    const when = given([added()]).when(update({ firstName: null }));
    expect(when.events()[0]?.data).toMatchObject({ displayName: 'Rossi', changes: [{ field: 'firstName', from: 'Anna', to: null }] });
    expect(when.state()).toMatchObject({ status: 'active', profile: { firstName: null, lastName: 'Rossi' } });
  });

  it('is a no-op when nothing changes', () => {
    given([added()]).when(update({ firstName: ' Anna ', lastName: 'Rossi' })).thenNothing();
    given([added()]).when(update({})).thenNothing();
  });

  it('refuses to clear the last name and validates like AddContact', () => {
    given([added()]).when(update({ lastName: null as never })).thenInvalid('lastName');
    given([added()]).when(update({ email: 'nope' })).thenInvalid('email');
    given([added()]).when(update({ preferredChannel: 'PIGEON' as never })).thenInvalid('preferredChannel');
  });

  it('refuses an unknown contact', () => {
    given([]).when(update({ jobTitle: 'Buyer' })).thenNotFound('contact', 'c-1');
  });

  it('refuses a change to an archived contact; a no-op stays a no-op', () => {
    given([added(), archived]).when(update({ jobTitle: 'Buyer' })).thenViolates(/archived/);
    given([added(), archived]).when(update({ lastName: 'Rossi' })).thenNothing();
  });
});

describe('ArchiveContact', () => {
  it('archives with the display name and the reason', () => {
    given([added()])
      .when(archive('Left the company'))
      .then([{ type: 'ContactArchived', data: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName: 'Anna Rossi', reason: 'Left the company' } }]);
  });

  it('leaves the contact archived', () => {
    expect(given([added()]).when(archive()).state()).toMatchObject({ status: 'archived', contactId: 'c-1', thirdPartyId: 'tp-1' });
  });

  it('is a no-op the second time', () => {
    given([added(), archived]).when(archive()).thenNothing();
  });

  it('refuses an unknown contact and a bad reason', () => {
    given([]).when(archive()).thenNotFound('contact', 'c-1');
    given([added()]).when(archive('\u0007')).thenInvalid('reason');
  });
});

describe('evolve and display names', () => {
  it('folds a history', () => {
    expect(fold([added(), { type: 'ContactUpdated', data: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName: 'Anna Verdi', changes: [{ field: 'lastName', from: 'Rossi', to: 'Verdi' }] } }])).toEqual({
      status: 'active',
      contactId: 'c-1',
      thirdPartyId: 'tp-1',
      addedAt: '2026-03-01T08:00:00.000Z',
      profile: expect.objectContaining({ firstName: 'Anna', lastName: 'Verdi' }),
    });
  });

  it('names a contact "First Last", or by the last name alone', () => {
    expect(contactDisplayName({ firstName: 'Anna', lastName: 'Rossi' })).toBe('Anna Rossi');
    expect(contactDisplayName({ firstName: null, lastName: 'Rossi' })).toBe('Rossi');
  });
});

describe('ForgetContact', () => {
  const forget = (data: Partial<ForgetContact['data']> = {}): ForgetContact => ({
    type: 'ForgetContact',
    data: { contactId: 'c-1', reason: 'SUBJECT_REQUEST', reference: 'GDPR-42', ...data },
  });
  const forgotten: ContactForgotten = {
    type: 'ContactForgotten',
    data: { contactId: 'c-1', thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: 'GDPR-42', forgottenAt: '2026-03-02T09:30:00.000Z' },
  };

  it('records the erasure with ids, reason, reference and date only', () => {
    given([added()]).when(forget()).then([forgotten]);
  });

  it('forgets an archived contact too, and a reference is optional', () => {
    given([added(), archived])
      .when(forget({ reference: null, reason: 'RETENTION_POLICY' }))
      .then([{ type: 'ContactForgotten', data: { ...forgotten.data, reference: null, reason: 'RETENTION_POLICY' } }]);
  });

  it('is a no-op the second time, so an interrupted erasure can be run again', () => {
    given([added(), forgotten]).when(forget({ reason: 'OTHER' })).thenNothing();
  });

  it('leaves the contact forgotten, keeping its ids', () => {
    expect(given([added()]).when(forget()).state()).toMatchObject({
      status: 'forgotten',
      contactId: 'c-1',
      thirdPartyId: 'tp-1',
      forgottenAt: '2026-03-02T09:30:00.000Z',
    });
    // A late archive in the log cannot bring a forgotten contact back.
    expect(fold([added(), forgotten, archived])).toMatchObject({ status: 'forgotten' });
  });

  it('refuses an unknown contact, a missing or unknown reason and a reference that is not one line of at most 100 characters', () => {
    given([]).when(forget()).thenNotFound('contact', 'c-1');
    given([added()]).when(forget({ reason: undefined as never })).thenInvalid('reason', /required/);
    given([added()]).when(forget({ reason: 'BORED' as never })).thenInvalid('reason');
    given([added()]).when(forget({ reference: 'x'.repeat(101) })).thenInvalid('reference', /100/);
    given([added()]).when(forget({ reference: 'a\nb' })).thenInvalid('reference');
  });

  it('refuses every further command on a forgotten contact with a clear error', () => {
    const history = [added(), forgotten];
    given(history).when(update({ jobTitle: 'Buyer' })).thenViolates(/contact c-1 was forgotten on 2026-03-02 .*no further command/);
    given(history).when(update({})).thenViolates(/forgotten/);
    given(history).when(archive()).thenViolates(/forgotten/);
    given(history).when(add()).thenViolates(/forgotten/);
  });
});
