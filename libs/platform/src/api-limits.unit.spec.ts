import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_API_LIMITS, loadConfig } from './config.js';

describe('API limits from the environment', () => {
  it('defaults to the documented limits', () => {
    expect(loadConfig({}).limits).toEqual({
      maxDepth: 10,
      maxCost: 20_000,
      maxAliases: 15,
      maxDirectives: 50,
      maxTokens: 2_000,
      bodyLimitBytes: 1_048_576,
      rateLimitPerMinute: 600,
    });
    expect(loadConfig({}).limits).toEqual(DEFAULT_API_LIMITS);
  });

  it('reads each limit from its variable', () => {
    const limits = loadConfig({
      SUIVI_GRAPHQL_MAX_DEPTH: '7',
      SUIVI_GRAPHQL_MAX_COST: '900',
      SUIVI_GRAPHQL_MAX_ALIASES: '0',
      SUIVI_GRAPHQL_MAX_DIRECTIVES: '3',
      SUIVI_GRAPHQL_MAX_TOKENS: '400',
      SUIVI_BODY_LIMIT_BYTES: '65536',
      SUIVI_RATE_LIMIT_PER_MINUTE: '0',
    }).limits;
    expect(limits).toEqual({
      maxDepth: 7,
      maxCost: 900,
      maxAliases: 0,
      maxDirectives: 3,
      maxTokens: 400,
      bodyLimitBytes: 65_536,
      rateLimitPerMinute: 0,
    });
  });

  it.each([
    ['SUIVI_GRAPHQL_MAX_DEPTH', '0'],
    ['SUIVI_GRAPHQL_MAX_COST', 'lots'],
    ['SUIVI_GRAPHQL_MAX_ALIASES', '-1'],
    ['SUIVI_GRAPHQL_MAX_TOKENS', '1.5'],
    ['SUIVI_BODY_LIMIT_BYTES', '100'],
    ['SUIVI_RATE_LIMIT_PER_MINUTE', 'unlimited'],
  ])('refuses %s=%s at start-up, naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: must be an integer ≥ \\d+ \\(got "${value}"\\)$`));
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8,127.0.0.1', '10.0.0.0/8,127.0.0.1'],
  ])('reads SUIVI_TRUST_PROXY=%s as %p', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { SUIVI_TRUST_PROXY: value }).trustProxy).toBe(expected);
  });
});
