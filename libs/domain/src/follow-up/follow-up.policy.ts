import { validateTemplate, type MailTemplate } from '../mail/templates.js';
import { InvalidInput } from '../shared/errors.js';
import { optionalBoolean, optionalLanguageTag, oneOf } from '../shared/validation.js';
import { FOLLOW_UP_OFFSET_MAX_DAYS, FOLLOW_UP_STEPS_MAX } from './follow-up.decider.js';
import { followUpKinds, followUpModes, type FollowUpKind, type FollowUpMode } from './follow-up.events.js';

export interface FollowUpStepPolicy {
  /** Days from the anchor; negative: before it (an invoice not yet due). */
  readonly offsetDays: number;
  readonly mode: FollowUpMode;
  /** By language tag (`fr`, `en`); the policy's default language must be one of them. */
  readonly templates: Readonly<Record<string, MailTemplate>>;
}

export interface FollowUpPolicy {
  readonly kind: FollowUpKind;
  readonly enabled: boolean;
  /** Say what would be sent, send nothing and record no sending. */
  readonly dryRun: boolean;
  /** Who answers for this policy's follow-ups; null: the third party's owner. */
  readonly ownerId: string | null;
  /** The templates' language when the third party's has none. */
  readonly defaultLanguage: string;
  readonly steps: readonly FollowUpStepPolicy[];
}

/** The consent purpose a kind's mails serve: `mayContact` decides on it at send time. */
export const followUpPurposeOf = (kind: FollowUpKind): 'FOLLOW_UP_EMAIL' | 'MARKETING_EMAIL' =>
  kind === 'INACTIVE_PROSPECT' ? 'MARKETING_EMAIL' : 'FOLLOW_UP_EMAIL';

const SIGNATURE_FR = '\n\nBien cordialement,\n{OWNER_NAME}';
const SIGNATURE_EN = '\n\nKind regards,\n{OWNER_NAME}';

const quoteTemplates = (nth: string): Record<string, MailTemplate> => ({
  fr: {
    subject: `Devis {DOCUMENT_REF} : ${nth === '1' ? 'avez-vous pu le consulter ?' : 'relance'}`,
    text: `Bonjour {CONTACT_NAME},\n\nNous vous avons adressé le devis {DOCUMENT_REF} ({AMOUNT} {CURRENCY}) le {DOCUMENT_DATE}. Avez-vous des questions ?${SIGNATURE_FR}`,
  },
  en: {
    subject: `Quote {DOCUMENT_REF}: ${nth === '1' ? 'did you have a chance to look at it?' : 'reminder'}`,
    text: `Hello {CONTACT_NAME},\n\nWe sent you quote {DOCUMENT_REF} ({AMOUNT} {CURRENCY}) on {DOCUMENT_DATE}. Do you have any questions?${SIGNATURE_EN}`,
  },
});

const invoiceTemplates = (): Record<string, MailTemplate> => ({
  fr: {
    subject: 'Facture {DOCUMENT_REF} : échéance du {DUE_DATE}',
    text: `Bonjour {CONTACT_NAME},\n\nSauf erreur de notre part, la facture {DOCUMENT_REF} ({AMOUNT_DUE} {CURRENCY} restant dus) arrivait à échéance le {DUE_DATE}. Merci de faire le nécessaire.${SIGNATURE_FR}`,
  },
  en: {
    subject: 'Invoice {DOCUMENT_REF}: due {DUE_DATE}',
    text: `Hello {CONTACT_NAME},\n\nUnless we are mistaken, invoice {DOCUMENT_REF} ({AMOUNT_DUE} {CURRENCY} outstanding) was due on {DUE_DATE}. Thank you for settling it.${SIGNATURE_EN}`,
  },
});

const prospectTemplates = (): Record<string, MailTemplate> => ({
  fr: {
    subject: 'Des nouvelles de {CLIENT_NAME} ?',
    text: `Bonjour {CONTACT_NAME},\n\nNous avions échangé le {EXCHANGE_DATE}. Où en est votre projet ?${SIGNATURE_FR}`,
  },
  en: {
    subject: 'Any news from {CLIENT_NAME}?',
    text: `Hello {CONTACT_NAME},\n\nWe last spoke on {EXCHANGE_DATE}. How is your project going?${SIGNATURE_EN}`,
  },
});

const DEFAULT_OFFSETS = [3, 7, 14] as const;

const defaults = (kind: FollowUpKind, templates: (nth: string) => Record<string, MailTemplate>, mode: FollowUpMode): FollowUpPolicy => ({
  kind,
  enabled: true,
  dryRun: false,
  ownerId: null,
  defaultLanguage: 'fr',
  steps: DEFAULT_OFFSETS.map((offsetDays, index) => ({ offsetDays, mode, templates: templates(String(index + 1)) })),
});

/**
 * Steps 3, 7 and 14 days after the anchor. Prospects are approached in APPROVAL
 * mode: a marketing mail goes out only once someone has looked at it.
 */
export const defaultFollowUpPolicies: readonly FollowUpPolicy[] = [
  defaults('QUOTE_NO_RESPONSE', quoteTemplates, 'AUTO'),
  defaults('UNPAID_INVOICE', invoiceTemplates, 'AUTO'),
  defaults('INACTIVE_PROSPECT', prospectTemplates, 'APPROVAL'),
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const refuseUnknownKeys = (path: string, value: Record<string, unknown>, known: readonly string[]): void => {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new InvalidInput(`${path}.${key}`, `is not a known setting (expected ${known.join(', ')})`);
  }
};

