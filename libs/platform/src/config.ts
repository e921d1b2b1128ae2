import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './observability/logger.js';

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
  readonly limits: ApiLimits;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate
   * limits, logs): false (none), true (any), a hop count, or addresses/CIDRs.
   */
  readonly trustProxy: boolean | number | string;
  /** SUIVI_ADMIN_TOKEN: the first administrator's token, used on first start only; null: one is drawn and logged. */
  readonly adminToken: string | null;
  /** How long a verified API token is remembered before its slow hash is checked again; 0: never remembered. */
  readonly authCacheTtlMs: number;
  /** SUIVI_OIDC_*: JWTs of this OpenID Connect provider are accepted besides API tokens; null: API tokens only. */
  readonly oidc: OidcConfig | null;
  /** SUIVI_KEY_ENCRYPTION_KEY (32 bytes, base64): wraps the data subjects' keys at rest; null: stored unwrapped. */
  readonly keyEncryptionKey: Buffer | null;
  /** How long a process reuses a data subject's key before asking the key store again (SUIVI_KEY_CACHE_TTL_SECONDS). */
  readonly subjectKeyCacheTtlMs: number;
  /** SUIVI_RETENTION_FILE: JSON file of retention policies (see loadRetention); null: no retention automation. */
  readonly retentionFile: string | null;
  /** SMTP_URL (smtp:// or smtps://): where mail is sent; null: written as .eml files to <dataDir>/outbox instead. */
  readonly smtpUrl: string | null;
  /** SUIVI_MAIL_FROM: the From of every mail Suivi sends. */
  readonly mailFrom: string;
  /** SUIVI_NOTIFICATION_TEMPLATE_FILE: JSON { subject, text, html? } of the collaborator notification; null: the default. */
  readonly notificationTemplateFile: string | null;
  /** SUIVI_FOLLOW_UPS (on|off, default off): whether the follow-up automation runs and mails third parties. */
  readonly followUps: 'on' | 'off';
  /** SUIVI_FOLLOW_UP_FILE: JSON { policies: [...] } overriding the default follow-up policies; null: the defaults. */
  readonly followUpFile: string | null;
  /** SUIVI_FOLLOW_UP_TICK_SECONDS (default 60): how often the follow-up automation looks for due reminders. */
  readonly followUpTickMs: number;
  /** SUIVI_FOLLOW_UP_DRY_RUN=true: log what every policy would send; send nothing, record no sending. */
  readonly followUpDryRun: boolean;
  /** SUIVI_AGENDA_TICK_SECONDS (default 60): how often the agenda looks for activity reminders to mail. */
  readonly agendaTickMs: number;
  /** SUIVI_LOG_LEVEL (fatal, error, warn, info, debug, trace, silent): default info, warn under Jest. */
  readonly logLevel: LogLevel;
  /** SUIVI_READY_MAX_LAG_EVENTS (default 1000): /health/ready answers 503 while a projection is further behind the log. */
  readonly readyMaxLagEvents: number;
  /** SUIVI_METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <token>`; null: /metrics is open. */
  readonly metricsToken: string | null;
  /** SUIVI_WORKER_METRICS_PORT: the separate worker serves /metrics on this port; null (default): it serves nothing. */
  readonly workerMetricsPort: number | null;
}

export interface OidcConfig {
  /** Compared exactly with a token's `iss`. */
  readonly issuer: string;
  /** Where the provider publishes its signing keys. */
  readonly jwksUrl: string;
  /** What a token's `aud` must contain: Suivi's client id at the provider. */
  readonly audience: string;
  /** The claim holding the Suivi login; default preferred_username. */
  readonly userClaim: string;
}

