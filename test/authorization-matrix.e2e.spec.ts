import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { defaultGroups, type Permission } from '#domain';
import { operationRules, type AccessRule } from '../apps/api/src/auth/operation-rules.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

/**
 * The authorization matrix, generated: every root operation the running server
 * offers × every default group (and a user in none) → allowed or FORBIDDEN, as
 * operation-rules.ts and the groups' permissions say. An operation missing from
 * the table fails here, before any request.
 */

type Role = { readonly name: string; readonly permissions: readonly Permission[] };
const roles: Role[] = [...defaultGroups.map((group) => ({ name: group.code, permissions: group.permissions })), { name: 'no group', permissions: [] }];

const allowedFor = (role: Role, rule: AccessRule): boolean => rule === 'authenticated' || role.permissions.includes(rule);

const rules = operationRules as Record<string, AccessRule>;

/** A value the schema accepts for a type: every required field filled, optional ones left out. */
function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [sampleValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type) && field.defaultValue === undefined)
        .map((field) => [field.name, sampleValue(field.type)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return randomUUID();
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return '2026-01-05T09:00:00.000Z';
      default:
        return 'x';
    }
  }
  throw new Error(`no sample for input type ${String(type)}`);
}

/** A request running one field with sample arguments and the smallest selection. */
function requestFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const argumentList = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${operation}${declarations ? `(${declarations})` : ''} { ${field.name}${argumentList ? `(${argumentList})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, sampleValue(arg.type)])),
  };
}

/**
 * How to reach each guarded field that is not a root field: a root field that
 * returns its parent (the seeded third party, contact or exchange), and the
 * field under it. A guarded field missing here fails the test.
 */
const nestedPaths: Record<string, { readonly root: string; readonly query: string }> = {
  'ThirdParty.lastInteractionAt': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { lastInteractionAt } }' },
  'ThirdParty.timeline': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { timeline(first: 1) { __typename } } }' },
  'ThirdParty.contacts': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { contacts { __typename } } }' },
  'ThirdParty.commercialDocuments': {
    root: 'Query.thirdParty',
    query: 'query($tp: ID!) { thirdParty(id: $tp) { commercialDocuments(first: 1) { __typename } } }',
  },
  'Exchange.thirdParty': { root: 'Query.exchange', query: 'query($ex: ID!) { exchange(id: $ex) { thirdParty { __typename } } }' },
  'Exchange.contacts': { root: 'Query.exchange', query: 'query($ex: ID!) { exchange(id: $ex) { contacts { __typename } } }' },
  'Contact.thirdParty': { root: 'Query.contact', query: 'query($ct: ID!) { contact(id: $ct) { thirdParty { __typename } } }' },
  'Contact.timeline': { root: 'Query.contact', query: 'query($ct: ID!) { contact(id: $ct) { timeline(first: 1) { __typename } } }' },
  'Contact.consents': { root: 'Query.contact', query: 'query($ct: ID!) { contact(id: $ct) { consents { __typename } } }' },
  'Contact.consentHistory': { root: 'Query.contact', query: 'query($ct: ID!) { contact(id: $ct) { consentHistory(first: 1) { __typename } } }' },
  'ThirdParty.consents': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { consents { __typename } } }' },
  'ThirdParty.consentHistory': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { consentHistory(first: 1) { __typename } } }' },
  'UserAccount.groups': { root: 'Query.me', query: '{ me { groups { __typename } } }' },
  'Exchange.confidentialComment': { root: 'Query.exchange', query: 'query($ex: ID!) { exchange(id: $ex) { confidentialComment } }' },
  'TimelineEntry.confidentialComment': {
    root: 'Query.timeline',
    query: 'query($tp: ID!) { timeline(thirdPartyId: $tp, first: 1) { edges { node { confidentialComment } } } }',
  },
  'ThirdParty.activities': { root: 'Query.thirdParty', query: 'query($tp: ID!) { thirdParty(id: $tp) { activities(first: 1) { __typename } } }' },
  'CommercialDocument.followUps': {
    root: 'Query.commercialDocument',
    query: 'query($doc: ID!) { commercialDocument(id: $doc) { followUps { __typename } } }',
  },
};

const rootFields = (type: GraphQLObjectType | null | undefined): GraphQLField<unknown, unknown>[] => Object.values(type?.getFields() ?? {});

describe.each(e2eBackends())('the authorization matrix (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let schema: GraphQLSchema;
  const tokens = new Map<string, string>();

  const adminMust = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const { body } = await suivi.graphql<T>(query, variables);
    if (!body.data || body.errors?.length) throw new Error(`setup failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    const { body } = await suivi.graphql<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(body.data!);
    for (const role of roles) {
      const login = `matrix-${role.name.replace(/\W/g, '-')}`;
      const groupCodes = role.permissions.length > 0 ? [role.name] : [];
      const created = await adminMust<{ createUser: { user: { id: string } } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
        { input: { login, groupCodes } },
      );
      const issued = await adminMust<{ issueApiToken: { token: string } }>(
        'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
        { input: { userId: created.createUser.user.id } },
      );
      tokens.set(role.name, issued.issueApiToken.token);
    }
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('has a rule for every root operation, and no rule for a field that does not exist', () => {
    const operations = [...rootFields(schema.getQueryType()), ...rootFields(schema.getMutationType())].map(
      (field) => `${field.name in (schema.getQueryType()?.getFields() ?? {}) ? 'Query' : 'Mutation'}.${field.name}`,
    );
    expect(operations.filter((operation) => rules[operation] === undefined)).toEqual([]);
    const unknown = Object.keys(rules).filter((key) => {
      const [typeName, fieldName] = key.split('.') as [string, string];
      const type = schema.getType(typeName) as GraphQLObjectType | undefined;
      return type?.getFields?.()[fieldName] === undefined;
    });
    expect(unknown).toEqual([]);
  });

  it('guards the fields that read another module: allowed when both the root and the field are', async () => {
    const client = new SuiviClient(suivi);
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Matrix SARL', kind: 'COMPANY', roles: ['CUSTOMER'] });
    const { contact } = await client.must('addContact', { thirdPartyId: thirdParty.id, firstName: 'Anne', lastName: 'Matrix' });
    const { exchange } = await client.must('logExchange', {
      thirdPartyId: thirdParty.id,
      contactIds: [contact.id],
      occurredAt: '2026-01-05T09:00:00.000Z',
      mode: 'phone',
      subject: 'prospecting',
    });
    const { recordCommercialDocument } = await adminMust<{ recordCommercialDocument: { commercialDocument: { id: string } } }>(
      'mutation($input: RecordCommercialDocumentInput!) { recordCommercialDocument(input: $input) { commercialDocument { id } } }',
      { input: { thirdPartyId: thirdParty.id, type: 'QUOTE', ref: 'MATRIX-1', amount: '100', currency: 'EUR', issuedAt: '2026-01-05T09:00:00.000Z' } },
    );
    const variables = { tp: thirdParty.id, ct: contact.id, ex: exchange.id, doc: recordCommercialDocument.commercialDocument.id };
    const nested = Object.keys(rules).filter((key) => !key.startsWith('Query.') && !key.startsWith('Mutation.'));
    expect(nested.filter((key) => nestedPaths[key] === undefined)).toEqual([]);
    const mismatches: string[] = [];
    for (const key of nested) {
      const { root, query } = nestedPaths[key]!;
      for (const role of roles) {
        const expected = allowedFor(role, rules[root]!) && allowedFor(role, rules[key]!);
        const { body } = await suivi.as(tokens.get(role.name)!).graphql(query, variables);
        const forbidden = (body.errors ?? []).some((error) => error.extensions?.['code'] === 'FORBIDDEN');
        const other = (body.errors ?? []).filter((error) => error.extensions?.['code'] !== 'FORBIDDEN');
        if (other.length > 0) mismatches.push(`${key} as ${role.name}: ${JSON.stringify(other)}`);
        else if (forbidden === expected) mismatches.push(`${key} as ${role.name}: expected ${expected ? 'allowed' : 'FORBIDDEN'}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('answers every role × every operation as the table says: allowed, or FORBIDDEN with no data', async () => {
    const mismatches: string[] = [];
    for (const [operation, type] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const) {
      for (const field of rootFields(type)) {
        const key = `${operation === 'query' ? 'Query' : 'Mutation'}.${field.name}`;
        const rule = rules[key]!;
        const { query, variables } = requestFor(operation, field);
        for (const role of roles) {
          const { status, body } = await suivi.as(tokens.get(role.name)!).graphql(query, variables);
          const codes = (body.errors ?? []).map((error) => error.extensions?.['code']);
          const forbidden = codes.includes('FORBIDDEN');
          if (status >= 500) mismatches.push(`${key} as ${role.name}: HTTP ${status}`);
          else if (forbidden === allowedFor(role, rule)) mismatches.push(`${key} as ${role.name}: expected ${allowedFor(role, rule) ? 'allowed' : 'FORBIDDEN'}, got ${JSON.stringify(codes)}`);
          else if (forbidden && (body.data as Record<string, unknown> | null | undefined)?.[field.name] != null) {
            mismatches.push(`${key} as ${role.name}: FORBIDDEN yet data returned`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
