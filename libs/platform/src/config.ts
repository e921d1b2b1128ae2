import path from 'node:path';

export type Durability = 'normal' | 'full';
export type WorkerMode = 'inline' | 'off';

/** Everything Suivi reads from the environment, validated once at start-up. */
export interface SuiviConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly durability: Durability;
  readonly eventStoreUrl: string | null;
  readonly mongodbUrl: string | null;
  /** inline: the API process also runs the projection worker (the embedded default). */
  readonly worker: WorkerMode;
  readonly production: boolean;
  /** JSON file of contact modes, exchange subjects and custom fields; null: the defaults. */
  readonly catalogueFile: string | null;
}

export class ConfigError extends Error {
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const oneOf = <T extends string>(variable: string, value: string | undefined, allowed: readonly T[], fallback: T): T => {
  if (value === undefined || value === '') return fallback;
  const lowered = value.toLowerCase() as T;
  if (!allowed.includes(lowered)) throw new ConfigError(variable, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return lowered;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SuiviConfig {
  const rawPort = env['PORT'] ?? '3000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer between 0 and 65535 (got "${rawPort}")`);
  }
  const eventStoreUrl = env['EVENTSTORE_URL'] || null;
  if (eventStoreUrl && !/^(kurrentdb|esdb|kdb)(\+discover)?:\/\//.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL', 'must be a kurrentdb:// (or esdb://) connection string');
  }
  const mongodbUrl = env['MONGODB_URL'] || null;
  if (mongodbUrl && !/^mongodb(\+srv)?:\/\//.test(mongodbUrl)) {
    throw new ConfigError('MONGODB_URL', 'must be a mongodb:// or mongodb+srv:// connection string');
  }
  return {
    port,
    host: env['HOST'] || '0.0.0.0',
    dataDir: path.resolve(env['SUIVI_DATA_DIR'] || './data'),
    durability: oneOf('SUIVI_DURABILITY', env['SUIVI_DURABILITY'], ['normal', 'full'] as const, 'normal'),
    eventStoreUrl,
    mongodbUrl,
    worker: oneOf('SUIVI_WORKER', env['SUIVI_WORKER'], ['inline', 'off'] as const, 'inline'),
    production: env['NODE_ENV'] === 'production',
    catalogueFile: env['SUIVI_CATALOGUE_FILE'] ? path.resolve(env['SUIVI_CATALOGUE_FILE']) : null,
  };
}
