import { readFileSync } from 'node:fs';
import { collaboratorNotificationVariables, defaultCollaboratorNotification, validateTemplate, type MailTemplate } from '#domain';
import { ConfigError, type SuiviConfig } from '../config.js';

/**
 * The collaborator notification: SUIVI_NOTIFICATION_TEMPLATE_FILE names a JSON
 * file `{ "subject", "text", "html"? }`; without it, the English default. Read
 * and checked at start, so an unknown variable stops the process that would
 * send it, not one mail at a time.
 */
export function loadNotificationTemplate(config: Pick<SuiviConfig, 'notificationTemplateFile'>): MailTemplate {
  const file = config.notificationTemplateFile;
  if (!file) return defaultCollaboratorNotification;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('SUIVI_NOTIFICATION_TEMPLATE_FILE', `cannot read ${file} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('SUIVI_NOTIFICATION_TEMPLATE_FILE', `${file}: must be an object { "subject", "text", "html" }`);
  }
  const unknown = Object.keys(raw).find((key) => !['subject', 'text', 'html'].includes(key));
  if (unknown !== undefined) throw new ConfigError('SUIVI_NOTIFICATION_TEMPLATE_FILE', `${file}: unknown field "${unknown}" (subject, text, html)`);
  const { subject, text, html } = raw as Record<string, unknown>;
  try {
    return validateTemplate({ subject, text, html } as MailTemplate, 'template', collaboratorNotificationVariables);
  } catch (error) {
    throw new ConfigError('SUIVI_NOTIFICATION_TEMPLATE_FILE', `${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
