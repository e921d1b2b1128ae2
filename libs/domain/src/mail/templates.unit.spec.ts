import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from '../shared/errors.js';
import { renderTemplate, validateTemplate } from './templates.js';

describe('mail templates', () => {
  const reminder = {
    subject: 'Invoice {DOCUMENT_REF} is due on {DUE_DATE}',
    text: 'Hello {CONTACT_FIRST_NAME},\n{CLIENT_NAME} owes {AMOUNT} {CURRENCY}.\n{OWNER_NAME}',
    html: '<p style="margin: {0}">Hello {CONTACT_FIRST_NAME},</p><p>{CLIENT_NAME} owes {AMOUNT} {CURRENCY}.</p>',
  };

  it('accepts a template using only known variables, and braces that are not variables', () => {
    expect(validateTemplate(reminder, 'input.template')).toBe(reminder);
  });

  it('rejects an unknown variable when the template is saved, naming the field and the variable', () => {
    const attempt = () => validateTemplate({ ...reminder, text: 'Dear {CONTACT_FRIST_NAME}' }, 'input.template');
    expect(attempt).toThrow(InvalidInput);
    expect(attempt).toThrow(/^input\.template\.text: unknown variable \{CONTACT_FRIST_NAME\}/);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidInput).field).toBe('input.template.text');
    }
    expect(() => validateTemplate({ ...reminder, html: '<b>{TOTAL}</b>' }, 'template')).toThrow(/^template\.html: unknown variable \{TOTAL\}/);
    expect(() => validateTemplate({ ...reminder, subject: '{REF}' }, 'template')).toThrow(/^template\.subject: unknown variable \{REF\}/);
  });

  it('rejects a variable outside a narrowed list', () => {
    expect(() => validateTemplate({ subject: 'About {DOCUMENT_REF}', text: 'x' }, 'notification', ['CLIENT_NAME'])).toThrow(
      /^notification\.subject: unknown variable \{DOCUMENT_REF\}; known: \{CLIENT_NAME\}$/,
    );
  });

  it('rejects an empty subject or text and a subject on several lines', () => {
    expect(() => validateTemplate({ ...reminder, subject: ' ' }, 't')).toThrow(/^t\.subject: must not be empty/);
    expect(() => validateTemplate({ ...reminder, text: '' }, 't')).toThrow(/^t\.text: must not be empty/);
    expect(() => validateTemplate({ ...reminder, subject: 'a\nBcc: x@example.com' }, 't')).toThrow(/^t\.subject: must be a single line/);
  });

  it('escapes values in the HTML part only', () => {
    const mail = renderTemplate(reminder, {
      DOCUMENT_REF: 'F-<1>',
      DUE_DATE: '2026-12-01',
      CONTACT_FIRST_NAME: 'Zoë "Z"',
      CLIENT_NAME: 'Dupont & Fils <script>',
      AMOUNT: '1 200,00',
      CURRENCY: 'EUR',
      OWNER_NAME: 'Anne',
    });
    expect(mail.subject).toBe('Invoice F-<1> is due on 2026-12-01');
    expect(mail.text).toBe('Hello Zoë "Z",\nDupont & Fils <script> owes 1 200,00 EUR.\nAnne');
    expect(mail.html).toBe(
      '<p style="margin: {0}">Hello Zoë &quot;Z&quot;,</p><p>Dupont &amp; Fils &lt;script&gt; owes 1 200,00 EUR.</p>',
    );
  });

  it('renders a missing value empty and keeps a line break in a value out of the subject', () => {
    const mail = renderTemplate({ subject: 'About {CLIENT_NAME}', text: '[{OWNER_NAME}]' }, { CLIENT_NAME: 'A\r\nBcc: x@example.com' });
    expect(mail.subject).toBe('About A Bcc: x@example.com');
    expect(mail.text).toBe('[]');
  });

  it('derives the HTML part from the text when the template has none', () => {
    const mail = renderTemplate({ subject: 's', text: 'Hello {CLIENT_NAME},\nbye' }, { CLIENT_NAME: 'A & B' });
    expect(mail.html).toBe('<p>Hello A &amp; B,<br>\nbye</p>');
  });
});
