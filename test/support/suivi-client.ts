import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLResponse, SuiviApp } from './suivi-app.js';

/** The GraphQL fields the e2e suites read back, per object type. */
export const THIRD_PARTY_FIELDS = `
  id name kind roles prospectStatus leadSource territory vatNumber email phone website
  address { street postalCode city region country } paymentTerms owner { id } categories tags
  customFields { key value } archived convertedAt registeredAt lastInteractionAt version`;
export const CONTACT_FIELDS = `
  id thirdPartyId firstName lastName displayName jobTitle email phone mobile preferredLanguage preferredChannel notes
  archived addedAt version`;
export const EXCHANGE_FIELDS = `
  id thirdPartyId contactIds occurredAt mode subject comment status hasConfidentialComment confidentialGroupId
  collaborators { id } notifyCollaborators linkedDocument { type ref } contactedBy { id } author { id } deleted version`;
export const TIMELINE_FIELDS = `
  id occurredAt kind summary actor { id } changes { field from to } thirdPartyId contactIds exchangeId contactId noteId position`;
export const AUDIT_FIELDS = `id at action entityType entityId actor { id } changes { field from to } correlationId source position`;

const payloadSelection = {
  thirdParty: `thirdParty { ${THIRD_PARTY_FIELDS} }`,
  contact: `contact { ${CONTACT_FIELDS} }`,
  exchange: `exchange { ${EXCHANGE_FIELDS} }`,
  note: 'note { id thirdPartyId contactId text addedAt author { id } }',
};

/** The object each mutation's payload returns, besides its position. */
const mutationPayloads = {
  registerThirdParty: 'thirdParty',
  updateThirdParty: 'thirdParty',
  assignThirdPartyOwner: 'thirdParty',
  categoriseThirdParty: 'thirdParty',
  archiveThirdParty: 'thirdParty',
  convertProspect: 'thirdParty',
  addContact: 'contact',
  updateContact: 'contact',
  archiveContact: 'contact',
  logExchange: 'exchange',
  updateExchange: 'exchange',
  changeExchangeStatus: 'exchange',
  deleteExchange: 'exchange',
  addNote: 'note',
} as const;

export type MutationName = keyof typeof mutationPayloads;

export type Json = Record<string, unknown>;

/** An object as the API returns it: its id, and the other fields the document selected. */
export type Node = { id: string } & Json;

export type Payload<N extends MutationName> = { position: string } & { [K in (typeof mutationPayloads)[N]]: Node };

export interface MutationResult<N extends MutationName> {
  readonly status: number;
  /** The mutation's payload (object and position), or undefined when it failed. */
  readonly payload: Payload<N> | undefined;
  readonly errors: GraphQLResponse['errors'];
}

export interface Connection<T = Json> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A frontend's view of Suivi: mutations by name (input in, payload out), and
 * queries that read their own writes by sending back the last position seen.
 */
export class SuiviClient {
  lastPosition = '0';

  constructor(private readonly app: SuiviApp) {}

  async mutate<N extends MutationName>(name: N, input: Json): Promise<MutationResult<N>> {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const selection = payloadSelection[mutationPayloads[name]];
    const document = `mutation($input: ${inputType}!) { ${name}(input: $input) { position ${selection} } }`;
    const { status, body } = await this.app.graphql<Record<string, Payload<N>>>(document, { input });
    const payload = body.data?.[name] ?? undefined;
    if (payload && BigInt(payload.position) > BigInt(this.lastPosition)) this.lastPosition = payload.position;
    return { status, payload, errors: body.errors };
  }

  /** A mutation that must succeed; its payload. */
  async must<N extends MutationName>(name: N, input: Json): Promise<Payload<N>> {
    const result = await this.mutate(name, input);
    if (!result.payload) throw new Error(`${name} failed: ${JSON.stringify(result.errors)}`);
    return result.payload;
  }

  /** A query that includes every write this client made. */
  async query<T = Json>(document: string, variables: Json = {}): Promise<{ data: T | null | undefined; errors: GraphQLResponse['errors'] }> {
    const { body } = await this.app.graphql<T>(document, variables, { 'x-suivi-consistent-with': this.lastPosition });
    return { data: body.data, errors: body.errors };
  }

  /** A query that must succeed; its data. */
  async read<T = Json>(document: string, variables: Json = {}): Promise<T> {
    const { data, errors } = await this.query<T>(document, variables);
    if (errors?.length || !data) throw new Error(`query failed: ${JSON.stringify(errors)}`);
    return data;
  }
}

/** The catalogue the e2e suites run with: default lists plus typed custom fields. */
export const testCatalogue = {
  contactModes: [
    { code: 'phone', label: 'Phone' },
    { code: 'email', label: 'Email' },
    { code: 'meeting', label: 'Meeting' },
    { code: 'visit', label: 'Visit' },
  ],
  exchangeSubjects: [
    { code: 'prospecting', label: 'Prospecting' },
    { code: 'quote', label: 'Quote' },
    { code: 'support', label: 'Support' },
  ],
  customFields: [
    { key: 'sector', label: 'Sector', type: 'ENUM', options: ['bakery', 'retail', 'industry'] },
    { key: 'employees', label: 'Employees', type: 'NUMBER' },
  ],
};

/** Writes the test catalogue into `dir`; the path to pass as SuiviApp.start's catalogueFile. */
export function writeTestCatalogue(dir: string): string {
  const file = path.join(dir, 'catalogue.json');
  writeFileSync(file, JSON.stringify(testCatalogue, null, 2));
  return file;
}
