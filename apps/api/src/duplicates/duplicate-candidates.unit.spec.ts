import { describe, expect, it } from '@jest/globals';
import { duplicateCandidates, type CandidateRecord } from './duplicate-candidates.js';

const record = (id: string, name: string, fields: Partial<CandidateRecord> = {}): CandidateRecord => ({
  id,
  name,
  email: null,
  phone: null,
  vatNumber: null,
  country: null,
  ...fields,
});

describe('duplicateCandidates', () => {
  it('pairs records by VAT number, e-mail, phone and company domain, combining the reasons', () => {
    const pairs = duplicateCandidates(
      [
        record('b', 'Boulangerie Martin SARL', { vatNumber: 'FR 40 303 265 045', email: 'Contact@Martin-Pains.fr' }),
        record('a', 'Boulangerie Martin', { vatNumber: 'FR40303265045', email: 'contact@martin-pains.fr' }),
        record('c', 'Transports Rey', { phone: '04 78 00 00 00', country: 'FR' }),
        record('d', 'Rey Logistique', { phone: '+33 4 78 00 00 00' }),
        record('e', 'Garage Dupuis', { email: 'ventes@dupuis-auto.fr' }),
        record('f', 'Garage Dupuy', { email: 'compta@dupuis-auto.fr' }),
      ],
      0.5,
    );
    expect(pairs).toEqual([
      { a: 'a', b: 'b', score: 1, reasons: ['VAT_NUMBER', 'EMAIL', 'DOMAIN_AND_NAME', 'SIMILAR_NAME'] },
      // Names 85% alike but for the domain they share: too far apart alone, close enough with it.
      { a: 'e', b: 'f', score: 0.85, reasons: ['DOMAIN_AND_NAME'] },
      { a: 'c', b: 'd', score: 0.7, reasons: ['PHONE'] },
    ]);
  });

  it('never pairs by a free-mail domain, and leaves out what scores below minScore', () => {
    const records = [
      record('a', 'Jean Dupont', { email: 'jean.dupont@gmail.com' }),
      record('b', 'Jeanne Dupond', { email: 'jeanne.dupond@gmail.com' }),
      record('c', 'Fromagerie Alpine', {}),
      record('d', 'Fromagerie Alpina', {}),
    ];
    const pairs = duplicateCandidates(records, 0);
    expect(pairs.find((pair) => pair.a === 'a')?.reasons ?? []).not.toContain('DOMAIN_AND_NAME');
    expect(pairs.find((pair) => pair.a === 'c')).toMatchObject({ b: 'd', reasons: ['SIMILAR_NAME'] });
    expect(duplicateCandidates(records, 0.9)).toEqual([]);
  });

  it('skips a key shared by a crowd, which says nothing about any pair', () => {
    const crowd = Array.from({ length: 60 }, (_, n) => record(`r${n.toString().padStart(2, '0')}`, `Shop ${n} ${'x'.repeat(n)}`, { phone: '+33478000000' }));
    expect(duplicateCandidates(crowd, 0.5).filter((pair) => pair.reasons.includes('PHONE'))).toEqual([]);
  });

  it('lists each pair once, in a stable order', () => {
    const records = [record('z', 'Atelier Pivert'), record('y', 'Atelier Pivert'), record('x', 'Atelier Pivert')];
    expect(duplicateCandidates(records, 0.5).map((pair) => `${pair.a}-${pair.b}`)).toEqual(['x-y', 'x-z', 'y-z']);
  });
});
