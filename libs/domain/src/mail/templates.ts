import { InvalidInput } from '../shared/errors.js';

/**
 * The variables a mail template may use, written `{NAME}`. A template is
 * checked against this list when it is saved, so that a typo fails in front of
 * the person who made it rather than in a mail a client receives.
 */
export const templateVariables = [
  'CLIENT_NAME',
  'CONTACT_FIRST_NAME',
  'CONTACT_LAST_NAME',
  'CONTACT_NAME',
  'DOCUMENT_REF',
  'DOCUMENT_DATE',
  'AMOUNT',
  'AMOUNT_DUE',
  'CURRENCY',
  'DUE_DATE',
  'DAYS_OVERDUE',
  'OWNER_NAME',
  'OWNER_EMAIL',
  'COLLABORATOR_NAME',
  'EXCHANGE_SUBJECT',
  'EXCHANGE_DATE',
] as const;

export type TemplateVariable = (typeof templateVariables)[number];

export type TemplateValues = Partial<Record<TemplateVariable, string>>;

/** A mail to be filled in; without `html`, the HTML part is the escaped text. */
export interface MailTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * `{` + an upper-case name + `}`. Anything else in braces (CSS in the HTML
 * part, `{ }` in prose) is left as written, so only names can be unknown.
 */
const VARIABLE = /\{([A-Z][A-Z0-9_]*)\}/g;

const MAX_PART_LENGTH = 100_000;

/**
 * Throws InvalidInput naming `field.subject|text|html` and the first unknown
 * `{VARIABLE}`. `allowed` narrows the list for templates that are only ever
 * rendered with some of the values (a notification has no DOCUMENT_REF).
 */
export function validateTemplate(
  template: MailTemplate,
  field: string,
  allowed: readonly string[] = templateVariables,
): MailTemplate {
  const parts = [
    ['subject', template.subject],
    ['text', template.text],
    ['html', template.html],
  ] as const;
  for (const [part, value] of parts) {
    if (value === undefined && part === 'html') continue;
    if (typeof value !== 'string') throw new InvalidInput(`${field}.${part}`, 'must be a string');
    if (part !== 'html' && value.trim() === '') throw new InvalidInput(`${field}.${part}`, 'must not be empty');
    if (value.length > MAX_PART_LENGTH) throw new InvalidInput(`${field}.${part}`, `must be at most ${MAX_PART_LENGTH} characters`);
    if (part === 'subject' && /[\r\n]/.test(value)) throw new InvalidInput(`${field}.subject`, 'must be a single line');
    for (const match of value.matchAll(VARIABLE)) {
      const name = match[1]!;
      if (!allowed.includes(name)) {
        throw new InvalidInput(`${field}.${part}`, `unknown variable {${name}}; known: ${allowed.map((v) => `{${v}}`).join(', ')}`);
      }
    }
  }
  return template;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * Fills a validated template. Values are escaped in the HTML part only: the
 * text part and the subject carry them as written. A value the caller does not
 * have renders empty; line breaks in a value cannot reach the subject.
 */
export function renderTemplate(template: MailTemplate, values: TemplateValues): RenderedMail {
  const fill = (source: string, encode: (value: string) => string): string =>
    source.replace(VARIABLE, (whole, name: string) =>
      (templateVariables as readonly string[]).includes(name) ? encode(values[name as TemplateVariable] ?? '') : whole,
    );
  const html =
    template.html !== undefined && template.html.trim() !== ''
      ? fill(template.html, escapeHtml)
      : `<p>${escapeHtml(fill(template.text, (value) => value)).replace(/\r?\n/g, '<br>\n')}</p>`;
  return {
    subject: fill(template.subject, (value) => value.replace(/[\r\n]+/g, ' ')),
    text: fill(template.text, (value) => value),
    html,
  };
}