/** What one client may ask of the API: GraphQL document limits, body size, request rate. */
export interface ApiLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly bodyLimitBytes: number;
  /** Requests per minute per bearer token (or per client address without one); 0: no limit. */
  readonly rateLimitPerMinute: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxDepth: 10,
  maxCost: 20_000,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 2_000,
  bodyLimitBytes: 1_048_576,
  rateLimitPerMinute: 600,
};

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
    limits: loadLimits(env),
    trustProxy: trustProxy(env['SUIVI_TRUST_PROXY']),
    adminToken: env['SUIVI_ADMIN_TOKEN'] || null,
    authCacheTtlMs: authCacheTtlMs(env['SUIVI_AUTH_CACHE_TTL_SECONDS']),
    oidc: loadOidc(env),
    keyEncryptionKey: keyEncryptionKey(env['SUIVI_KEY_ENCRYPTION_KEY']),
    subjectKeyCacheTtlMs: subjectKeyCacheTtlMs(env['SUIVI_KEY_CACHE_TTL_SECONDS']),
    retentionFile: env['SUIVI_RETENTION_FILE'] ? path.resolve(env['SUIVI_RETENTION_FILE']) : null,
    smtpUrl: smtpUrl(env['SMTP_URL']),
    mailFrom: mailFrom(env['SUIVI_MAIL_FROM']),
    notificationTemplateFile: env['SUIVI_NOTIFICATION_TEMPLATE_FILE'] ? path.resolve(env['SUIVI_NOTIFICATION_TEMPLATE_FILE']) : null,
    followUps: oneOf('SUIVI_FOLLOW_UPS', env['SUIVI_FOLLOW_UPS'], ['on', 'off'] as const, 'off'),
    followUpFile: env['SUIVI_FOLLOW_UP_FILE'] ? path.resolve(env['SUIVI_FOLLOW_UP_FILE']) : null,
    followUpTickMs: followUpTickMs(env['SUIVI_FOLLOW_UP_TICK_SECONDS']),
    followUpDryRun: oneOf('SUIVI_FOLLOW_UP_DRY_RUN', env['SUIVI_FOLLOW_UP_DRY_RUN'], ['true', 'false'] as const, 'false') === 'true',
    agendaTickMs: agendaTickMs(env['SUIVI_AGENDA_TICK_SECONDS']),
    logLevel: oneOf('SUIVI_LOG_LEVEL', env['SUIVI_LOG_LEVEL'], LOG_LEVELS, env['JEST_WORKER_ID'] ? 'warn' : 'info'),
    readyMaxLagEvents: integer(env, 'SUIVI_READY_MAX_LAG_EVENTS', DEFAULT_READY_MAX_LAG_EVENTS, 0),
    metricsToken: metricsToken(env['SUIVI_METRICS_TOKEN']),
    workerMetricsPort: workerMetricsPort(env['SUIVI_WORKER_METRICS_PORT']),
  };
}

/**
 * A few seconds of catching up for the SQLite runner: enough that a burst of
 * writes does not take an instance out of the load balancer, small enough that
 * one restarted from an old checkpoint (or rebuilding) is not sent readers.
 */
export const DEFAULT_READY_MAX_LAG_EVENTS = 1000;

function metricsToken(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  // The value is a secret: never echo it.
  if (value.length < 16 || /\s/.test(value)) throw new ConfigError('SUIVI_METRICS_TOKEN', 'must be at least 16 characters, without spaces');
  return value;
}

function workerMetricsPort(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '' || raw.trim().toLowerCase() === 'off') return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('SUIVI_WORKER_METRICS_PORT', `must be a port number between 0 and 65535, or off (got "${raw}")`);
  }
  return port;
}

const OIDC_VARIABLES = ['SUIVI_OIDC_ISSUER', 'SUIVI_OIDC_JWKS_URL', 'SUIVI_OIDC_AUDIENCE', 'SUIVI_OIDC_USER_CLAIM'] as const;

function loadOidc(env: NodeJS.ProcessEnv): OidcConfig | null {
  const value = (variable: (typeof OIDC_VARIABLES)[number]): string | null => env[variable]?.trim() || null;
  const issuer = value('SUIVI_OIDC_ISSUER');
  const jwksUrl = value('SUIVI_OIDC_JWKS_URL');
  if (issuer === null && jwksUrl === null) {
    // A lone audience or claim means the operator believes JWTs are accepted: say they are not.
    const stray = OIDC_VARIABLES.find((variable) => value(variable) !== null);
    if (stray) throw new ConfigError(stray, 'is set but SUIVI_OIDC_ISSUER and SUIVI_OIDC_JWKS_URL are not: set both to accept JWTs');
    return null;
  }
  if (issuer === null) throw new ConfigError('SUIVI_OIDC_ISSUER', 'must be set with SUIVI_OIDC_JWKS_URL (the provider\'s issuer, as in its tokens\' "iss")');
  if (jwksUrl === null) throw new ConfigError('SUIVI_OIDC_JWKS_URL', 'must be set with SUIVI_OIDC_ISSUER (the provider\'s jwks_uri)');
  secureUrl('SUIVI_OIDC_ISSUER', issuer);
  secureUrl('SUIVI_OIDC_JWKS_URL', jwksUrl);
  const audience = value('SUIVI_OIDC_AUDIENCE');
  if (audience === null) {
    throw new ConfigError('SUIVI_OIDC_AUDIENCE', 'must be set with SUIVI_OIDC_ISSUER (Suivi\'s client id): without it, a token issued for any other application would be accepted');
  }
  const userClaim = value('SUIVI_OIDC_USER_CLAIM') ?? 'preferred_username';
  if (!/^[A-Za-z0-9_.:/-]{1,100}$/.test(userClaim)) throw new ConfigError('SUIVI_OIDC_USER_CLAIM', `must be a claim name (got "${userClaim}")`);
  return { issuer, jwksUrl, audience, userClaim };
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Keys fetched in clear could be swapped on the way, and any token then forged: https, except on the machine itself. */
function secureUrl(variable: string, raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `must be an absolute https:// URL (got "${raw}")`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname)) return;
  throw new ConfigError(variable, `must be an https:// URL; http:// is accepted only for a loopback host (localhost, 127.0.0.1, [::1]) (got "${raw}")`);
}

