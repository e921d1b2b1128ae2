import { CUSTOM_FIELD_KEY, type Catalogue } from '#domain';
import { ImportSetupError } from './import-errors.js';

export const importKinds = ['thirdParties', 'contacts'] as const;
export type ImportKind = (typeof importKinds)[number];

/** Where a column goes: a field of the command, or `-` (ignored). Custom fields as `customFields.<key>`. */
export const thirdPartyImportFields = [
  'name',
  'kind',
  'roles',
  'prospectStatus',
  'leadSource',
  'territory',
  'vatNumber',
  'email',
  'phone',
  'website',
  'address.street',
  'address.postalCode',
  'address.city',
  'address.region',
  'address.country',
  'paymentTerms',
  'categories',
  'tags',
] as const;

/**
 * A contact's third party is named by one column (`thirdParty`: a VAT number,
 * an email or a name, recognised by its shape) or by columns of one kind each.
 */
export const contactImportFields = [
  'thirdParty',
  'thirdParty.name',
  'thirdParty.vatNumber',
  'thirdParty.email',
  'firstName',
  'lastName',
  'jobTitle',
  'email',
  'phone',
  'mobile',
  'preferredLanguage',
  'preferredChannel',
  'notes',
] as const;

export const IGNORED = '-';

/** Column header → field; headers not in it are ignored (and reported as such). */
export type ImportMapping = Readonly<Record<string, string>>;

/** Lower case, no accents, letters and digits only: "N° TVA" → "ntva", "E-mail" → "email". */
export const headerKey = (header: string): string =>
  header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

const synonyms = (entries: Record<string, readonly string[]>): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [field, words] of Object.entries(entries)) for (const word of words) map.set(headerKey(word), field);
  return map;
};

/** Headers French, Italian and English spreadsheets use (Dolibarr, Excel, Sellsy, Zoho exports). */
const commonAddressAndContactWords = {
  email: ['email', 'e-mail', 'mail', 'courriel', 'adresse email', 'adresse e-mail', 'adresse mail', 'posta elettronica', 'indirizzo email', 'email address'],
  phone: ['telephone', 'téléphone', 'tel', 'tél', 'tél.', 'phone', 'phone number', 'telefono', 'tel.', 'numero de telephone', 'n° téléphone', 'téléphone fixe', 'fisso', 'work phone'],
};

const thirdPartySynonyms = synonyms({
  name: ['raison sociale', 'nom', 'name', 'nom de la société', 'nom société', 'société', 'societe', 'entreprise', 'company', 'company name', 'organisation', 'organization', 'account name', 'ragione sociale', 'denominazione', 'azienda', 'nome azienda', 'società', 'tiers', 'nom du tiers'],
  kind: ['type', 'kind', 'type de tiers', 'nature', 'tipo', 'tipologia'],
  roles: ['roles', 'rôle', 'role', 'rôles', 'relation', 'ruolo', 'statut client', 'customer type'],
  prospectStatus: ['statut prospect', 'prospect status', 'stato prospect'],
  leadSource: ['source', 'origine', 'lead source', 'provenance', 'provenienza', 'fonte', 'origine du contact'],
  territory: ['territoire', 'territory', 'zone', 'secteur géographique', 'territorio', 'zona', 'area'],
  vatNumber: ['tva', 'n° tva', 'numéro de tva', 'numero tva', 'tva intracommunautaire', 'n° tva intracom', 'vat', 'vat number', 'vat id', 'vat no', 'partita iva', 'p. iva', 'p.iva', 'piva', 'codice iva', 'tax id'],
  ...commonAddressAndContactWords,
  website: ['site web', 'site', 'site internet', 'website', 'web', 'url', 'sito', 'sito web', 'sito internet'],
  'address.street': ['adresse', 'address', 'rue', 'street', 'adresse 1', 'address line 1', 'indirizzo', 'via'],
  'address.postalCode': ['code postal', 'cp', 'postal code', 'postcode', 'zip', 'zip code', 'cap', 'codice postale'],
  'address.city': ['ville', 'city', 'town', 'commune', 'città', 'citta', 'comune', 'località', 'localita'],
  'address.region': ['région', 'region', 'département', 'departement', 'state', 'county', 'provincia', 'regione', 'prov'],
  'address.country': ['pays', 'country', 'country code', 'code pays', 'paese', 'nazione', 'stato'],
  paymentTerms: ['conditions de paiement', 'conditions de règlement', 'délai de paiement', 'payment terms', 'condizioni di pagamento', 'termini di pagamento', 'pagamento'],
  categories: ['catégories', 'categories', 'catégorie', 'category', 'categorie', 'categoria'],
  tags: ['tags', 'tag', 'étiquettes', 'etiquettes', 'labels', 'etichette', 'mots clés'],
});

