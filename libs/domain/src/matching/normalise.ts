import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * Normalisers behind import matching and duplicate detection. Each returns null
 * for a value that cannot serve as a key (empty, or not an email/phone/VAT
 * number at all), so a blank cell never matches another blank cell.
 */

const blank = (raw: string | null | undefined): raw is null | undefined => raw == null || raw.trim() === '';

/**
 * Trimmed, NFC, lower case; the domain in its ASCII (punycode) form so that
 * `x@münchen.de` and `x@xn--mnchen-3ya.de` are one address. The WHATWG URL
 * parser does the IDNA mapping without I/O.
 */
const NORMAL_EMAIL = /^[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const COMPACT_VAT = /^[A-Z]{2}[0-9A-Z]{2,13}$/;

export function normaliseEmail(raw: string | null | undefined): string | null {
  if (blank(raw)) return null;
  // Values matching stores already hold in normal form (the import normalises once): no second pass.
  if (NORMAL_EMAIL.test(raw)) return raw;
  const value = raw.trim().normalize('NFC').toLowerCase().replace(/^mailto:/, '');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || /\s/.test(value)) return null;
  const domain = asciiDomain(value.slice(at + 1));
  return domain === null ? null : `${value.slice(0, at)}@${domain}`;
}

function asciiDomain(domain: string): string | null {
  if (!domain.includes('.')) return null;
  if (/^[\x21-\x7e]+$/.test(domain)) return domain;
  try {
    return new URL(`http://${domain}`).hostname || null;
  } catch {
    return null;
  }
}

/** The domain of a normalised email, or null. */
export function emailDomain(raw: string | null | undefined): string | null {
  const email = normaliseEmail(raw);
  return email === null ? null : email.slice(email.lastIndexOf('@') + 1);
}

/**
 * Mailbox providers shared by unrelated people: two addresses at gmail.com say
 * nothing about being the same company. Exact domains, plus provider names
 * whatever their country suffix (yahoo.fr, hotmail.it, gmx.de, …).
 */
const freeMailDomains = new Set([
  'gmail.com', 'googlemail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'msn.com', 'proton.me', 'protonmail.com',
  'pm.me', 'mail.com', 'zoho.com', 'fastmail.com', 'tutanota.com', 'hey.com', 'mail.ru', 'qq.com', '163.com',
  // France
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'neuf.fr', 'laposte.net', 'bbox.fr', 'numericable.fr', 'club-internet.fr',
  'aliceadsl.fr', 'cegetel.net', 'noos.fr',
  // Italy
  'libero.it', 'virgilio.it', 'alice.it', 'tin.it', 'tiscali.it', 'email.it', 'inwind.it', 'iol.it', 'fastwebnet.it',
  'tim.it', 'pec.it', 'legalmail.it',
  // Elsewhere in Europe
  'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'bluewin.ch', 'skynet.be', 'telenet.be', 'terra.es', 'sapo.pt',
  'seznam.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'btinternet.com', 'sky.com', 'virginmedia.com',
]);
const freeMailProviders = /^(?:yahoo|ymail|hotmail|outlook|live|gmx|yandex)\.[a-z.]+$/;

export function isFreeMailDomain(domain: string): boolean {
  const d = domain.trim().toLowerCase();
  return freeMailDomains.has(d) || freeMailProviders.test(d);
}

/**
 * E.164 (`+33123456789`), reading numbers without an international prefix in
 * `defaultCountry`; null when libphonenumber cannot make a possible number of it.
 * Extensions are dropped: they reach a person, not the organisation.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry?: string | null): string | null {
  if (blank(raw)) return null;
  // Already E.164 (what the import stores): parsing it again would give it back.
  if (E164.test(raw)) return raw;
  const value = raw.trim().replace(/^00(?=[1-9])/, '+');
  const country = defaultCountry ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberFromString(value, country === undefined ? undefined : { defaultCountry: country });
    return parsed !== undefined && parsed.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}

/**
 * `FR 12.345 678 901` → `FR12345678901`. A number without a country prefix
 * takes `defaultCountry`'s (Greece's VAT prefix is EL, not GR). Null when what
 * is left is not shaped like a VAT number.
 */
export function normaliseVatNumber(raw: string | null | undefined, defaultCountry?: string | null): string | null {
  if (blank(raw)) return null;
  if (COMPACT_VAT.test(raw) && /\d/.test(raw)) return raw;
  let value = raw.toUpperCase().replace(/[\s.\-_/]/g, '');
  if (!/^[A-Z]{2}/.test(value)) {
    if (!defaultCountry) return null;
    const country = defaultCountry.toUpperCase();
    value = `${country === 'GR' ? 'EL' : country}${value}`;
  }
  return /^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(value) && /\d/.test(value) ? value : null;
}

/**
 * Legal forms, after dots are removed and letters lower-cased, so `S.p.A.`,
 * `SpA` and `spa` are one token. Removed only as whole words.
 */
const legalForms = new Set([
  // France
  'sa', 'sas', 'sasu', 'sarl', 'eurl', 'sci', 'snc', 'scop', 'scp', 'selarl', 'gie', 'ei', 'eirl', 'scs', 'sca',
  // Italy
  'spa', 'srl', 'srls', 'sapa', 'sas', 'snc', 'scarl', 'scrl', 'soc', 'coop',
  // German-speaking
  'gmbh', 'ag', 'kg', 'ohg', 'ug', 'gbr', 'eg', 'kgaa',
  // English-speaking, Benelux, Iberia, others
  'ltd', 'limited', 'llc', 'llp', 'lp', 'inc', 'incorporated', 'corp', 'corporation', 'plc', 'co', 'company',
  'bv', 'nv', 'bvba', 'sprl', 'srl', 'sl', 'slu', 'sa', 'lda', 'ab', 'as', 'oy', 'aps', 'sro', 'zoo', 'sp',
]);

/**
 * Case, accents, punctuation and legal forms removed: `Société Générale S.A.`
 * and `SOCIETE GENERALE` are one name. `&` reads as `and`'s absence, not a word.
 * Returns '' when nothing but a legal form was given.
 */
export function normaliseCompanyName(raw: string | null | undefined): string {
  if (blank(raw)) return '';
  const known = nameMemo.get(raw);
  if (known !== undefined) return known;
  const normalised = computeCompanyName(raw);
  // Matching normalises one name several times (keys, fuzzy index, exact index): remembered, within bounds.
  if (nameMemo.size >= NAME_MEMO_SIZE) nameMemo.clear();
  nameMemo.set(raw, normalised);
  return normalised;
}

const NAME_MEMO_SIZE = 4096;
const nameMemo = new Map<string, string>();

function computeCompanyName(raw: string): string {
  const words = raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    // S.p.A., S.A.R.L.: dots between single letters join them into one token.
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  const kept = words.filter((w) => !legalForms.has(w));
  return kept.join(' ');
}
