import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from '../shared/errors.js';
import { defaultFollowUpPolicies, followUpTemplateOf, validateFollowUpPolicies, validateFollowUpPolicy } from './follow-up.policy.js';

const step = (offsetDays: number, subject = 'Devis {DOCUMENT_REF}') => ({ offsetDays, mode: 'AUTO', templates: { fr: { subject, text: 'Bonjour {CONTACT_NAME}' } } });

const fieldOf = (attempt: () => unknown): string => {
  try {
    attempt();
  } catch (error) {
    if (error instanceof InvalidInput) return error.field;
    throw error;
  }
  throw new Error('expected InvalidInput');
};

describe('follow-up policies', () => {
  it('default to steps 3, 7 and 14 days for each kind, with templates that pass validation', () => {
    expect(defaultFollowUpPolicies.map((policy) => [policy.kind, policy.steps.map((s) => s.offsetDays)])).toEqual([
      ['QUOTE_NO_RESPONSE', [3, 7, 14]],
      ['UNPAID_INVOICE', [3, 7, 14]],
      ['INACTIVE_PROSPECT', [3, 7, 14]],
    ]);
    for (const policy of defaultFollowUpPolicies) expect(validateFollowUpPolicy(policy)).toEqual(policy);
  });

  it('keep the default of a kind the file does not list', () => {
    const policies = validateFollowUpPolicies({ policies: [{ kind: 'UNPAID_INVOICE', steps: [step(-3), step(5)] }] });
    expect(policies.map((policy) => policy.steps.length)).toEqual([3, 2, 3]);
  });

  it('refuse an unknown template variable, naming the field', () => {
    expect(fieldOf(() => validateFollowUpPolicies({ policies: [{ kind: 'QUOTE_NO_RESPONSE', steps: [step(3, 'Devis {DOCUMENT_NUMBER}')] }] }))).toBe(
      'policies[0].steps[0].templates.fr.subject',
    );
  });

  it('refuse steps out of order, a kind twice, and a missing default-language template', () => {
    expect(fieldOf(() => validateFollowUpPolicy({ kind: 'QUOTE_NO_RESPONSE', steps: [step(7), step(3)] }))).toBe('policy.steps[1].offsetDays');
    expect(fieldOf(() => validateFollowUpPolicies({ policies: [{ kind: 'UNPAID_INVOICE', steps: [step(1)] }, { kind: 'UNPAID_INVOICE', steps: [step(1)] }] }))).toBe(
      'policies[1].kind',
    );
    expect(fieldOf(() => validateFollowUpPolicy({ kind: 'QUOTE_NO_RESPONSE', defaultLanguage: 'en', steps: [step(3)] }))).toBe('policy.steps[0].templates');
  });

  it('pick the template in the third party language, its base language, else the default', () => {
    const quote = defaultFollowUpPolicies[0]!;
    expect(followUpTemplateOf(quote, 1, 'en-GB')?.subject).toMatch(/^Quote/);
    expect(followUpTemplateOf(quote, 1, 'it')?.subject).toMatch(/^Devis/);
    expect(followUpTemplateOf(quote, 4, 'fr')).toBeNull();
  });
});
