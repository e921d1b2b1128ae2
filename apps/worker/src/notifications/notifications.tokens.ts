/** The process's Mailer (SMTP_URL, or the outbox under the data dir). */
export const MAILER = Symbol('Mailer');
/** The running CollaboratorNotifier. */
export const COLLABORATOR_NOTIFIER_INSTANCE = Symbol('CollaboratorNotifier');
