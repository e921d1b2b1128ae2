import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';
import { loadRetention } from './retention.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'suivi-retention-'));
const file = (name: string, content: string): string => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retention policies from SUIVI_RETENTION_FILE', () => {
  it('runs no retention automation when the variable is not set', () => {
    expect(loadConfig({}).retentionFile).toBeNull();
    expect(loadRetention(loadConfig({}))).toBeNull();
  });

  it('reads and checks the file the variable names', () => {
    const policies = file(
      'ok.json',
      JSON.stringify({ policies: [{ name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' }], runEvery: 'P1D' }),
    );
    const config = loadConfig({ SUIVI_RETENTION_FILE: policies });
    expect(config.retentionFile).toBe(policies);
    expect(loadRetention(config)).toEqual({
      policies: [{ name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' }],
      runEvery: 'P1D',
      runEveryMs: 86_400_000,
    });
  });

  it('names the variable, the file and the field of a wrong policy', () => {
    const wrong = file('wrong.json', JSON.stringify({ policies: [{ name: 'old', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: -1, mode: 'AUTOMATIC' }] }));
    const attempt = () => loadRetention({ retentionFile: wrong });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`SUIVI_RETENTION_FILE: ${wrong}: policies[0].afterMonths: must be a whole number of months between 1 and 1200`);
  });

  it('says when the file cannot be read as JSON', () => {
    expect(() => loadRetention({ retentionFile: file('broken.json', '{ "policies": [') })).toThrow(/^SUIVI_RETENTION_FILE: cannot read .*broken\.json as JSON/);
    expect(() => loadRetention({ retentionFile: path.join(dir, 'missing.json') })).toThrow(/SUIVI_RETENTION_FILE: cannot read .*missing\.json/);
  });
});
