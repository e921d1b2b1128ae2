import type { MailTemplate, TemplateVariable } from './templates.js';

/**
 * What a collaborator notification may say: who, with whom, about what, when.
 * Never the comments: the confidential one is for its author and group only,
 * and the mail leaves Suivi's access control behind.
 */
export const collaboratorNotificationVariables = [
  'COLLABORATOR_NAME',
  'CLIENT_NAME',
  'EXCHANGE_SUBJECT',
  'EXCHANGE_DATE',
  'OWNER_NAME',
] as const satisfies readonly TemplateVariable[];

/** The notification sent when SUIVI_NOTIFICATION_TEMPLATE_FILE is not set. */
export const defaultCollaboratorNotification: MailTemplate = {
  subject: 'Exchange with {CLIENT_NAME}: {EXCHANGE_SUBJECT}',
  text:
    'Hello {COLLABORATOR_NAME},\n\n' +
    '{OWNER_NAME} logged an exchange with {CLIENT_NAME} on {EXCHANGE_DATE} ({EXCHANGE_SUBJECT}) and named you as a collaborator.\n\n' +
    'The details are in Suivi.\n',
  html:
    '<p>Hello {COLLABORATOR_NAME},</p>\n' +
    '<p>{OWNER_NAME} logged an exchange with <strong>{CLIENT_NAME}</strong> on {EXCHANGE_DATE} ({EXCHANGE_SUBJECT}) and named you as a collaborator.</p>\n' +
    '<p>The details are in Suivi.</p>\n',
};

/** One mail per exchange and collaborator, whatever replays the log: the Message-ID is the deduplication key. */
export const collaboratorNotificationMessageId = (exchangeId: string, collaboratorId: string): string =>
  `<exchange.${exchangeId}.collaborator.${collaboratorId}@suivi>`;
