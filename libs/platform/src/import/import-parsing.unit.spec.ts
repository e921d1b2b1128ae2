import { describe, expect, it } from '@jest/globals';
import { defaultCatalogue, type Catalogue } from '#domain';
import { detectDelimiter, parseImportTable } from './csv-table.js';
import { decodeImportFile, parseImportEncoding } from './decode.js';
import { MalformedImportFile } from './import-errors.js';
import { parseMapEntries, resolveMapping } from './mapping.js';
import { countryCell, customFieldCell, kindCell, rolesCell } from './values.js';

describe('reading the bytes', () => {
  it('UTF-8 with and without BOM, Windows-1252 when not UTF-8, UTF-16 by its mark', () => {
    expect(decodeImportFile(Buffer.from('Nom\nCafé\n', 'utf8'))).toEqual({ text: 'Nom\nCafé\n', encoding: 'utf-8', bom: false });
    expect(decodeImportFile(Buffer.from('\uFEFFNom\nCafé\n', 'utf8'))).toEqual({ text: 'Nom\nCafé\n', encoding: 'utf-8', bom: true });
    expect(decodeImportFile(Buffer.from('Nom\nCafé — 5 €\n', 'latin1'))).toMatchObject({ encoding: 'windows-1252' });
    expect(decodeImportFile(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]))).toMatchObject({ text: 'Café €', encoding: 'windows-1252' });
    expect(decodeImportFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Nom\tVille\n', 'utf16le')]))).toEqual({
      text: 'Nom\tVille\n',
      encoding: 'utf-16le',
      bom: true,
    });
  });

  it('refuses what is not text, naming the line and column', () => {
    expect(() => decodeImportFile(Buffer.from('Nom\nCaf\xe9\n', 'latin1'), 'utf-8')).toThrow(new MalformedImportFile(2, '4', 'byte 0xE9 is not UTF-8'));
    expect(() => decodeImportFile(Buffer.from('Nom\nA\u0000B\n', 'utf8'))).toThrow('line 2, column 2: character U+0000 is not text');
    expect(() => decodeImportFile(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toThrow('UTF-16 big-endian');
    expect(parseImportEncoding('Latin-1')).toBe('windows-1252');
    expect(() => parseImportEncoding('ebcdic')).toThrow('encoding "ebcdic" is not supported');
  });
});

describe('reading the table', () => {
  it('detects the delimiter from the first lines, quotes aside', () => {
    expect(detectDelimiter('Nom;Ville\nA;Paris\n')).toBe(';');
    expect(detectDelimiter('Nom\tVille\tPays\nA\tParis\tFR\n')).toBe('\t');
    expect(detectDelimiter('Nom|Ville\n"A, B"|Paris\n')).toBe('|');
    expect(detectDelimiter('"Nom; complet",Ville\n"Dupont; Fils",Lyon\n')).toBe(',');
    expect(detectDelimiter('Nom\nAcme\n')).toBe(',');
  });

  it('numbers records by the line they start on, quoted newlines included; skips blank and delimiter-only lines', () => {
    const table = parseImportTable('Nom;Note\r\nA;"deux\r\nlignes"\r\n\r\nB;x\r\n;;\r\n', ';');
    expect(table.header).toEqual(['Nom', 'Note']);
    expect(table.rows).toEqual([
      { line: 2, cells: ['A', 'deux\nlignes'] },
      { line: 5, cells: ['B', 'x'] },
    ]);
  });

  it('fails on bad quoting with the line and the column header', () => {
    expect(() => parseImportTable('Nom;Ville\nA;"Paris\nB;Lyon\n', ';')).toThrow(/^line 3, column 2 \(Ville\): a quoted field is never closed \(the quote opens on this line or before it\)$/);
    expect(() => parseImportTable('Nom;Ville\nA;Pa"ris\n', ';')).toThrow('line 2, column 2 (Ville): a quote appears inside an unquoted field');
  });
});

describe('mapping columns to fields', () => {
  const catalogue: Catalogue = { ...defaultCatalogue, customFields: [{ key: 'sector', label: 'Secteur d’activité', type: 'STRING' }] };

  it('recognises French, Italian and English headers and custom fields by label; explicit entries win', () => {
    const header = ['Ragione sociale', 'Partita IVA', 'E-mail', 'CAP', 'Città', 'Secteur d’activité', 'Code client'];
    expect([...resolveMapping('thirdParties', header, {}, catalogue)]).toEqual([
      [0, 'name'], [1, 'vatNumber'], [2, 'email'], [3, 'address.postalCode'], [4, 'address.city'], [5, 'customFields.sector'],
    ]);
    expect(resolveMapping('thirdParties', header, parseMapEntries(['code client=name', 'Ragione sociale=-']), catalogue).get(6)).toBe('name');
    expect([...resolveMapping('contacts', ['Società', 'Nome', 'Cognome', 'Cellulare'], {}, catalogue).values()]).toEqual(['thirdParty', 'firstName', 'lastName', 'mobile']);
  });

  it('refuses a mapping naming a missing column or an unknown field', () => {
    expect(() => resolveMapping('thirdParties', ['Nom'], { Société: 'name' }, catalogue)).toThrow('mapping: column "Société" is not in the file (its columns: Nom)');
    expect(() => resolveMapping('thirdParties', ['Nom'], { Nom: 'nom' }, catalogue)).toThrow(/^mapping: "nom" is not a field of thirdParties/);
    expect(() => parseMapEntries(['Nom'])).toThrow('map: "Nom" is not COLUMN=field');
  });
});

describe('reading cells', () => {
  it('as spreadsheets write them', () => {
    expect(kindCell('Société')).toBe('COMPANY');
    expect(kindCell('privato')).toBe('INDIVIDUAL');
    expect(rolesCell('Client; Fournisseur')).toEqual(['CUSTOMER', 'SUPPLIER']);
    expect(() => rolesCell('ami')).toThrow('"ami" is not a role');
    expect(countryCell('Italie')).toBe('IT');
    expect(countryCell('Deutschland')).toBe('DE');
    expect(countryCell('fr')).toBe('FR');
    expect(() => countryCell('Atlantide')).toThrow('"Atlantide" is not a country');
    expect(customFieldCell({ key: 'n', label: 'n', type: 'NUMBER' }, '1 234,50')).toBe(1234.5);
    expect(customFieldCell({ key: 'd', label: 'd', type: 'DATE' }, '3/1/2026')).toBe('2026-01-03');
    expect(customFieldCell({ key: 'b', label: 'b', type: 'BOOLEAN' }, 'Sì')).toBe(true);
    expect(customFieldCell({ key: 'b', label: 'b', type: 'BOOLEAN' }, ' ')).toBeUndefined();
  });
});
