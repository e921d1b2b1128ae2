import type { CustomFieldDefinition, CustomFieldValue, ThirdPartyKind, ThirdPartyRole } from '#domain';
import { headerKey } from './mapping.js';

/**
 * Cell values as spreadsheets hold them → the values commands take. Each
 * returns undefined for an empty cell (the field is left as it is: an import
 * fills and corrects, it never blanks a field because a column was empty) and
 * throws CellError for a value it cannot read.
 */
export class CellError extends Error {}

export const cellText = (raw: string | undefined): string | undefined => {
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const kindWords = new Map<string, ThirdPartyKind>(
  Object.entries({
    company: 'COMPANY', societe: 'COMPANY', entreprise: 'COMPANY', organisation: 'COMPANY', personnemorale: 'COMPANY', azienda: 'COMPANY', societa: 'COMPANY', impresa: 'COMPANY', business: 'COMPANY',
    individual: 'INDIVIDUAL', particulier: 'INDIVIDUAL', personne: 'INDIVIDUAL', personnephysique: 'INDIVIDUAL', privato: 'INDIVIDUAL', persona: 'INDIVIDUAL', personafisica: 'INDIVIDUAL', person: 'INDIVIDUAL', private: 'INDIVIDUAL',
  }),
);

export function kindCell(raw: string | undefined): ThirdPartyKind | undefined {
  const value = cellText(raw);
  if (value === undefined) return undefined;
  const found = kindWords.get(headerKey(value));
  if (found === undefined) throw new CellError(`"${value}" is not a kind (COMPANY or INDIVIDUAL)`);
  return found;
}

const roleWords = new Map<string, ThirdPartyRole>(
  Object.entries({
    prospect: 'PROSPECT', prospects: 'PROSPECT', lead: 'PROSPECT', potentiel: 'PROSPECT', potenziale: 'PROSPECT', prospetto: 'PROSPECT',
    customer: 'CUSTOMER', client: 'CUSTOMER', clients: 'CUSTOMER', cliente: 'CUSTOMER', clienti: 'CUSTOMER',
    supplier: 'SUPPLIER', fournisseur: 'SUPPLIER', fournisseurs: 'SUPPLIER', fornitore: 'SUPPLIER', fornitori: 'SUPPLIER', vendor: 'SUPPLIER',
  }),
);

export function rolesCell(raw: string | undefined): ThirdPartyRole[] | undefined {
  const items = listCell(raw);
  if (items === undefined) return undefined;
  return items.map((item) => {
    const found = roleWords.get(headerKey(item));
    if (found === undefined) throw new CellError(`"${item}" is not a role (PROSPECT, CUSTOMER, SUPPLIER)`);
    return found;
  });
}

/** `a, b; c | d` → [a, b, c, d]. */
export function listCell(raw: string | undefined): string[] | undefined {
  const value = cellText(raw);
  if (value === undefined) return undefined;
  return value
    .split(/[,;|]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const upperCodeCell = (raw: string | undefined): string | undefined =>
  cellText(raw)?.toUpperCase().replace(/[\s-]+/g, '_');

let countryNames: Map<string, string> | null = null;

/** Codes Intl still names but no address uses (East Germany, Yugoslavia, …) and groupings (EU, UN). */
const retiredRegions = new Set(['DD', 'YU', 'CS', 'SU', 'ZR', 'TP', 'BU', 'FX', 'NT', 'YD', 'VD', 'QO', 'EU', 'EZ', 'UN', 'ZZ', 'XA', 'XB', 'AN']);

/** Country names in English, French and Italian (Intl knows them all) → ISO codes, built once. */
function countries(): Map<string, string> {
  if (countryNames !== null) return countryNames;
  const names = new Map<string, string>();
  const locales = ['en', 'fr', 'it', 'de', 'es'].map((locale) => new Intl.DisplayNames([locale], { type: 'region' }));
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (retiredRegions.has(code)) continue;
      for (const display of locales) {
        let name: string | undefined;
        try {
          name = display.of(code);
        } catch {
          name = undefined;
        }
        if (name !== undefined && name !== code && !names.has(headerKey(name))) names.set(headerKey(name), code);
      }
    }
  }
  for (const [alias, code] of Object.entries({ uk: 'GB', greatbritain: 'GB', angleterre: 'GB', england: 'GB', usa: 'US', etatsunis: 'US' })) names.set(alias, code);
  countryNames = names;
  return names;
}

export function countryCell(raw: string | undefined): string | undefined {
  const value = cellText(raw);
  if (value === undefined) return undefined;
  if (/^[a-z]{2}$/i.test(value)) return value.toUpperCase();
  const found = countries().get(headerKey(value));
  if (found === undefined) throw new CellError(`"${value}" is not a country (an ISO code such as FR, IT, or a country name)`);
  return found;
}

const truthy = new Set(['true', 'yes', 'y', 'oui', 'o', 'si', 'sì', 'vrai', 'vero', '1', 'x']);
const falsy = new Set(['false', 'no', 'n', 'non', 'faux', 'falso', '0']);

/** A custom field's cell by its declared type: decimal commas, day-first dates, oui/non and sì/no. */
export function customFieldCell(definition: CustomFieldDefinition, raw: string | undefined): CustomFieldValue | undefined {
  const value = cellText(raw);
  if (value === undefined) return undefined;
  switch (definition.type) {
    case 'STRING':
    case 'ENUM':
      return value;
    case 'NUMBER': {
      const normalised = value.replace(/[\s\u00a0\u202f']/g, '').replace(/,(?=\d+$)/, '.');
      const n = Number(normalised);
      if (normalised === '' || !Number.isFinite(n)) throw new CellError(`"${value}" is not a number`);
      return n;
    }
    case 'BOOLEAN': {
      const key = value.toLowerCase();
      if (truthy.has(key)) return true;
      if (falsy.has(key)) return false;
      throw new CellError(`"${value}" is not yes or no`);
    }
    case 'DATE': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
      if (dayFirst) return `${dayFirst[3]}-${dayFirst[2]!.padStart(2, '0')}-${dayFirst[1]!.padStart(2, '0')}`;
      throw new CellError(`"${value}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
    }
    default: {
      const unreachable: never = definition.type;
      return unreachable;
    }
  }
}
