import { describe, expect, it } from '@jest/globals';
import { categoryOf, idOf, streams } from '../shared/streams.js';
import { securityStreamOf } from './security.events.js';

describe('the security stream', () => {
  it('is one stream per UTC day, in the security category, named by the day', () => {
    expect(securityStreamOf(new Date('2026-11-23T00:00:00.000Z'))).toBe('security-2026-11-23');
    expect(securityStreamOf(new Date('2026-11-23T23:59:59.999Z'))).toBe('security-2026-11-23');
    // 00:30 in Paris is still the previous day in UTC.
    expect(securityStreamOf(new Date('2026-11-24T00:30:00+01:00'))).toBe('security-2026-11-23');
    expect(categoryOf(streams.security('2026-11-23'))).toBe('security');
    expect(idOf(streams.security('2026-11-23'))).toBe('2026-11-23');
  });
});
