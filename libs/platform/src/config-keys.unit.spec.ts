import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('subject key settings from the environment', () => {
  it('stores keys unwrapped and reuses them for 60 s by default', () => {
    expect(loadConfig({})).toMatchObject({ keyEncryptionKey: null, subjectKeyCacheTtlMs: 60_000 });
  });

  it('reads a 32-byte key-encryption key in base64', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ SUIVI_KEY_ENCRYPTION_KEY: ` ${key.toString('base64')} ` }).keyEncryptionKey).toEqual(key);
  });

  it.each(['short', Buffer.alloc(16, 1).toString('base64'), Buffer.alloc(33, 1).toString('base64'), 'not*base64!'])(
    'refuses SUIVI_KEY_ENCRYPTION_KEY=%s without echoing it',
    (value) => {
      const attempt = () => loadConfig({ SUIVI_KEY_ENCRYPTION_KEY: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/SUIVI_KEY_ENCRYPTION_KEY: must be 32 bytes in base64/);
      expect(attempt).not.toThrow(value);
    },
  );

  it('reads the cache TTL in seconds, 0 to 3600', () => {
    expect(loadConfig({ SUIVI_KEY_CACHE_TTL_SECONDS: '0' }).subjectKeyCacheTtlMs).toBe(0);
    expect(loadConfig({ SUIVI_KEY_CACHE_TTL_SECONDS: '5' }).subjectKeyCacheTtlMs).toBe(5_000);
    expect(() => loadConfig({ SUIVI_KEY_CACHE_TTL_SECONDS: '3601' })).toThrow(/SUIVI_KEY_CACHE_TTL_SECONDS: must be an integer between 0 and 3600/);
    expect(() => loadConfig({ SUIVI_KEY_CACHE_TTL_SECONDS: '1.5' })).toThrow(ConfigError);
  });
});
