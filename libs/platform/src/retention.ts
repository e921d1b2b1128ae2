import { readFileSync } from 'node:fs';
import { validateRetentionConfig, type RetentionConfig } from '#domain';
import { ConfigError, type SuiviConfig } from './config.js';

/**
 * The retention policies: SUIVI_RETENTION_FILE names a JSON file; without it
 * there is no retention automation (null). Read and checked at start, so a
 * wrong policy stops the process instead of erasing the wrong people later.
 */
export function loadRetention(config: Pick<SuiviConfig, 'retentionFile'>): RetentionConfig | null {
  if (!config.retentionFile) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(config.retentionFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      'SUIVI_RETENTION_FILE',
      `cannot read ${config.retentionFile} as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return validateRetentionConfig(raw);
  } catch (error) {
    throw new ConfigError('SUIVI_RETENTION_FILE', `${config.retentionFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
