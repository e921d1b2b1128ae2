import { describe, expect, it } from '@jest/globals';
import {
  emailDomain,
  isFreeMailDomain,
  normaliseCompanyName,
  normaliseEmail,
  normalisePhone,
  normaliseVatNumber,
} from './normalise.js';
import { MatchIndex, matchKeysOf, parseMatchKeyOrder } from './match-keys.js';
import { NameIndex, nameSimilarity } from './similarity.js';

describe('normalisers', () => {
  it('emails: trimmed, lower case, IDN domain in ASCII', () => {
    expect(normaliseEmail('  Marie.Dupont@Acme.FR ')).toBe('marie.dupont@acme.fr');
    expect(normaliseEmail('info@münchen.de')).toBe('info@xn--mnchen-3ya.de');
    expect(normaliseEmail('info@xn--mnchen-3ya.de')).toBe(normaliseEmail('INFO@MÜNCHEN.DE'));
    expect(normaliseEmail('mailto:a@b.it')).toBe('a@b.it');
    expect(normaliseEmail('not an email')).toBeNull();
    expect(normaliseEmail('a@localhost')).toBeNull();
    expect(normaliseEmail('')).toBeNull();
    expect(emailDomain('x@Orange.fr')).toBe('orange.fr');
  });

  it('free-mail domains, by exact domain or provider under any suffix', () => {
    for (const d of ['gmail.com', 'orange.fr', 'libero.it', 'yahoo.fr', 'hotmail.it', 'GMX.DE']) expect(isFreeMailDomain(d)).toBe(true);
    for (const d of ['acme.fr', 'orange-business.com', 'yahooligans.org']) expect(isFreeMailDomain(d)).toBe(false);
  });

  it('phones to E.164 with a default country; international prefixes win', () => {
    expect(normalisePhone('01 23 45 67 89', 'FR')).toBe('+33123456789');
    expect(normalisePhone('+33 (0)1 23 45 67 89', 'IT')).toBe('+33123456789');
    expect(normalisePhone('0033 1 23 45 67 89', null)).toBe('+33123456789');
    expect(normalisePhone('06 1234 5678', 'IT')).toBe('+390612345678');
    expect(normalisePhone('01 23 45 67 89', null)).toBeNull();
    expect(normalisePhone('n/a', 'FR')).toBeNull();
  });

  it('VAT numbers: spaces and dots stripped, upper case, country prefix added', () => {
    expect(normaliseVatNumber('fr 12.345 678 901')).toBe('FR12345678901');
    expect(normaliseVatNumber('12345678901', 'IT')).toBe('IT12345678901');
    expect(normaliseVatNumber('094014298', 'GR')).toBe('EL094014298');
    expect(normaliseVatNumber('12345678901', null)).toBeNull();
    expect(normaliseVatNumber('unknown', 'FR')).toBeNull();
  });

  it('company names: case, accents, punctuation and legal forms removed', () => {
    expect(normaliseCompanyName('Société Générale S.A.')).toBe('societe generale');
    expect(normaliseCompanyName('SOCIETE GENERALE')).toBe('societe generale');
    expect(normaliseCompanyName('Ferrari S.p.A.')).toBe('ferrari');
    expect(normaliseCompanyName('ferrari spa')).toBe('ferrari');
    expect(normaliseCompanyName('Dupont & Fils, SARL')).toBe('dupont fils');
    expect(normaliseCompanyName('Müller GmbH')).toBe('muller');
    expect(normaliseCompanyName('Acme Ltd.')).toBe('acme');
    expect(normaliseCompanyName('Rossi S.r.l.')).toBe('rossi');
    expect(normaliseCompanyName('SAS')).toBe('');
  });
});

describe('match keys', () => {
  const record = { name: 'Acme SARL', email: 'Contact@Acme.fr', phone: '01 23 45 67 89', vatNumber: 'FR 12 345678901' };

  it('in the default order, strongest first', () => {
    expect(matchKeysOf(record, { defaultCountry: 'FR' })).toEqual([
      { kind: 'vatNumber', value: 'FR12345678901' },
      { kind: 'email', value: 'contact@acme.fr' },
      { kind: 'domainAndName', value: 'acme.fr|acme' },
      { kind: 'phone', value: '+33123456789' },
    ]);
  });

  it('in a configured order, only the kinds asked for', () => {
    expect(matchKeysOf(record, { defaultCountry: 'FR', order: parseMatchKeyOrder('phone, email') }).map((k) => k.kind)).toEqual(['phone', 'email']);
    expect(() => parseMatchKeyOrder('email,siren')).toThrow('unknown match key "siren"');
  });

  it('never on a free-mail domain', () => {
    const keys = matchKeysOf({ name: 'Acme', email: 'acme.contact@gmail.com' });
    expect(keys.map((k) => k.kind)).toEqual(['email']);
  });

  it('an index finds the first key another record holds, and forgets re-keyed ones', () => {
    const index = new MatchIndex<string>({ defaultCountry: 'FR' });
    index.add('tp-1', { name: 'Acme', email: 'sales@acme.fr' });
    index.add('tp-2', { name: 'Beta', vatNumber: 'FR99999999999', phone: '+33 1 23 45 67 89' });
    expect(index.find({ name: 'ACME S.A.', email: 'info@acme.fr' })).toEqual({ id: 'tp-1', key: { kind: 'domainAndName', value: 'acme.fr|acme' } });
    expect(index.find({ name: 'Other', email: 'sales@acme.fr', vatNumber: 'fr 99999999999' })?.id).toBe('tp-2');
    expect(index.find({ name: 'Acme', email: 'acme@gmail.com' })).toBeNull();
    index.add('tp-2', { name: 'Beta' });
    expect(index.find({ vatNumber: 'FR99999999999' })).toBeNull();
    expect(index.find({ phone: '0123456789' })).toBeNull();
    // extend keeps the keys a record had: a later line still finds it by its old email.
    index.extend('tp-1', { name: 'Acme', email: 'new@acme-group.com' });
    expect(index.find({ email: 'sales@acme.fr' })?.id).toBe('tp-1');
    expect(index.find({ email: 'NEW@acme-group.com' })?.id).toBe('tp-1');
  });
});

describe('fuzzy names', () => {
  it('scores near-duplicates high and different names low', () => {
    expect(nameSimilarity('Boulangerie Martin SARL', 'boulangerie martin')).toBe(1);
    expect(nameSimilarity('Boulangerie Martin', 'Boulangeri Martin')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Acme', 'Zenith')).toBeLessThan(0.5);
    expect(nameSimilarity('', 'Acme')).toBe(0);
    // Numbers tell branches apart, however close the rest.
    expect(nameSimilarity('Agence Martin 12', 'Agence Martin 13')).toBe(0);
    expect(nameSimilarity('Agence Martin 12', 'Agence Martin 12 SAS')).toBe(1);
  });

  it('suggests candidates above the threshold, best first', () => {
    const names = new NameIndex<string>();
    names.add('a', 'Boulangerie Martin');
    names.add('b', 'Boulangerie Marin');
    names.add('c', 'Garage Martin');
    const found = names.similar('Boulangerie Martin SAS');
    expect(found.map((c) => c.id)).toEqual(['a', 'b']);
    expect(found[0]?.score).toBe(1);
    expect(names.similar('Transports Bianchi')).toEqual([]);
  });
});
