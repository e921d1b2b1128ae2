import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultCollaboratorNotification } from '#domain';
import { ConfigError, loadConfig } from '../config.js';
import { loadNotificationTemplate } from './notification-template.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'suivi-notification-template-'));
const file = (name: string, content: string): string => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the collaborator notification template (SUIVI_NOTIFICATION_TEMPLATE_FILE)', () => {
  it('is the English default without the variable', () => {
    expect(loadNotificationTemplate(loadConfig({}))).toBe(defaultCollaboratorNotification);
  });

  it('reads the file the variable names', () => {
    const template = { subject: 'Échange avec {CLIENT_NAME}', text: 'Bonjour {COLLABORATOR_NAME}, {OWNER_NAME} vous cite.' };
    const config = loadConfig({ SUIVI_NOTIFICATION_TEMPLATE_FILE: file('ok.json', JSON.stringify(template)) });
    expect(loadNotificationTemplate(config)).toEqual({ ...template, html: undefined });
  });

  it('refuses at start a variable a notification has no value for, naming the file, the part and the variable', () => {
    const wrong = file('wrong.json', JSON.stringify({ subject: 'Invoice {DOCUMENT_REF}', text: 'x' }));
    const attempt = () => loadNotificationTemplate({ notificationTemplateFile: wrong });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`SUIVI_NOTIFICATION_TEMPLATE_FILE: ${wrong}: template.subject: unknown variable {DOCUMENT_REF}`);
    const stray = file('stray.json', JSON.stringify({ subject: 's', text: 't', body: 'b' }));
    expect(() => loadNotificationTemplate({ notificationTemplateFile: stray })).toThrow(/unknown field "body"/);
    const broken = file('broken.json', '{');
    expect(() => loadNotificationTemplate({ notificationTemplateFile: broken })).toThrow(/cannot read .* as JSON/);
  });
});
