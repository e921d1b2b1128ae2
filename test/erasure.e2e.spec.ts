import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BSON, MongoClient } from 'mongodb';
import { ProjectionRunner, projections } from '#projections';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const FORGET = `mutation($input: ForgetDataSubjectInput!) {
  forgetDataSubject(input: $input) {
    position
    certificate {
      subject { kind id } reason reference forgottenAt forgottenBy { id } position keysDestroyed contactsForgotten
      eventsNowUnreadable eventsLeftInClear readModelsErased json
    }
  }
}`;
const CERTIFICATE = `query($kind: DataSubjectKind!, $id: ID!) { erasureCertificate(subjectKind: $kind, subjectId: $id) { json keysDestroyed } }`;
const EXCHANGE = `query($id: ID!) { exchange(id: $id) { id occurredAt mode subject comment author { id } thirdParty { id name kind territory } contacts { id displayName } } }`;
const JOURNAL = `query($id: ID) { auditJournal(first: 50, filter: { entityId: $id }) { edges { node { action actor { id } changes { field from to } } } } }`;
const THIRD_PARTY = `query($id: ID!) { thirdParty(id: $id) { name email phone address { street city } kind territory } }`;
const VERIFY = '{ verifyAuditJournal { ok checkedEvents firstBreak { position reason } } }';
/** A query that waits for every read model to apply the client's last write (`me` does not wait). */
const SETTLE = '{ thirdParties(first: 1) { totalCount } }';

interface Certificate {
  subject: { kind: string; id: string };
  reason: string;
  reference: string | null;
  forgottenAt: string;
  forgottenBy: { id: string };
  position: string;
  keysDestroyed: string[];
  contactsForgotten: string[];
  eventsNowUnreadable: number;
  eventsLeftInClear: number;
  readModelsErased: string[];
  json: string;
}

const JEANNE = { name: 'Jeanne Dupont-Lefèvre', email: 'jeanne.dupont-lefevre@example.fr', phone: '+33 6 12 34 56 78', street: '12 rue des Glycines' };
const OCTAVE = { firstName: 'Octave', lastName: 'Brissac', email: 'octave.brissac@pivert.example', phone: '+33 4 98 76 54 32' };

/**
 * Every way the two people could still be spelled in a file or a collection:
 * as typed, lower-cased, composed and decomposed (NFC, NFD), without accents
 * (the directory's search keys), JSON-escaped, and word by word.
 */
const needles = (): string[] => {
  const texts = [
    JEANNE.name,
    JEANNE.email,
    JEANNE.phone,
    JEANNE.street,
    `${OCTAVE.firstName} ${OCTAVE.lastName}`,
    OCTAVE.email,
    OCTAVE.phone,
    'Jeanne',
    'Dupont',
    'Lefèvre',
    'Glycines',
    'Octave',
    'Brissac',
    'wisteria',
  ];
  const forms = new Set<string>();
  for (const text of texts) {
    for (const form of [text, text.toLowerCase()]) {
      forms.add(form.normalize('NFC'));
      forms.add(form.normalize('NFD'));
      forms.add(form.normalize('NFD').replace(/\p{M}/gu, ''));
      forms.add(JSON.stringify(form).slice(1, -1).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    }
  }
  return [...forms];
};

/** Every file under a directory, as bytes, with its path. */
const filesUnder = (dir: string): { file: string; bytes: Buffer }[] =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [{ file, bytes: readFileSync(file) }];
  });

/** Where each needle is found: `file: needle`; [] when none is anywhere. */
const foundIn = (sources: readonly { file: string; bytes: Buffer }[], words: readonly string[]): string[] =>
  sources.flatMap(({ file, bytes }) => words.filter((word) => bytes.includes(Buffer.from(word, 'utf8'))).map((word) => `${path.basename(file)}: ${word}`));

/** Every document of every collection of the MongoDB database, as extended JSON. */
const mongoDump = async (url: string): Promise<{ file: string; bytes: Buffer }[]> => {
  const client = await MongoClient.connect(url);
  try {
    const db = client.db();
    const collections = await db.listCollections().toArray();
    const dumps: { file: string; bytes: Buffer }[] = [];
    for (const { name } of collections) {
      const docs = await db.collection(name).find({}).toArray();
      dumps.push({ file: `mongodb:${name}`, bytes: Buffer.from(BSON.EJSON.stringify(docs, { relaxed: false }), 'utf8') });
    }
    return dumps;
  } finally {
    await client.close();
  }
};