const AUTH_CACHE_TTL_MAX_SECONDS = 3600;

function authCacheTtlMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60_000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > AUTH_CACHE_TTL_MAX_SECONDS) {
    throw new ConfigError('SUIVI_AUTH_CACHE_TTL_SECONDS', `must be an integer between 0 and ${AUTH_CACHE_TTL_MAX_SECONDS} (got "${raw}")`);
  }
  return seconds * 1000;
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

const integer = (env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number): number => {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(variable, `must be an integer ≥ ${min} (got "${raw}")`);
  return value;
};

function loadLimits(env: NodeJS.ProcessEnv): ApiLimits {
  const d = DEFAULT_API_LIMITS;
  return {
    maxDepth: integer(env, 'SUIVI_GRAPHQL_MAX_DEPTH', d.maxDepth, 1),
    maxCost: integer(env, 'SUIVI_GRAPHQL_MAX_COST', d.maxCost, 1),
    maxAliases: integer(env, 'SUIVI_GRAPHQL_MAX_ALIASES', d.maxAliases, 0),
    maxDirectives: integer(env, 'SUIVI_GRAPHQL_MAX_DIRECTIVES', d.maxDirectives, 0),
    maxTokens: integer(env, 'SUIVI_GRAPHQL_MAX_TOKENS', d.maxTokens, 1),
    bodyLimitBytes: integer(env, 'SUIVI_BODY_LIMIT_BYTES', d.bodyLimitBytes, 1024),
    rateLimitPerMinute: integer(env, 'SUIVI_RATE_LIMIT_PER_MINUTE', d.rateLimitPerMinute, 0),
  };
}

function keyEncryptionKey(raw: string | undefined): Buffer | null {
  const value = raw?.trim();
  if (!value) return null;
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    // The value is a secret: never echo it.
    throw new ConfigError('SUIVI_KEY_ENCRYPTION_KEY', 'must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)');
  }
  return key;
}

/**
 * A key destroyed by another process stays usable here until this runs out:
 * short, but long enough that replays and bursts do not ask the store per event.
 */
const KEY_CACHE_TTL_MAX_SECONDS = 3600;

function subjectKeyCacheTtlMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60_000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > KEY_CACHE_TTL_MAX_SECONDS) {
    throw new ConfigError('SUIVI_KEY_CACHE_TTL_SECONDS', `must be an integer between 0 and ${KEY_CACHE_TTL_MAX_SECONDS} (got "${raw}")`);
  }
  return seconds * 1000;
}

function smtpUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // The URL may hold a password: never echo it.
  }
  if (url === null || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '') {
    throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587');
  }
  return value;
}

export const DEFAULT_MAIL_FROM = 'Suivi <suivi@localhost>';

function mailFrom(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULT_MAIL_FROM;
  // A bare address or `Name <address>`; a line break would let the value write headers of its own.
  if (/[\r\n]/.test(value) || !/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(value)) {
    throw new ConfigError('SUIVI_MAIL_FROM', `must be an address or "Name <address>" (got "${value}")`);
  }
  return value;
}

/** Between 1 second and 1 day: reminders are due by the day, a tick only bounds how late in the day. */
function followUpTickMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60_000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new ConfigError('SUIVI_FOLLOW_UP_TICK_SECONDS', `must be a whole number of seconds between 1 and 86400 (got "${raw}")`);
  }
  return seconds * 1000;
}

/** Between 1 second and 1 hour: a reminder "15 minutes before" is late by at most a tick. */
function agendaTickMs(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60_000;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3_600) {
    throw new ConfigError('SUIVI_AGENDA_TICK_SECONDS', `must be a whole number of seconds between 1 and 3600 (got "${raw}")`);
  }
  return seconds * 1000;
}
