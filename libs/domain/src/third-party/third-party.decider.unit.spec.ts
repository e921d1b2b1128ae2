import { describe, expect, it } from '@jest/globals';
import { defaultCatalogue, type Catalogue } from '../catalogue/catalogue.js';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type {
  ArchiveThirdParty,
  AssignThirdPartyOwner,
  CategoriseThirdParty,
  ConvertProspect,
  ForgetThirdParty,
  RegisterThirdParty,
  UpdateThirdParty,
} from './third-party.commands.js';
import { thirdPartyDecider, type ThirdPartyState } from './third-party.decider.js';
import type { ThirdPartyArchived, ThirdPartyEvent, ThirdPartyForgotten, ThirdPartyRegistered } from './third-party.events.js';
import { requireActiveThirdParty } from '../shared/references.js';
import { InvalidInput } from '../shared/errors.js';

const { given, fold } = deciderSpec(thirdPartyDecider);

const catalogue: Catalogue = {
  ...defaultCatalogue,
  customFields: [
    { key: 'sector', label: 'Sector', type: 'ENUM', options: ['bakery', 'retail'] },
    { key: 'employees', label: 'Employees', type: 'NUMBER' },
    { key: 'certified', label: 'Certified', type: 'BOOLEAN' },
    { key: 'contractEnd', label: 'Contract end', type: 'DATE' },
    { key: 'remark', label: 'Remark', type: 'STRING' },
  ],
};

const register = (data: Partial<RegisterThirdParty['data']> = {}): RegisterThirdParty => ({
  type: 'RegisterThirdParty',
  data: { thirdPartyId: 'tp-1', name: 'Boulangerie Martin', kind: 'COMPANY', roles: ['PROSPECT'], catalogue, ...data },
});

const registered = (data: Partial<ThirdPartyRegistered['data']> = {}): ThirdPartyRegistered => ({
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: 'tp-1',
    name: 'Boulangerie Martin',
    kind: 'COMPANY',
    roles: ['PROSPECT'],
    prospectStatus: 'NEVER_CONTACTED',
    leadSource: null,
    territory: null,
    vatNumber: null,
    email: null,
    phone: null,
    website: null,
    address: null,
    paymentTerms: null,
    customFields: {},
    registeredAt: '2026-03-01T08:00:00.000Z',
    ownerId: null,
    categories: [],
    tags: [],
    ...data,
  },
});

const customer = registered({ roles: ['CUSTOMER'], prospectStatus: null });

const archived: ThirdPartyArchived = {
  type: 'ThirdPartyArchived',
  data: { thirdPartyId: 'tp-1', name: 'Boulangerie Martin', reason: null, archivedAt: '2026-03-01T12:00:00.000Z' },
};

const update = (data: Partial<UpdateThirdParty['data']>): UpdateThirdParty => ({
  type: 'UpdateThirdParty',
  data: { thirdPartyId: 'tp-1', catalogue, ...data },
});

const assign = (ownerId: string | null): AssignThirdPartyOwner => ({ type: 'AssignThirdPartyOwner', data: { thirdPartyId: 'tp-1', ownerId } });

const categorise = (data: Partial<CategoriseThirdParty['data']>): CategoriseThirdParty => ({
  type: 'CategoriseThirdParty',
  data: { thirdPartyId: 'tp-1', ...data },
});

const archive = (reason?: string | null): ArchiveThirdParty => ({ type: 'ArchiveThirdParty', data: { thirdPartyId: 'tp-1', reason } });

const convert = (firstExchangeAt: string | null): ConvertProspect => ({
  type: 'ConvertProspect',
  data: { thirdPartyId: 'tp-1', firstExchangeAt },
});

const registeredState = (state: ThirdPartyState) => {
  if (state.status === 'none') throw new Error('expected a registered third party');
  return state;
};

