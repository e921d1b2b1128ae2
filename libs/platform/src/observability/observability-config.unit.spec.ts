import { describe, expect, it } from '@jest/globals';
import { ConfigError, DEFAULT_READY_MAX_LAG_EVENTS, loadConfig } from '../config.js';

describe('observability settings from the environment', () => {
  it('defaults: info logs (warn under Jest), 1000 events of lag, /metrics open, no worker listener', () => {
    expect(loadConfig({})).toMatchObject({ logLevel: 'info', readyMaxLagEvents: DEFAULT_READY_MAX_LAG_EVENTS, metricsToken: null, workerMetricsPort: null });
    expect(loadConfig({ JEST_WORKER_ID: '1' }).logLevel).toBe('warn');
    expect(DEFAULT_READY_MAX_LAG_EVENTS).toBe(1000);
  });

  it('reads the log level, the lag threshold, the metrics token and port', () => {
    expect(
      loadConfig({ SUIVI_LOG_LEVEL: 'DEBUG', SUIVI_READY_MAX_LAG_EVENTS: '0', SUIVI_METRICS_TOKEN: ' 0123456789abcdefXYZ ', SUIVI_WORKER_METRICS_PORT: '9464' }),
    ).toMatchObject({ logLevel: 'debug', readyMaxLagEvents: 0, metricsToken: '0123456789abcdefXYZ', workerMetricsPort: 9464 });
    expect(loadConfig({ SUIVI_WORKER_METRICS_PORT: 'off' }).workerMetricsPort).toBeNull();
  });

  it.each([
    ['SUIVI_LOG_LEVEL', 'loud', /SUIVI_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/],
    ['SUIVI_READY_MAX_LAG_EVENTS', '-1', /SUIVI_READY_MAX_LAG_EVENTS: must be an integer ≥ 0/],
    ['SUIVI_WORKER_METRICS_PORT', '70000', /SUIVI_WORKER_METRICS_PORT: must be a port number/],
  ])('refuses %s=%s naming the variable', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('refuses a short metrics token without echoing it', () => {
    const attempt = () => loadConfig({ SUIVI_METRICS_TOKEN: 'short secret' });
    expect(attempt).toThrow(/SUIVI_METRICS_TOKEN: must be at least 16 characters/);
    expect(attempt).not.toThrow(/short secret/);
  });
});
