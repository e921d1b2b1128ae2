import { describe, expect, it } from '@jest/globals';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { AddNote } from './note.commands.js';
import { noteDecider } from './note.decider.js';
import type { NoteAdded } from './note.events.js';

const { given, fold } = deciderSpec(noteDecider);

const add = (data: Partial<AddNote['data']> = {}): AddNote => ({
  type: 'AddNote',
  data: {
    noteId: 'n-1',
    thirdParty: { thirdPartyId: 'tp-1', status: 'active' },
    contact: null,
    text: 'Closed on Mondays.',
    ...data,
  },
});

const added = (data: Partial<NoteAdded['data']> = {}): NoteAdded => ({
  type: 'NoteAdded',
  data: {
    noteId: 'n-1',
    thirdPartyId: 'tp-1',
    contactId: null,
    text: 'Closed on Mondays.',
    addedAt: '2026-03-02T09:30:00.000Z',
    authorId: 'user-1',
    ...data,
  },
});

describe('AddNote', () => {
  it('adds a note on a third party, with the author and the time from the command', () => {
    given([]).when(add(), fixedContext({ actorId: 'user-3' })).then([added({ authorId: 'user-3' })]);
  });

  it('adds a note on a contact of the third party', () => {
    const [event] = given([]).when(add({ contact: { contactId: 'c-1', thirdPartyId: 'tp-1', archived: false } })).events();
    expect(event?.data.contactId).toBe('c-1');
  });

  it('keeps line breaks and tabs, trimmed', () => {
    const [event] = given([]).when(add({ text: '  Line 1\r\n\tLine 2  ' })).events();
    expect(event?.data.text).toBe('Line 1\n\tLine 2');
  });

  it('folds into an added note', () => {
    expect(fold([added()])).toEqual({
      status: 'added',
      noteId: 'n-1',
      thirdPartyId: 'tp-1',
      contactId: null,
      text: 'Closed on Mondays.',
      addedAt: '2026-03-02T09:30:00.000Z',
      authorId: 'user-1',
    });
  });

  it('folds a note recorded without its author', () => {
    const { authorId: _unused, ...withoutAuthor } = added().data;
    expect(fold([{ type: 'NoteAdded', data: withoutAuthor }])).toMatchObject({ status: 'added', authorId: null });
  });

  it.each<[string, Partial<AddNote['data']>, string, string | RegExp]>([
    ['a missing third party', { thirdParty: null }, 'thirdPartyId', 'thirdPartyId: is required'],
    ['an unknown third party', { thirdParty: { thirdPartyId: 'tp-9', status: 'none' } }, 'thirdPartyId', 'thirdPartyId: no third party with id tp-9'],
    ['an archived third party', { thirdParty: { thirdPartyId: 'tp-1', status: 'archived' } }, 'thirdPartyId', /archived/],
    ['an unknown contact', { contact: { contactId: 'c-9', thirdPartyId: null, archived: false } }, 'contactId', 'contactId: no contact with id c-9'],
    ['a contact of another third party', { contact: { contactId: 'c-7', thirdPartyId: 'tp-2', archived: false } }, 'contactId', /another third party/],
    ['an archived contact', { contact: { contactId: 'c-1', thirdPartyId: 'tp-1', archived: true } }, 'contactId', /archived/],
    ['an empty text', { text: ' \n ' }, 'text', /must not be empty/],
    ['a text over 10,000 characters', { text: 'x'.repeat(10_001) }, 'text', /at most 10000/],
    ['a control character', { text: 'a\u0007b' }, 'text', /control characters/],
    ['a lone surrogate', { text: '\udc00' }, 'text', /valid Unicode/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(add(data)).thenInvalid(field, message);
  });

  it('accepts a text of exactly 10,000 characters', () => {
    expect(given([]).when(add({ text: 'x'.repeat(10_000) })).events()).toHaveLength(1);
  });

  it('is a no-op when repeated; a different note under the same id is a conflict', () => {
    given([added()]).when(add()).thenNothing();
    given([added()]).when(add({ text: 'Open on Mondays.' })).thenViolates(/already exists/);
  });
});
