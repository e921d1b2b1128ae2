import { readFileSync } from 'node:fs';
import { defaultCatalogue, validateCatalogue, type Catalogue } from '#domain';
import { ConfigError, type SuiviConfig } from './config.js';

/**
 * The configurable lists (contact modes, exchange subjects, custom fields):
 * SUIVI_CATALOGUE_FILE names a JSON file; without it, the defaults apply.
 */
export function loadCatalogue(config: Pick<SuiviConfig, 'catalogueFile'>): Catalogue {
  if (!config.catalogueFile) return defaultCatalogue;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(config.catalogueFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      'SUIVI_CATALOGUE_FILE',
      `cannot read ${config.catalogueFile} as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    return validateCatalogue(raw);
  } catch (error) {
    throw new ConfigError('SUIVI_CATALOGUE_FILE', `${config.catalogueFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
