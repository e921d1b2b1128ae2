/** The follow-up policies (defaults or SUIVI_FOLLOW_UP_FILE's), checked at start. */
export const FOLLOW_UP_POLICIES = Symbol('FollowUpPolicies');
/** The running FollowUpAutomation, or null when SUIVI_FOLLOW_UPS is off. */
export const FOLLOW_UP_AUTOMATION_INSTANCE = Symbol('FollowUpAutomation');