describe.each(e2eBackends())('forgetting people (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let jeanne: string;
  let pivert: string;
  let octave: string;
  let lucie: string;
  let withJeanne: string;
  let withOctave: string;
  let forgotten: { jeanne: Certificate; octave: Certificate };

  /** Every file of the data directory, and on MongoDB every collection too. */
  const stores = async () => [...filesUnder(suivi.dataDir), ...(mongodbUrl ? await mongoDump(mongodbUrl) : [])];

  const forget = async (subjectKind: string, subjectId: string, reference: string | null): Promise<Certificate> => {
    const { body } = await suivi.graphql<{ forgetDataSubject: { position: string; certificate: Certificate } }>(FORGET, {
      input: { subjectKind, subjectId, reason: 'SUBJECT_REQUEST', reference },
    });
    expect(body.errors).toBeUndefined();
    const { position, certificate } = body.data!.forgetDataSubject;
    expect(certificate.position).toBe(position);
    if (BigInt(position) > BigInt(client.lastPosition)) client.lastPosition = position;
    return certificate;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    client = new SuiviClient(suivi);
    jeanne = (
      await client.must('registerThirdParty', {
        name: JEANNE.name,
        kind: 'INDIVIDUAL',
        roles: ['PROSPECT'],
        territory: 'FR-74',
        email: JEANNE.email,
        phone: JEANNE.phone,
        address: { street: JEANNE.street, postalCode: '74000', city: 'Annecy', country: 'FR' },
      })
    ).thirdParty.id;
    await client.must('updateThirdParty', { thirdPartyId: jeanne, email: 'jeanne@dupont-lefevre.example' });
    pivert = (await client.must('registerThirdParty', { name: 'Atelier Pivert', kind: 'COMPANY', roles: ['CUSTOMER'] })).thirdParty.id;
    octave = (await client.must('addContact', { thirdPartyId: pivert, ...OCTAVE, jobTitle: 'Head of the Brissac workshop' })).contact.id;
    lucie = (await client.must('addContact', { thirdPartyId: pivert, firstName: 'Lucie', lastName: 'Fontaine' })).contact.id;
    withJeanne = (
      await client.must('logExchange', {
        thirdPartyId: jeanne,
        occurredAt: '2026-04-02T09:30:00Z',
        mode: 'visit',
        subject: 'quote',
        comment: `Visited ${JEANNE.name}: she wants wisteria painted on her kitchen`,
        confidentialComment: 'Jeanne hesitates because of the price',
      })
    ).exchange.id;
    withOctave = (
      await client.must('logExchange', {
        thirdPartyId: pivert,
        contactIds: [octave, lucie],
        occurredAt: '2026-04-03T14:00:00Z',
        mode: 'meeting',
        subject: 'order',
        comment: `Met ${OCTAVE.firstName} ${OCTAVE.lastName} (${OCTAVE.email}) and Lucie Fontaine`,
      })
    ).exchange.id;
    await client.must('addNote', { thirdPartyId: jeanne, text: `${JEANNE.name} prefers to be called in the morning` });
    await client.must('addNote', { thirdPartyId: pivert, contactId: octave, text: 'Octave Brissac is away in August' });
    // Everything applied, so the positive control below sees the plaintext where it was.
    await client.read(SETTLE);
  });

  afterAll(async () => {
    await suivi.stop();
  });

  it('finds the people in the read models before they are forgotten (the search below can find them)', async () => {
    expect(foundIn(await stores(), ['Jeanne', 'Brissac']).length).toBeGreaterThan(0);
    // The events were encrypted from the start.
    expect(foundIn(filesUnder(suivi.dataDir).filter(({ file }) => path.basename(file).startsWith('events.')), needles())).toEqual([]);
  });

  it('forgets an individual third party and a company contact, certifying what was erased', async () => {
    forgotten = {
      jeanne: await forget('THIRD_PARTY', jeanne, 'GDPR-2026-0042'),
      octave: await forget('CONTACT', octave, null),
    };
    expect(forgotten.jeanne).toMatchObject({
      subject: { kind: 'THIRD_PARTY', id: jeanne },
      reason: 'SUBJECT_REQUEST',
      reference: 'GDPR-2026-0042',
      forgottenBy: { id: ADMIN_USER_ID },
      keysDestroyed: [`thirdParty:${jeanne}`],
      contactsForgotten: [],
      eventsLeftInClear: 0,
      readModelsErased: projections.filter((p) => p.forgets?.includes('thirdParty')).map((p) => p.name),
    });
    // Her registration, the update, the exchange, the note.
    expect(forgotten.jeanne.eventsNowUnreadable).toBe(4);
    expect(forgotten.octave).toMatchObject({ subject: { kind: 'CONTACT', id: octave }, keysDestroyed: [`contact:${octave}`], eventsNowUnreadable: 3 });
    expect(JSON.parse(forgotten.jeanne.json)).toEqual({
      subject: { kind: 'thirdParty', id: jeanne },
      reason: 'SUBJECT_REQUEST',
      reference: 'GDPR-2026-0042',
      forgottenAt: forgotten.jeanne.forgottenAt,
      forgottenBy: ADMIN_USER_ID,
      position: forgotten.jeanne.position,
      keysDestroyed: [`thirdParty:${jeanne}`],
      contactsForgotten: [],
      eventsNowUnreadable: 4,
      eventsLeftInClear: 0,
      readModelsErased: forgotten.jeanne.readModelsErased,
    });
    const again = await forget('THIRD_PARTY', jeanne, 'another ticket');
    expect(again.json).toBe(forgotten.jeanne.json);
    const { erasureCertificate } = await client.read<{ erasureCertificate: { json: string } }>(CERTIFICATE, { kind: 'CONTACT', id: octave });
    expect(erasureCertificate.json).toBe(forgotten.octave.json);
  });

  it('leaves no trace of them in any file of the data directory or collection of the database', async () => {
    await client.read(SETTLE);
    expect(foundIn(await stores(), needles())).toEqual([]);
    // Only them: the company and its other contact are still there.
    expect(foundIn(await stores(), ['Atelier Pivert', 'Lucie Fontaine']).length).toBeGreaterThan(0);
  });

  it('keeps the history: the exchange, its date, mode and author, and the journal of who did what', async () => {
    const { exchange } = await client.read<{ exchange: Json }>(EXCHANGE, { id: withJeanne });
    expect(exchange).toEqual({
      id: withJeanne,
      occurredAt: '2026-04-02T09:30:00.000Z',
      mode: 'visit',
      subject: 'quote',
      comment: '[erased]',
      author: { id: ADMIN_USER_ID },
      thirdParty: { id: jeanne, name: '[erased]', kind: 'INDIVIDUAL', territory: 'FR-74' },
      contacts: [],
    });
    const other = await client.read<{ exchange: Json }>(EXCHANGE, { id: withOctave });
    expect(other.exchange).toMatchObject({ comment: '[erased]', contacts: [{ id: octave, displayName: '[erased]' }, { id: lucie, displayName: 'Lucie Fontaine' }] });
    const { thirdParty } = await client.read<{ thirdParty: Json }>(THIRD_PARTY, { id: jeanne });
    expect(thirdParty).toEqual({ name: '[erased]', email: '[erased]', phone: '[erased]', address: null, kind: 'INDIVIDUAL', territory: 'FR-74' });
    const journal = await client.read<{ auditJournal: { edges: { node: { action: string; actor: { id: string }; changes: Json[] } }[] } }>(JOURNAL, { id: jeanne });
    expect(journal.auditJournal.edges.map(({ node }) => [node.action, node.actor.id])).toEqual([
      ['ThirdPartyForgotten', ADMIN_USER_ID],
      ['ThirdPartyUpdated', ADMIN_USER_ID],
      ['ThirdPartyRegistered', ADMIN_USER_ID],
    ]);
    expect(journal.auditJournal.edges[1]?.node.changes).toEqual([{ field: 'email', from: '"[erased]"', to: '"[erased]"' }]);
    const verified = await client.read<{ verifyAuditJournal: Json }>(VERIFY);
    expect(verified.verifyAuditJournal).toMatchObject({ ok: true, firstBreak: null });
  });

  it('refuses anything more about them, as about someone unknown', async () => {
    const update = await client.mutate('updateThirdParty', { thirdPartyId: jeanne, name: 'Jeanne again' });
    expect(update.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining('was forgotten') });
    const note = await client.mutate('addNote', { thirdPartyId: pivert, contactId: octave, text: 'Octave is back' });
    expect(note.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.contactId' } });
    const exchange = await client.mutate('logExchange', { thirdPartyId: jeanne, mode: 'phone', subject: 'quote' });
    expect(exchange.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.thirdPartyId' } });
  });

  it('gives the same markers, and still no trace, when every read model is rebuilt from the log', async () => {
    const runner = suivi.app.get(ProjectionRunner);
    for (const projection of projections) await runner.rebuild(projection.name);
    await client.read(SETTLE);
    expect(foundIn(await stores(), needles())).toEqual([]);
    const { exchange } = await client.read<{ exchange: Json }>(EXCHANGE, { id: withJeanne });
    expect(exchange).toMatchObject({ comment: '[erased]', mode: 'visit', author: { id: ADMIN_USER_ID }, thirdParty: { name: '[erased]' } });
    const verified = await client.read<{ verifyAuditJournal: Json }>(VERIFY);
    expect(verified.verifyAuditJournal).toMatchObject({ ok: true, firstBreak: null });
  });
});