const contactSynonyms = synonyms({
  thirdParty: ['société', 'societe', 'entreprise', 'raison sociale', 'tiers', 'company', 'company name', 'organisation', 'organization', 'account', 'account name', 'azienda', 'ragione sociale', 'società', 'cliente'],
  'thirdParty.vatNumber': ['tva société', 'tva entreprise', 'company vat', 'partita iva azienda', 'tva tiers'],
  firstName: ['prénom', 'prenom', 'first name', 'firstname', 'given name', 'nome'],
  lastName: ['nom', 'nom de famille', 'last name', 'lastname', 'surname', 'family name', 'cognome'],
  jobTitle: ['fonction', 'poste', 'titre', 'job title', 'title', 'position', 'qualifica', 'mansione', 'ruolo', 'incarico'],
  ...commonAddressAndContactWords,
  mobile: ['portable', 'mobile', 'téléphone portable', 'tel portable', 'cellulaire', 'gsm', 'mobile phone', 'cell', 'cellulare', 'cell.'],
  preferredLanguage: ['langue', 'language', 'lingua', 'langue préférée', 'preferred language'],
  preferredChannel: ['canal préféré', 'preferred channel', 'canale preferito'],
  notes: ['notes', 'note', 'remarques', 'commentaire', 'commentaires', 'comments', 'comment', 'osservazioni'],
});

export const importFieldsOf = (kind: ImportKind, catalogue: Catalogue): string[] => [
  ...(kind === 'thirdParties' ? thirdPartyImportFields : contactImportFields),
  ...(kind === 'thirdParties' ? catalogue.customFields.map((f) => `customFields.${f.key}`) : []),
];

/**
 * The mapping of a header row: the explicit entries first, then headers
 * recognised by their usual names (and custom fields by key or label), each
 * field taken once. Explicit entries naming an absent column are an error: a
 * saved mapping used on the wrong file should say so rather than import half.
 */
export function resolveMapping(
  kind: ImportKind,
  header: readonly string[],
  explicit: ImportMapping,
  catalogue: Catalogue,
  options: { readonly auto?: boolean } = {},
): Map<number, string> {
  const fields = new Set(importFieldsOf(kind, catalogue));
  const resolved = new Map<number, string>();
  const taken = new Set<string>();
  const byKey = new Map<string, number>();
  header.forEach((h, index) => {
    if (!byKey.has(headerKey(h))) byKey.set(headerKey(h), index);
  });
  for (const [column, field] of Object.entries(explicit)) {
    const index = header.indexOf(column) !== -1 ? header.indexOf(column) : byKey.get(headerKey(column));
    if (index === undefined) throw new ImportSetupError('mapping', `column "${column}" is not in the file (its columns: ${header.join(', ')})`);
    if (field === IGNORED) {
      resolved.set(index, IGNORED);
      continue;
    }
    if (!fields.has(field)) throw new ImportSetupError('mapping', `"${field}" is not a field of ${kind} (expected one of ${[...fields].join(', ')}, or - to ignore)`);
    if (taken.has(field)) throw new ImportSetupError('mapping', `two columns map to ${field}`);
    resolved.set(index, field);
    taken.add(field);
  }
  if (options.auto !== false) {
    const table = kind === 'thirdParties' ? thirdPartySynonyms : contactSynonyms;
    const custom = new Map(catalogue.customFields.flatMap((f) => [[headerKey(f.key), `customFields.${f.key}`], [headerKey(f.label), `customFields.${f.key}`]] as const));
    header.forEach((h, index) => {
      if (resolved.has(index)) return;
      const key = headerKey(h);
      const field = (kind === 'thirdParties' ? custom.get(key) : undefined) ?? table.get(key) ?? (fields.has(h.trim()) ? h.trim() : undefined);
      if (field !== undefined && !taken.has(field)) {
        resolved.set(index, field);
        taken.add(field);
      }
    });
  }
  return resolved;
}

/** `"Raison sociale=name"` entries (the last `=` splits, so a header may hold one). */
export function parseMapEntries(entries: readonly string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    if (at <= 0) throw new ImportSetupError('map', `"${entry}" is not COLUMN=field`);
    mapping[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return mapping;
}

export const isCustomFieldTarget = (field: string): boolean => field.startsWith('customFields.') && CUSTOM_FIELD_KEY.test(field.slice(13));
