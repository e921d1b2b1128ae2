/** The deployment's retention policies (RetentionConfig), or null when SUIVI_RETENTION_FILE is not set. */
export const RETENTION_CONFIG = Symbol('RetentionConfig');
/** The running RetentionAutomation, or null when no policy is configured. */
export const RETENTION_AUTOMATION = Symbol('RetentionAutomation');