describe('RegisterThirdParty', () => {
  it('records a new prospect with every field present and the time from the command', () => {
    given([]).when(register()).then([registered({ registeredAt: '2026-03-02T09:30:00.000Z' })]);
  });

  it('records the whole profile, owner, categories, tags and custom fields, normalised', () => {
    const [event] = given([])
      .when(
        register({
          roles: ['CUSTOMER', 'SUPPLIER'],
          leadSource: ' trade fair ',
          territory: 'Lyon',
          vatNumber: 'fr 12 345678901',
          email: 'Contact@Boulangerie-Martin.FR',
          phone: '+33 4 72 00 00 00',
          website: 'https://boulangerie-martin.fr',
          address: { street: '12 rue Mercière', postalCode: '69002', city: 'Lyon', country: 'fr' },
          paymentTerms: '30 days end of month',
          ownerId: 'user-7',
          categories: ['Retail', 'bakery', 'retail'],
          tags: ['vip'],
          customFields: { sector: 'bakery', employees: 12, certified: true, contractEnd: '2027-01-31', remark: ' family business ' },
        }),
      )
      .events();
    expect(event).toEqual(
      registered({
        roles: ['CUSTOMER', 'SUPPLIER'],
        prospectStatus: null,
        leadSource: 'trade fair',
        territory: 'Lyon',
        vatNumber: 'FR12345678901',
        email: 'Contact@boulangerie-martin.fr',
        phone: '+33 4 72 00 00 00',
        website: 'https://boulangerie-martin.fr',
        address: { street: '12 rue Mercière', postalCode: '69002', city: 'Lyon', region: null, country: 'FR' },
        paymentTerms: '30 days end of month',
        ownerId: 'user-7',
        categories: ['bakery', 'Retail'],
        tags: ['vip'],
        customFields: { certified: true, contractEnd: '2027-01-31', employees: 12, remark: 'family business', sector: 'bakery' },
        registeredAt: '2026-03-02T09:30:00.000Z',
      }),
    );
  });

  it('trims the name and puts roles in canonical order without duplicates', () => {
    const [event] = given([]).when(register({ name: '  Café  Dupont ', roles: ['SUPPLIER', 'PROSPECT', 'SUPPLIER'] })).events();
    expect(event?.type === 'ThirdPartyRegistered' && event.data.name).toBe('Café  Dupont');
    expect(event?.type === 'ThirdPartyRegistered' && event.data.roles).toEqual(['PROSPECT', 'SUPPLIER']);
  });

  it('normalises the name to NFC so the same name is stored one way', () => {
    const [event] = given([]).when(register({ name: 'Cafe\u0301' })).events();
    expect(event?.type === 'ThirdPartyRegistered' && event.data.name).toBe('Café');
  });

  it('accepts a third party without any role', () => {
    const [event] = given([]).when(register({ roles: [] })).events();
    expect(event?.data).toMatchObject({ roles: [], prospectStatus: null });
  });

  it('keeps the prospect status given for a prospect', () => {
    const [event] = given([]).when(register({ prospectStatus: 'TO_CONTACT' })).events();
    expect(event?.data).toMatchObject({ prospectStatus: 'TO_CONTACT' });
  });

  it('stores an address whose fields are all blank as no address, and leaves out null custom fields', () => {
    const [event] = given([])
      .when(register({ address: { street: ' ', city: null }, customFields: { sector: null, employees: 3 } }))
      .events();
    expect(event?.data).toMatchObject({ address: null, customFields: { employees: 3 } });
  });

  it('needs no catalogue when no custom field is given', () => {
    const { catalogue: _unused, ...withoutCatalogue } = register().data;
    const [event] = given([])
      .when({ type: 'RegisterThirdParty', data: withoutCatalogue as RegisterThirdParty['data'] })
      .events();
    expect(event?.type).toBe('ThirdPartyRegistered');
  });

  it.each<[string, Partial<RegisterThirdParty['data']>, string, RegExp | null]>([
    ['an empty name', { name: '   ' }, 'name', /must not be empty/],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name', /at most 200/],
    ['a control character in the name', { name: 'Acme\u0007' }, 'name', null],
    ['a newline in the name', { name: 'Acme\nCorp' }, 'name', null],
    ['a lone surrogate in the name', { name: 'Acme \ud800' }, 'name', /valid Unicode/],
    ['an unknown kind', { kind: 'ROBOT' as never }, 'kind', /COMPANY, INDIVIDUAL/],
    ['an unknown role', { roles: ['PROSPECT', 'FRIEND'] }, 'roles[1]', /PROSPECT, CUSTOMER, SUPPLIER/],
    ['a prospect status for a non-prospect', { roles: ['CUSTOMER'], prospectStatus: 'TO_CONTACT' }, 'prospectStatus', /PROSPECT role/],
    ['an unknown prospect status', { prospectStatus: 'HOT' as never }, 'prospectStatus', /NEVER_CONTACTED/],
    ['a malformed email', { email: 'contact at martin' }, 'email', null],
    ['an email over 254 characters', { email: `${'a'.repeat(60)}@${'b'.repeat(200)}.fr` }, 'email', null],
    ['a malformed phone', { phone: 'ask reception' }, 'phone', null],
    ['a phone over 50 characters', { phone: '1'.repeat(51) }, 'phone', null],
    ['a website that is not http(s)', { website: 'ftp://martin.fr' }, 'website', null],
    ['a VAT number with symbols', { vatNumber: 'FR#123' }, 'vatNumber', null],
    ['a VAT number over 30 characters', { vatNumber: '1'.repeat(31) }, 'vatNumber', null],
    ['a lead source over 200 characters', { leadSource: 'x'.repeat(201) }, 'leadSource', null],
    ['a territory with a tab', { territory: 'North\tEast' }, 'territory', null],
    ['payment terms over 200 characters', { paymentTerms: 'x'.repeat(201) }, 'paymentTerms', null],
    ['a three-letter country', { address: { country: 'FRA' } }, 'address.country', /alpha-2/],
    ['a city over 200 characters', { address: { city: 'x'.repeat(201) } }, 'address.city', null],
    ['an unknown address field', { address: { planet: 'Earth' } as never }, 'address.planet', null],
    ['an empty category', { categories: ['ok', ''] }, 'categories[1]', null],
    ['a tag over 100 characters', { tags: ['x'.repeat(101)] }, 'tags[0]', null],
    ['more than 50 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags', /at most 50/],
    ['an undeclared custom field', { customFields: { colour: 'red' } }, 'customFields.colour', /not a declared custom field/],
    ['a string for a NUMBER field', { customFields: { employees: '12' } }, 'customFields.employees', /NUMBER/],
    ['an infinite NUMBER', { customFields: { employees: Number.POSITIVE_INFINITY } }, 'customFields.employees', /finite/],
    ['NaN for a NUMBER field', { customFields: { employees: Number.NaN } }, 'customFields.employees', /finite/],
    ['a string for a BOOLEAN field', { customFields: { certified: 'yes' } }, 'customFields.certified', /BOOLEAN/],
    ['a value outside an ENUM', { customFields: { sector: 'mining' } }, 'customFields.sector', /bakery, retail/],
    ['a DATE in another format', { customFields: { contractEnd: '31/01/2027' } }, 'customFields.contractEnd', /YYYY-MM-DD/],
    ['a DATE that does not exist', { customFields: { contractEnd: '2027-02-30' } }, 'customFields.contractEnd', /existing date/],
    ['a number for a DATE field', { customFields: { contractEnd: 20270131 } }, 'customFields.contractEnd', /DATE/],
    ['a STRING over 1000 characters', { customFields: { remark: 'x'.repeat(1001) } }, 'customFields.remark', /at most 1000/],
    ['a number for a STRING field', { customFields: { remark: 7 } }, 'customFields.remark', /STRING/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(register(data)).thenInvalid(field, message ?? undefined);
  });

  it('is a no-op when the same registration is repeated', () => {
    given([registered()]).when(register()).thenNothing();
  });

  it('refuses a different registration of an existing third party', () => {
    given([registered()]).when(register({ name: 'Another name' })).thenViolates(/already registered/);
  });

  it('refuses a different registration of an archived third party', () => {
    given([registered(), archived]).when(register({ name: 'Another name' })).thenViolates(/archived/);
  });
});

describe('UpdateThirdParty', () => {
  it('refuses an unknown third party', () => {
    given([]).when(update({ name: 'X' })).thenNotFound('third party', 'tp-1');
  });

  it('records only the fields whose value changes, old → new, with the name after the change', () => {
    given([registered({ territory: 'Lyon' })])
      .when(update({ name: 'Boulangerie Martin & Fils', territory: 'Lyon', email: 'hello@martin.fr', leadSource: null }))
      .then([
        {
          type: 'ThirdPartyUpdated',
          data: {
            thirdPartyId: 'tp-1',
            name: 'Boulangerie Martin & Fils',
            changes: [
              { field: 'name', from: 'Boulangerie Martin', to: 'Boulangerie Martin & Fils' },
              { field: 'email', from: null, to: 'hello@martin.fr' },
            ],
          },
        },
      ]);
  });

  it('is a no-op when nothing changes', () => {
    given([registered({ territory: 'Lyon' })]).when(update({ name: ' Boulangerie Martin ', territory: 'Lyon' })).thenNothing();
    given([registered()]).when(update({})).thenNothing();
  });

  it('clears a field with null', () => {
    const [event] = given([registered({ phone: '04 72 00 00 00' })]).when(update({ phone: null })).events();
    expect(event?.data).toMatchObject({ changes: [{ field: 'phone', from: '04 72 00 00 00', to: null }] });
  });

  it('merges address fields one by one and records each as address.<field>', () => {
    const address = { street: '12 rue Mercière', postalCode: '69002', city: 'Lyon', region: null, country: 'FR' };
    const when = given([registered({ address })]).when(update({ address: { city: 'Villeurbanne', postalCode: '69100' } }));
    expect(when.events()[0]?.data).toMatchObject({
      changes: [
        { field: 'address.postalCode', from: '69002', to: '69100' },
        { field: 'address.city', from: 'Lyon', to: 'Villeurbanne' },
      ],
    });
    expect(registeredState(when.state()).profile.address).toEqual({ ...address, postalCode: '69100', city: 'Villeurbanne' });
  });

  it('clears the whole address with null', () => {
    const address = { street: null, postalCode: null, city: 'Lyon', region: null, country: 'FR' };
    const when = given([registered({ address })]).when(update({ address: null }));
    expect(when.events()[0]?.data).toMatchObject({
      changes: [
        { field: 'address.city', from: 'Lyon', to: null },
        { field: 'address.country', from: 'FR', to: null },
      ],
    });
    expect(registeredState(when.state()).profile.address).toBeNull();
  });

  it('merges custom fields: sets, changes and removes (null) keys, one change per key', () => {
    const when = given([registered({ customFields: { employees: 12, sector: 'bakery' } })]).when(
      update({ customFields: { sector: 'retail', employees: null, certified: false } }),
    );
    expect(when.events()[0]?.data).toMatchObject({
      changes: [
        { field: 'customFields.certified', from: null, to: false },
        { field: 'customFields.employees', from: 12, to: null },
        { field: 'customFields.sector', from: 'bakery', to: 'retail' },
      ],
    });
    expect(registeredState(when.state()).profile.customFields).toEqual({ certified: false, sector: 'retail' });
  });

  it('refuses an undeclared or mistyped custom field', () => {
    given([registered()]).when(update({ customFields: { colour: 'red' } })).thenInvalid('customFields.colour');
    given([registered()]).when(update({ customFields: { employees: 'many' } })).thenInvalid('customFields.employees');
  });

  it('gives a new prospect the NEVER_CONTACTED status', () => {
    given([customer])
      .when(update({ roles: ['CUSTOMER', 'PROSPECT'] }))
      .then([
        {
          type: 'ThirdPartyUpdated',
          data: {
            thirdPartyId: 'tp-1',
            name: 'Boulangerie Martin',
            changes: [
              { field: 'roles', from: ['CUSTOMER'], to: ['PROSPECT', 'CUSTOMER'] },
              { field: 'prospectStatus', from: null, to: 'NEVER_CONTACTED' },
            ],
          },
        },
      ]);
  });

  it('drops the prospect status when the PROSPECT role goes', () => {
    const [event] = given([registered({ prospectStatus: 'CONTACTED' })]).when(update({ roles: ['SUPPLIER'] })).events();
    expect(event?.data).toMatchObject({
      changes: [
        { field: 'roles', from: ['PROSPECT'], to: ['SUPPLIER'] },
        { field: 'prospectStatus', from: 'CONTACTED', to: null },
      ],
    });
  });

  it('changes the prospect status of a prospect, and resets a cleared one to NEVER_CONTACTED', () => {
    const [changed] = given([registered()]).when(update({ prospectStatus: 'IN_PROGRESS' })).events();
    expect(changed?.data).toMatchObject({ changes: [{ field: 'prospectStatus', from: 'NEVER_CONTACTED', to: 'IN_PROGRESS' }] });
    const [reset] = given([registered({ prospectStatus: 'CONTACTED' })]).when(update({ prospectStatus: null })).events();
    expect(reset?.data).toMatchObject({ changes: [{ field: 'prospectStatus', from: 'CONTACTED', to: 'NEVER_CONTACTED' }] });
  });

  it('refuses a prospect status for a third party that is not a prospect', () => {
    given([customer]).when(update({ prospectStatus: 'TO_CONTACT' })).thenInvalid('prospectStatus', /PROSPECT role/);
    given([registered()]).when(update({ roles: ['CUSTOMER'], prospectStatus: 'TO_CONTACT' })).thenInvalid('prospectStatus');
  });

  it.each<[string, Partial<UpdateThirdParty['data']>, string]>([
    ['an empty name', { name: '' }, 'name'],
    ['an unknown kind', { kind: 'ROBOT' as never }, 'kind'],
    ['an unknown role', { roles: ['BOSS'] }, 'roles[0]'],
    ['a malformed email', { email: 'nope' }, 'email'],
    ['a malformed website', { website: 'martin.fr' }, 'website'],
    ['a malformed country', { address: { country: '33' } }, 'address.country'],
  ])('refuses %s, naming the field', (_label, data, field) => {
    given([registered()]).when(update(data)).thenInvalid(field);
  });

  it('refuses any change to an archived third party, but a no-op stays a no-op', () => {
    given([registered(), archived]).when(update({ territory: 'Paris' })).thenViolates(/archived/);
    given([registered(), archived]).when(update({ name: 'Boulangerie Martin' })).thenNothing();
  });
});

describe('AssignThirdPartyOwner', () => {
  it('records the owner change', () => {
    given([registered()])
      .when(assign('user-2'))
      .then([
        {
          type: 'ThirdPartyOwnerAssigned',
          data: { thirdPartyId: 'tp-1', name: 'Boulangerie Martin', changes: [{ field: 'ownerId', from: null, to: 'user-2' }] },
        },
      ]);
  });

  it('unassigns with null and updates the state', () => {
    const when = given([registered({ ownerId: 'user-2' })]).when(assign(null));
    expect(when.events()[0]?.data).toMatchObject({ changes: [{ field: 'ownerId', from: 'user-2', to: null }] });
    expect(registeredState(when.state()).ownerId).toBeNull();
  });

  it('is a no-op for the same owner', () => {
    given([registered({ ownerId: 'user-2' })]).when(assign('user-2')).thenNothing();
  });

  it('refuses an empty owner id', () => {
    given([registered()]).when(assign('')).thenInvalid('ownerId');
  });

  it('refuses an unknown or archived third party', () => {
    given([]).when(assign('user-2')).thenNotFound('third party', 'tp-1');
    given([registered(), archived]).when(assign('user-2')).thenViolates(/archived/);
  });
});

describe('CategoriseThirdParty', () => {
  it('replaces the lists given, normalised, leaving the others', () => {
    const when = given([registered({ categories: ['bakery'], tags: ['vip'] })]).when(categorise({ categories: [' Retail', 'bakery', 'RETAIL'] }));
    when.then([
      {
        type: 'ThirdPartyCategorised',
        data: {
          thirdPartyId: 'tp-1',
          name: 'Boulangerie Martin',
          changes: [{ field: 'categories', from: ['bakery'], to: ['bakery', 'Retail'] }],
        },
      },
    ]);
    expect(registeredState(when.state())).toMatchObject({ categories: ['bakery', 'Retail'], tags: ['vip'] });
  });

  it('records categories and tags together', () => {
    const [event] = given([registered()]).when(categorise({ categories: ['b'], tags: ['t'] })).events();
    expect(event?.data).toMatchObject({
      changes: [
        { field: 'categories', from: [], to: ['b'] },
        { field: 'tags', from: [], to: ['t'] },
      ],
    });
  });

  it('is a no-op when the sets are the same in another order', () => {
    given([registered({ tags: ['a', 'b'] })]).when(categorise({ tags: ['b', 'a', 'A'] })).thenNothing();
    given([registered()]).when(categorise({})).thenNothing();
  });

  it('refuses a bad label, an unknown or an archived third party', () => {
    given([registered()]).when(categorise({ tags: ['ok', '\u0000'] })).thenInvalid('tags[1]');
    given([]).when(categorise({ tags: ['vip'] })).thenNotFound('third party', 'tp-1');
    given([registered(), archived]).when(categorise({ tags: ['vip'] })).thenViolates(/archived/);
  });
});

describe('ArchiveThirdParty', () => {
  it('archives with the reason and the time from the command', () => {
    given([registered()])
      .when(archive(' Closed down\r\nfor good '))
      .then([
        {
          type: 'ThirdPartyArchived',
          data: { thirdPartyId: 'tp-1', name: 'Boulangerie Martin', reason: 'Closed down\nfor good', archivedAt: '2026-03-02T09:30:00.000Z' },
        },
      ]);
  });

  it('leaves the third party archived in the state', () => {
    expect(given([registered()]).when(archive()).state().status).toBe('archived');
  });

  it('is a no-op the second time', () => {
    given([registered(), archived]).when(archive('again')).thenNothing();
  });

  it('refuses an unknown third party and a bad reason', () => {
    given([]).when(archive()).thenNotFound('third party', 'tp-1');
    given([registered()]).when(archive('x'.repeat(10_001))).thenInvalid('reason');
    given([registered()]).when(archive('bell\u0007')).thenInvalid('reason');
  });
});

describe('ConvertProspect', () => {
  it('turns the prospect into a customer, recording when, by whom and the time since the first exchange', () => {
    given([registered({ prospectStatus: 'CONTACTED' })])
      .when(convert('2026-02-28T09:30:00+01:00'), fixedContext({ actorId: 'user-9' }))
      .then([
        {
          type: 'ProspectConverted',
          data: {
            thirdPartyId: 'tp-1',
            name: 'Boulangerie Martin',
            convertedAt: '2026-03-02T09:30:00.000Z',
            convertedBy: 'user-9',
            firstExchangeAt: '2026-02-28T08:30:00.000Z',
            msSinceFirstExchange: 2 * 24 * 3600 * 1000 + 3600 * 1000,
            changes: [
              { field: 'roles', from: ['PROSPECT'], to: ['CUSTOMER'] },
              { field: 'prospectStatus', from: 'CONTACTED', to: null },
            ],
          },
        },
      ]);
  });

  it('keeps the other roles', () => {
    const [event] = given([registered({ roles: ['PROSPECT', 'SUPPLIER'] })]).when(convert(null)).events();
    expect(event?.data).toMatchObject({ changes: [{ field: 'roles', from: ['PROSPECT', 'SUPPLIER'], to: ['CUSTOMER', 'SUPPLIER'] }, { field: 'prospectStatus' }] });
  });

  it('records no duration when there was no exchange', () => {
    const [event] = given([registered()]).when(convert(null)).events();
    expect(event?.data).toMatchObject({ firstExchangeAt: null, msSinceFirstExchange: null });
  });

  it('never records a negative duration for a first exchange dated after the conversion', () => {
    const [event] = given([registered()]).when(convert('2026-03-05T10:00:00.000Z')).events();
    expect(event?.data).toMatchObject({ firstExchangeAt: '2026-03-05T10:00:00.000Z', msSinceFirstExchange: 0 });
  });

  it('leaves a customer with the conversion date in the state', () => {
    const state = registeredState(given([registered()]).when(convert(null)).state());
    expect(state).toMatchObject({ convertedAt: '2026-03-02T09:30:00.000Z', profile: { roles: ['CUSTOMER'], prospectStatus: null } });
  });

  it('refuses to convert a third party that is not a prospect, saying so', () => {
    given([customer]).when(convert(null)).thenViolates(/Boulangerie Martin.*tp-1\) is not a prospect/);
  });

  it('refuses a second conversion', () => {
    const first = given([registered()]).when(convert(null)).events();
    given([registered(), ...first]).when(convert(null)).thenViolates(/is not a prospect/);
  });

  it('refuses an unknown or an archived third party', () => {
    given([]).when(convert(null)).thenNotFound('third party', 'tp-1');
    given([registered(), archived]).when(convert(null)).thenViolates(/archived/);
  });

  it('refuses an unreadable first exchange date', () => {
    given([registered()]).when(convert('last spring')).thenInvalid('firstExchangeAt');
  });
});

