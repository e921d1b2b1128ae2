import { readFileSync } from 'node:fs';
import { defaultFollowUpPolicies, validateFollowUpPolicies, type FollowUpPolicy } from '#domain';
import { ConfigError, type SuiviConfig } from '#platform';

/**
 * The follow-up policies: the defaults, or SUIVI_FOLLOW_UP_FILE's. Read and
 * checked (every template against the known variables) at start, so a typo
 * stops the process rather than reaching a client.
 */
export function loadFollowUpPolicies(config: Pick<SuiviConfig, 'followUpFile'>): readonly FollowUpPolicy[] {
  if (config.followUpFile === null) return defaultFollowUpPolicies;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(config.followUpFile, 'utf8'));
  } catch (error) {
    throw new ConfigError('SUIVI_FOLLOW_UP_FILE', `cannot read ${config.followUpFile} as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    return validateFollowUpPolicies(raw);
  } catch (error) {
    throw new ConfigError('SUIVI_FOLLOW_UP_FILE', `${config.followUpFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