const validStep = (path: string, raw: unknown, defaultLanguage: string): FollowUpStepPolicy => {
  if (!isRecord(raw)) throw new InvalidInput(path, 'must be an object');
  refuseUnknownKeys(path, raw, ['offsetDays', 'mode', 'templates']);
  const offsetDays = raw['offsetDays'];
  if (typeof offsetDays !== 'number' || !Number.isInteger(offsetDays) || Math.abs(offsetDays) > FOLLOW_UP_OFFSET_MAX_DAYS) {
    throw new InvalidInput(`${path}.offsetDays`, `must be a whole number of days between -${FOLLOW_UP_OFFSET_MAX_DAYS} and ${FOLLOW_UP_OFFSET_MAX_DAYS}`);
  }
  const mode = oneOf(`${path}.mode`, raw['mode'] ?? 'AUTO', followUpModes);
  const rawTemplates = raw['templates'];
  if (!isRecord(rawTemplates) || Object.keys(rawTemplates).length === 0) throw new InvalidInput(`${path}.templates`, 'must map a language to a template');
  const templates: Record<string, MailTemplate> = {};
  for (const [language, template] of Object.entries(rawTemplates)) {
    const at = `${path}.templates.${language}`;
    const tag = optionalLanguageTag(at, language);
    if (tag === null) throw new InvalidInput(at, 'must be a language tag');
    if (!isRecord(template)) throw new InvalidInput(at, 'must be an object with subject, text and optionally html');
    refuseUnknownKeys(at, template, ['subject', 'text', 'html']);
    templates[tag] = validateTemplate(template as unknown as MailTemplate, at);
  }
  if (templates[defaultLanguage] === undefined) throw new InvalidInput(`${path}.templates`, `must have a template in the default language ${defaultLanguage}`);
  return { offsetDays, mode, templates };
};

/** Checks one policy (the file's or an edited one): every template against `templateVariables`. */
export const validateFollowUpPolicy = (raw: unknown, path = 'policy'): FollowUpPolicy => {
  if (!isRecord(raw)) throw new InvalidInput(path, 'must be an object');
  refuseUnknownKeys(path, raw, ['kind', 'enabled', 'dryRun', 'ownerId', 'defaultLanguage', 'steps']);
  const kind = oneOf(`${path}.kind`, raw['kind'], followUpKinds);
  const defaultLanguage = optionalLanguageTag(`${path}.defaultLanguage`, raw['defaultLanguage'] ?? 'fr') ?? 'fr';
  const ownerId = raw['ownerId'] ?? null;
  if (ownerId !== null && (typeof ownerId !== 'string' || ownerId.trim() === '')) throw new InvalidInput(`${path}.ownerId`, 'must be a user id or null');
  const steps = raw['steps'];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > FOLLOW_UP_STEPS_MAX) {
    throw new InvalidInput(`${path}.steps`, `must list 1 to ${FOLLOW_UP_STEPS_MAX} steps`);
  }
  const validSteps = steps.map((step: unknown, index) => validStep(`${path}.steps[${index}]`, step, defaultLanguage));
  validSteps.forEach((step, index) => {
    if (index > 0 && step.offsetDays <= validSteps[index - 1]!.offsetDays) {
      throw new InvalidInput(`${path}.steps[${index}].offsetDays`, 'must be later than the step before');
    }
  });
  return {
    kind,
    enabled: optionalBoolean(`${path}.enabled`, raw['enabled'], true),
    dryRun: optionalBoolean(`${path}.dryRun`, raw['dryRun'], false),
    ownerId,
    defaultLanguage,
    steps: validSteps,
  };
};

/**
 * The follow-up configuration (SUIVI_FOLLOW_UP_FILE): `{ "policies": [...] }`,
 * at most one policy per kind; a kind not listed keeps its default policy.
 */
export const validateFollowUpPolicies = (raw: unknown): FollowUpPolicy[] => {
  if (!isRecord(raw)) throw new InvalidInput('followUps', 'must be an object with a "policies" list');
  refuseUnknownKeys('followUps', raw, ['policies']);
  const list = raw['policies'];
  if (!Array.isArray(list)) throw new InvalidInput('policies', 'must be a list');
  const given = list.map((policy: unknown, index) => validateFollowUpPolicy(policy, `policies[${index}]`));
  given.forEach((policy, index) => {
    if (given.findIndex((other) => other.kind === policy.kind) !== index) throw new InvalidInput(`policies[${index}].kind`, `${policy.kind} is configured twice`);
  });
  return defaultFollowUpPolicies.map((fallback) => given.find((policy) => policy.kind === fallback.kind) ?? fallback);
};

/** The template of a step in `language`, else in the policy's default language. */
export const followUpTemplateOf = (policy: FollowUpPolicy, step: number, language: string | null): MailTemplate | null => {
  const templates = policy.steps[step - 1]?.templates;
  if (templates === undefined) return null;
  const base = language?.split('-')[0];
  return (language !== null ? templates[language] : undefined) ?? (base !== undefined ? templates[base] : undefined) ?? templates[policy.defaultLanguage] ?? null;
};