describe('evolve', () => {
  it('folds a history into the current record', () => {
    const history: ThirdPartyEvent[] = [
      registered({ tags: ['vip'] }),
      {
        type: 'ThirdPartyUpdated',
        data: { thirdPartyId: 'tp-1', name: 'Martin SA', changes: [{ field: 'name', from: 'Boulangerie Martin', to: 'Martin SA' }] },
      },
      { type: 'ThirdPartyOwnerAssigned', data: { thirdPartyId: 'tp-1', name: 'Martin SA', changes: [{ field: 'ownerId', from: null, to: 'user-3' }] } },
      archived,
    ];
    expect(fold(history)).toEqual({
      status: 'archived',
      thirdPartyId: 'tp-1',
      registeredAt: '2026-03-01T08:00:00.000Z',
      ownerId: 'user-3',
      categories: [],
      tags: ['vip'],
      convertedAt: null,
      profile: expect.objectContaining({ name: 'Martin SA', roles: ['PROSPECT'], prospectStatus: 'NEVER_CONTACTED' }),
    });
  });

  it('ignores events on a third party that was never registered', () => {
    expect(fold([archived])).toEqual({ status: 'none' });
  });
});

describe('ForgetThirdParty', () => {
  const forget = (data: Partial<ForgetThirdParty['data']> = {}): ForgetThirdParty => ({
    type: 'ForgetThirdParty',
    data: { thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: 'GDPR-42', contactIds: ['c-1', 'c-2'], ...data },
  });
  const forgotten: ThirdPartyForgotten = {
    type: 'ThirdPartyForgotten',
    data: {
      thirdPartyId: 'tp-1',
      reason: 'SUBJECT_REQUEST',
      reference: 'GDPR-42',
      forgottenAt: '2026-03-02T09:30:00.000Z',
      contactIds: ['c-1', 'c-2'],
    },
  };

  it('records the erasure with the contacts forgotten with it, and nothing personal', () => {
    given([registered()]).when(forget()).then([forgotten]);
  });

  it('forgets an archived third party too; contacts are listed once', () => {
    given([registered(), archived])
      .when(forget({ contactIds: ['c-1', 'c-1'], reference: null }))
      .then([{ type: 'ThirdPartyForgotten', data: { ...forgotten.data, contactIds: ['c-1'], reference: null } }]);
  });

  it('is a no-op the second time, so an interrupted erasure can be run again', () => {
    given([registered(), forgotten]).when(forget({ contactIds: [] })).thenNothing();
  });

  it('leaves the third party forgotten with its classification, which scope still reads', () => {
    const state = given([registered({ territory: 'FR-69', ownerId: 'user-2' })]).when(forget()).state();
    expect(state).toMatchObject({ status: 'forgotten', forgottenAt: '2026-03-02T09:30:00.000Z', contactIds: ['c-1', 'c-2'], ownerId: 'user-2' });
    expect(registeredState(state).profile.territory).toBe('FR-69');
    expect(fold([registered(), forgotten, archived])).toMatchObject({ status: 'forgotten' });
  });

  it('refuses an unknown third party and bad input', () => {
    given([]).when(forget()).thenNotFound('third party', 'tp-1');
    given([registered()]).when(forget({ reason: 'WHY' as never })).thenInvalid('reason');
    given([registered()]).when(forget({ reference: 'x'.repeat(101) })).thenInvalid('reference');
    given([registered()]).when(forget({ contactIds: [''] })).thenInvalid('contactIds[0]');
  });

  it('refuses every further command on a forgotten third party with a clear error', () => {
    const history = [registered(), forgotten];
    const refusal = /third party tp-1 was forgotten on 2026-03-02 .*no further command/;
    given(history).when(update({ name: 'Other' })).thenViolates(refusal);
    given(history).when(assign('user-3')).thenViolates(refusal);
    given(history).when(categorise({ tags: ['x'] })).thenViolates(refusal);
    given(history).when(archive()).thenViolates(refusal);
    given(history).when(convert(null)).thenViolates(refusal);
    given(history).when(register()).thenViolates(refusal);
  });

  it('is answered as unknown when another command names it', () => {
    expect(() => requireActiveThirdParty({ thirdPartyId: 'tp-1', status: 'forgotten' }, 'thirdPartyId')).toThrow(
      new InvalidInput('thirdPartyId', 'no third party with id tp-1'),
    );
  });
});
