import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const ISSUE = 'mutation { issueCalendarFeed { path issuedAt position } }';
const REVOKE = 'mutation { revokeCalendarFeed { revoked position } }';
const SCHEDULE = 'mutation($input: ScheduleActivityInput!) { scheduleActivity(input: $input) { position activity { id } } }';
const CANCEL = 'mutation($input: CancelActivityInput!) { cancelActivity(input: $input) { position activity { id } } }';

/** Unfolds (RFC 5545 §3.1) and splits into components of name → value lists. */
function parse(body: string): { readonly lines: string[]; readonly components: { kind: string; props: Map<string, string> }[] } {
  const lines = body.replace(/\r\n[ \t]/g, '').split('\r\n').filter((line) => line !== '');
  const components: { kind: string; props: Map<string, string> }[] = [];
  let current: { kind: string; props: Map<string, string> } | null = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (name === 'BEGIN' && value !== 'VCALENDAR') current = { kind: value, props: new Map() };
    else if (name === 'END' && current !== null && value === current.kind) {
      components.push(current);
      current = null;
    } else current?.props.set(name, value);
  }
  return { lines, components };
}

describe('calendar feeds', () => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let bakery: string;

  const write = async <T>(document: string, variables: Json = {}): Promise<T> => {
    const data = await admin.read<Record<string, T & { position: string }>>(document, variables);
    const payload = Object.values(data)[0]!;
    if (BigInt(payload.position) > BigInt(admin.lastPosition)) admin.lastPosition = payload.position;
    // A query of a read model with the position waits for every read model, the feed's included.
    await admin.read('{ activities(first: 1) { totalCount } }');
    return payload;
  };
  const fetchFeed = (path: string) => fetch(`${suivi.url}${path}`);

  beforeAll(async () => {
    suivi = await SuiviApp.start();
    admin = new SuiviClient(suivi);
    bakery = (await admin.must('registerThirdParty', { name: 'Boulangerie du Nord', kind: 'COMPANY', roles: ['CUSTOMER'] })).thirdParty.id;
    await write(SCHEDULE, {
      input: {
        thirdPartyId: bakery,
        kind: 'MEETING',
        title: 'Tasting; croissants, pains au chocolat \\ brioches — a long title that needs folding in the feed',
        description: 'Bring samples\nand the price list',
        startAt: '2026-12-05T09:00:00Z',
        endAt: '2026-12-05T10:30:00Z',
      },
    });
    await write(SCHEDULE, { input: { thirdPartyId: bakery, kind: 'TASK', title: 'Send the quote', dueAt: '2026-12-07T17:00:00Z' } });
    const cancelled = await write<{ activity: { id: string } }>(SCHEDULE, {
      input: { thirdPartyId: bakery, kind: 'CALL', title: 'Cancelled call', startAt: '2026-12-06T09:00:00Z', endAt: '2026-12-06T09:30:00Z' },
    });
    await write(CANCEL, { input: { activityId: cancelled.activity.id } });
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('serves the user\'s activities as iCalendar at the issued URL, without a token', async () => {
    const { path } = await write<{ path: string }>(ISSUE);
    expect(path).toMatch(/^\/calendar\/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}\.ics$/);
    const response = await fetchFeed(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const body = await response.text();
    expect(body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true);
    // Every physical line ends in CRLF and fits in 75 octets; the long title was folded.
    const physical = body.split('\r\n').slice(0, -1);
    expect(physical.every((line) => !line.includes('\n') && Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    expect(physical.some((line) => line.startsWith(' '))).toBe(true);

    const { lines, components } = parse(body);
    expect(lines).toContain('VERSION:2.0');
    expect(components.map((component) => component.kind)).toEqual(['VEVENT', 'VTODO']);
    const [meeting, task] = components;
    expect(meeting!.props.get('SUMMARY')).toBe('Tasting\\; croissants\\, pains au chocolat \\\\ brioches — a long title that needs folding in the feed');
    expect(meeting!.props.get('DESCRIPTION')).toBe('Bring samples\\nand the price list');
    expect(meeting!.props.get('DTSTART')).toBe('20261205T090000Z');
    expect(meeting!.props.get('DTEND')).toBe('20261205T103000Z');
    expect(meeting!.props.get('UID')).toMatch(/^activity-[0-9a-f-]{36}@suivi$/);
    expect(meeting!.props.get('DTSTAMP')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(task!.props.get('DUE')).toBe('20261207T170000Z');
    expect(task!.props.get('STATUS')).toBe('NEEDS-ACTION');
  });

  it('answers a bare 404 for a wrong, replaced or revoked secret, and opens no other path', async () => {
    const { path: first } = await write<{ path: string }>(ISSUE);
    const { path: second } = await write<{ path: string }>(ISSUE);
    const wrong = second.replace(/\.[A-Za-z0-9_-]{43}\.ics$/, `.${'A'.repeat(43)}.ics`);
    for (const path of [first, wrong, '/calendar/nothing.ics']) {
      const response = await fetchFeed(path);
      expect({ path, status: response.status, body: await response.text() }).toEqual({ path, status: 404, body: '' });
    }
    expect((await fetchFeed(second)).status).toBe(200);
    await write(REVOKE);
    const revoked = await fetchFeed(second);
    expect({ status: revoked.status, body: await revoked.text() }).toEqual({ status: 404, body: '' });
    // Other paths still need a token.
    expect((await fetchFeed('/calendar')).status).toBe(401);
    expect((await fetchFeed('/calendar/a/b.ics')).status).toBe(401);
  });
});
