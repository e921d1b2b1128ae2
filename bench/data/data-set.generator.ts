import {
  contactChannels,
  contactDecider,
  defaultCatalogue,
  exchangeDecider,
  linkedDocumentTypes,
  noteDecider,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type ContactCommand,
  type ContactEvent,
  type ContactReference,
  type ContactState,
  type Decider,
  type ExchangeCommand,
  type ExchangeEvent,
  type ExchangeState,
  type ExchangeStatus,
  type Message,
  type ThirdPartyCommand,
  type ThirdPartyEvent,
  type ThirdPartyReference,
  type ThirdPartyState,
} from '#domain';
import type { DataSetSize } from '../bench-options.js';
import { SeededRandom, WeightedPicker } from '../support/seeded-random.js';
import * as words from './vocabulary.js';

/** One command's outcome, ready to append: the events its decider produced for one stream. */
export interface GeneratedWrite {
  readonly streamName: string;
  readonly events: readonly Message[];
  /** Revision of the stream before the write; -1 for a new stream. */
  readonly expectedRevision: number;
  readonly context: CommandContext;
}

/** An active account as the command benchmarks need it: its id and its active contacts. */
export interface WorldAccount {
  readonly id: string;
  readonly contacts: readonly string[];
}

/** What was generated: counts for the report, and the accounts later commands refer to. */
export interface DataSetWorld {
  readonly seed: string;
  readonly events: number;
  readonly thirdParties: number;
  readonly prospectsAtRegistration: number;
  readonly contacts: number;
  readonly conversions: number;
  readonly eventTypes: Readonly<Record<string, number>>;
  readonly accounts: readonly WorldAccount[];
  /** Accounts by number of timeline entries, largest first (the few large ones). */
  readonly largestAccounts: readonly { readonly id: string; readonly timelineEntries: number }[];
  readonly users: readonly string[];
}

interface Aggregate<S> {
  state: S;
  /** Revision of the last event; -1 when the stream is empty. */
  revision: number;
}

interface OpenExchange extends Aggregate<ExchangeState> {
  readonly id: string;
}

interface Account extends Aggregate<ThirdPartyState> {
  readonly id: string;
  readonly large: boolean;
  registered: boolean;
  archived: boolean;
  prospect: boolean;
  initialContacts: number;
  readonly contacts: string[];
  readonly exchanges: OpenExchange[];
  firstExchangeAt: string | null;
  timelineEntries: number;
}

interface Contact extends Aggregate<ContactState> {
  readonly id: string;
  readonly account: number;
}

type Activity =
  | 'logExchange'
  | 'changeExchangeStatus'
  | 'updateExchange'
  | 'deleteExchange'
  | 'addNote'
  | 'updateThirdParty'
  | 'assignOwner'
  | 'categorise'
  | 'addContact'
  | 'updateContact'
  | 'archiveContact'
  | 'convertProspect'
  | 'archiveThirdParty';

/** Relative frequency of what people record in a CRM once accounts exist. */
const ACTIVITY_WEIGHTS: readonly (readonly [Activity, number])[] = [
  ['logExchange', 55],
  ['changeExchangeStatus', 12],
  ['updateExchange', 4],
  ['deleteExchange', 0.4],
  ['addNote', 15],
  ['updateThirdParty', 5],
  ['assignOwner', 1],
  ['categorise', 1.5],
  ['addContact', 1],
  ['updateContact', 4],
  ['archiveContact', 0.3],
  ['convertProspect', 0.6],
  ['archiveThirdParty', 0.05],
];

/** Three years of history, ending on a fixed date so the data set never depends on today. */
const HISTORY_START = Date.parse('2023-01-02T08:00:00.000Z');
const HISTORY_SPAN_MS = 3 * 365 * 24 * 3_600_000;
const RING = 6;
const USERS = Array.from({ length: 25 }, (_, i) => `user-${String(i + 1).padStart(2, '0')}`);
const modes = defaultCatalogue.contactModes.map((entry) => entry.code);
const subjects = defaultCatalogue.exchangeSubjects.map((entry) => entry.code);

/**
 * A seeded, realistic relationship history built by the real deciders: third
 * parties (30 % prospects) with their contacts, then exchanges, status changes,
 * notes, field updates, linked documents and conversions, skewed so that a few
 * large accounts collect a large share of the activity. Deciders run against
 * in-memory state (no store read per command), which is what makes a million
 * events quick to produce; every event still comes out of `decide`.
 */
export class DataSetGenerator {
  private readonly random: SeededRandom;
  private readonly accounts: Account[] = [];
  private readonly contacts = new Map<string, Contact>();
  private readonly accountPicker: WeightedPicker;
  private readonly activityPicker = new WeightedPicker(ACTIVITY_WEIGHTS.map(([, weight]) => weight));
  private readonly registrationOrder: number[];
  private readonly registrationProbability: number;
  private readonly eventTypes = new Map<string, number>();
  private readonly byId = new Map<string, Account>();
  private nextRegistration = 0;
  private pendingContacts: number[] = [];
  private contactCount = 0;
  private conversions = 0;
  private produced = 0;
  private prospects = 0;

  constructor(
    private readonly size: DataSetSize,
    private readonly seed: string,
  ) {
    this.random = new SeededRandom(seed);
    const { thirdParties, largeAccounts, largeAccountShare } = size;
    const weights: number[] = [];
    for (let i = 0; i < thirdParties; i++) {
      const large = i < largeAccounts;
      this.accounts.push({
        id: this.random.uuid(),
        large,
        registered: false,
        archived: false,
        prospect: false,
        initialContacts: 0,
        contacts: [],
        exchanges: [],
        firstExchangeAt: null,
        timelineEntries: 0,
        state: thirdPartyDecider.initialState(),
        revision: -1,
      });
      // A long tail: most accounts see little activity, some a lot.
      weights.push(large ? 0 : Math.min(50, (1 - this.random.next()) ** -0.6));
    }
    for (const account of this.accounts) this.byId.set(account.id, account);
    const others = weights.reduce((sum, weight) => sum + weight, 0);
    const largeWeight = (largeAccountShare * others) / Math.max(0.05, 1 - largeAccounts * largeAccountShare);
    for (let i = 0; i < largeAccounts && i < thirdParties; i++) weights[i] = largeWeight;
    this.accountPicker = new WeightedPicker(weights);

    // 90 % of the contacts arrive with their account, the rest later.
    const initial = Math.floor(size.contacts * 0.9);
    const perLarge = Math.min(100, Math.floor(initial / (10 * Math.max(1, largeAccounts))));
    let remaining = initial;
    for (let i = 0; i < largeAccounts && i < thirdParties; i++) {
      this.accounts[i]!.initialContacts = perLarge;
      remaining -= perLarge;
    }
    const ordinary = thirdParties - largeAccounts;
    for (let c = 0; c < remaining && ordinary > 0; c++) this.accounts[largeAccounts + this.random.int(0, ordinary - 1)]!.initialContacts += 1;

    // Large accounts are the oldest customers; the others arrive in random order.
    const rest = Array.from({ length: ordinary }, (_, i) => largeAccounts + i);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    this.registrationOrder = [...Array.from({ length: Math.min(largeAccounts, thirdParties) }, (_, i) => i), ...rest];
    // Registrations and their contacts are spread over the first quarter of the history.
    this.registrationProbability = Math.min(1, (thirdParties + initial) / Math.max(1, size.events * 0.25));
  }

  /** Every write, in log order, until the data set holds `size.events` events. */
  *writes(): Generator<GeneratedWrite> {
    while (this.produced < this.size.events) {
      const write = this.step();
      if (write === null) continue;
      this.produced += write.events.length;
      for (const event of write.events) this.eventTypes.set(event.type, (this.eventTypes.get(event.type) ?? 0) + 1);
      yield write;
    }
  }

  world(): DataSetWorld {
    const active = this.accounts.filter((account) => account.registered && !account.archived);
    const largest = [...this.accounts]
      .sort((a, b) => b.timelineEntries - a.timelineEntries)
      .slice(0, Math.max(1, this.size.largeAccounts))
      .map((account) => ({ id: account.id, timelineEntries: account.timelineEntries }));
    return {
      seed: this.seed,
      events: this.produced,
      thirdParties: this.accounts.filter((account) => account.registered).length,
      prospectsAtRegistration: this.prospects,
      contacts: this.contactCount,
      conversions: this.conversions,
      eventTypes: Object.fromEntries([...this.eventTypes].sort(([a], [b]) => (a < b ? -1 : 1))),
      accounts: active.map((account) => ({ id: account.id, contacts: [...account.contacts] })),
      largestAccounts: largest,
      users: USERS,
    };
  }

  private step(): GeneratedWrite | null {
    const context = this.context();
    const pendingContact = this.pendingContacts.length > 0 ? this.pendingContacts[0]! : null;
    if (pendingContact !== null) {
      const account = this.accounts[pendingContact]!;
      account.initialContacts -= 1;
      if (account.initialContacts <= 0) this.pendingContacts.shift();
      return this.addContact(pendingContact, context);
    }
    const registrationsLeft = this.nextRegistration < this.registrationOrder.length;
    const mustRegister = this.nextRegistration < Math.min(this.size.largeAccounts, this.registrationOrder.length) || this.registeredCount() === 0;
    if (registrationsLeft && (mustRegister || this.random.chance(this.registrationProbability))) {
      const index = this.registrationOrder[this.nextRegistration++]!;
      return this.register(index, context);
    }
    const [activity] = ACTIVITY_WEIGHTS[this.activityPicker.pick(this.random)]!;
    const index = this.pickAccount();
    if (index === null) return null;
    return this.perform(activity, index, context);
  }

  private registeredCount(): number {
    return this.nextRegistration;
  }

  private pickAccount(): number | null {
    for (let attempt = 0; attempt < 20; attempt++) {
      const index = this.accountPicker.pick(this.random);
      const account = this.accounts[index]!;
      if (account.registered && !account.archived) return index;
    }
    // Early in the history few accounts exist: fall back to any registered one.
    for (let attempt = 0; attempt < 20; attempt++) {
      const index = this.registrationOrder[this.random.int(0, Math.max(0, this.nextRegistration - 1))]!;
      const account = this.accounts[index]!;
      if (account.registered && !account.archived) return index;
    }
    return null;
  }

  private perform(activity: Activity, index: number, context: CommandContext): GeneratedWrite | null {
    switch (activity) {
      case 'logExchange':
        return this.logExchange(index, context);
      case 'changeExchangeStatus':
        return this.onExchange(index, context, (exchange) => {
          const status = exchange.state.status === 'logged' ? exchange.state.details.status : 'CLOSED';
          const next: ExchangeStatus = status === 'TO_DO' ? 'IN_PROGRESS' : status === 'IN_PROGRESS' ? 'CLOSED' : this.random.pick(['TO_DO', 'IN_PROGRESS'] as const);
          return { type: 'ChangeExchangeStatus', data: { exchangeId: exchange.id, status: next } };
        });
      case 'updateExchange':
        return this.onExchange(index, context, (exchange) => ({
          type: 'UpdateExchange',
          data: {
            exchangeId: exchange.id,
            comment: this.text(20, 300),
            ...(this.random.chance(0.3) ? { subject: this.random.pick(subjects) } : {}),
            catalogue: defaultCatalogue,
          },
        }));
      case 'deleteExchange': {
        // A deleted exchange stays in the account's ring; only logged ones are picked.
        return this.onExchange(index, context, (exchange) => ({
          type: 'DeleteExchange',
          data: { exchangeId: exchange.id, reason: this.random.chance(0.5) ? 'logged twice' : null },
        }));
      }
      case 'addNote':
        return this.addNote(index, context);
      case 'updateThirdParty':
        return this.onThirdParty(index, context, (id) => ({ type: 'UpdateThirdParty', data: { thirdPartyId: id, ...this.profileChange(), catalogue: defaultCatalogue } }));
      case 'assignOwner':
        return this.onThirdParty(index, context, (id) => ({ type: 'AssignThirdPartyOwner', data: { thirdPartyId: id, ownerId: this.random.pick(USERS) } }));
      case 'categorise':
        return this.onThirdParty(index, context, (id) => ({
          type: 'CategoriseThirdParty',
          data: { thirdPartyId: id, tags: this.some(words.tags, 0, 3), ...(this.random.chance(0.3) ? { categories: this.some(words.categories, 1, 2) } : {}) },
        }));
      case 'addContact':
        return this.contactCount < this.size.contacts ? this.addContact(index, context) : null;
      case 'updateContact':
        return this.onContact(index, context, (id) => ({ type: 'UpdateContact', data: { contactId: id, ...this.contactChange() } }));
      case 'archiveContact': {
        const write = this.onContact(index, context, (id) => ({ type: 'ArchiveContact', data: { contactId: id, reason: 'left the company' } }));
        if (write !== null) {
          const contacts = this.accounts[index]!.contacts;
          const at = contacts.indexOf((write.events[0]!.data as { contactId: string }).contactId);
          if (at !== -1) contacts.splice(at, 1);
        }
        return write;
      }
      case 'convertProspect': {
        const account = this.accounts[index]!;
        if (!account.prospect) return null;
        const write = this.onThirdParty(index, context, (id) => ({ type: 'ConvertProspect', data: { thirdPartyId: id, firstExchangeAt: account.firstExchangeAt } }));
        if (write !== null) {
          account.prospect = false;
          this.conversions += 1;
        }
        return write;
      }
      case 'archiveThirdParty': {
        const account = this.accounts[index]!;
        if (account.large) return null;
        const write = this.onThirdParty(index, context, (id) => ({ type: 'ArchiveThirdParty', data: { thirdPartyId: id, reason: 'ceased trading' } }));
        if (write !== null) account.archived = true;
        return write;
      }
      default: {
        const unreachable: never = activity;
        return unreachable;
      }
    }
  }

  private register(index: number, context: CommandContext): GeneratedWrite | null {
    const account = this.accounts[index]!;
    const prospect = !account.large && this.random.chance(0.3);
    const company = this.random.chance(0.9);
    const [city, postalCode, country] = this.random.pick(words.cities);
    const name = company
      ? `${this.random.pick(words.companyWords)} ${this.random.pick(words.familyNames)}${this.random.chance(0.5) ? ` ${this.random.pick(['SARL', 'SAS', 'Srl', 'SA', 'SpA'])}` : ''}`
      : `${this.random.pick(words.givenNames)} ${this.random.pick(words.familyNames)}`;
    const slug = name.toLowerCase().normalize('NFD').replace(/[^a-z]+/g, '');
    const roles = prospect ? ['PROSPECT'] : this.random.chance(0.12) ? ['SUPPLIER'] : this.random.chance(0.08) ? ['CUSTOMER', 'SUPPLIER'] : ['CUSTOMER'];
    const write = this.decide(thirdPartyDecider, account, streams.thirdParty(account.id), context, {
      type: 'RegisterThirdParty',
      data: {
        thirdPartyId: account.id,
        name,
        kind: company ? 'COMPANY' : 'INDIVIDUAL',
        roles,
        prospectStatus: prospect ? this.random.pick(['NEVER_CONTACTED', 'TO_CONTACT', 'IN_PROGRESS'] as const) : null,
        leadSource: prospect ? this.random.pick(words.leadSources) : null,
        territory: this.random.pick(words.territories),
        vatNumber: company && this.random.chance(0.6) ? `${country}${String(this.random.int(10_000_000, 99_999_999))}${this.random.int(100, 999)}` : null,
        email: this.random.chance(0.7) ? `contact@${slug.slice(0, 20) || 'example'}.${country.toLowerCase()}` : null,
        phone: this.random.chance(0.8) ? this.phone() : null,
        website: company && this.random.chance(0.5) ? `https://www.${slug.slice(0, 20) || 'example'}.${country.toLowerCase()}` : null,
        address: { street: `${this.random.int(1, 180)} ${this.random.pick(words.streetWords)}`, postalCode, city, country },
        paymentTerms: prospect ? null : this.random.pick(words.paymentTerms),
        ownerId: this.random.pick(USERS),
        categories: this.some(words.categories, 0, 2),
        tags: this.some(words.tags, 0, 2),
        catalogue: defaultCatalogue,
      },
    });
    if (write === null) return null;
    account.registered = true;
    account.prospect = prospect;
    if (prospect) this.prospects += 1;
    if (account.initialContacts > 0) this.pendingContacts.push(index);
    return write;
  }

  private addContact(index: number, context: CommandContext): GeneratedWrite | null {
    const account = this.accounts[index]!;
    const contact: Contact = { id: this.random.uuid(), account: index, state: contactDecider.initialState(), revision: -1 };
    const firstName = this.random.pick(words.givenNames);
    const lastName = this.random.pick(words.familyNames);
    const write = this.decide(contactDecider, contact, streams.contact(contact.id), context, {
      type: 'AddContact',
      data: {
        contactId: contact.id,
        thirdParty: this.reference(account),
        firstName,
        lastName,
        jobTitle: this.random.chance(0.7) ? this.random.pick(words.jobTitles) : null,
        email: this.random.chance(0.8) ? `${firstName}.${lastName}`.toLowerCase().normalize('NFD').replace(/[^a-z.]+/g, '') + '@example.com' : null,
        phone: this.random.chance(0.6) ? this.phone() : null,
        mobile: this.random.chance(0.5) ? this.phone() : null,
        preferredLanguage: this.random.pick(words.languages),
        preferredChannel: this.random.chance(0.6) ? this.random.pick(contactChannels) : null,
        notes: this.random.chance(0.2) ? this.text(10, 120) : null,
      },
    });
    if (write === null) return null;
    this.contacts.set(contact.id, contact);
    account.contacts.push(contact.id);
    this.contactCount += 1;
    return write;
  }

  private logExchange(index: number, context: CommandContext): GeneratedWrite | null {
    const account = this.accounts[index]!;
    const exchange: OpenExchange = { id: this.random.uuid(), state: exchangeDecider.initialState(), revision: -1 };
    const occurredAt = new Date(context.now.getTime() - this.random.int(0, 7 * 24 * 3_600_000)).toISOString();
    const confidential = this.random.chance(0.03);
    const linked = this.random.chance(0.2);
    const write = this.decide(exchangeDecider, exchange, streams.exchange(exchange.id), context, {
      type: 'LogExchange',
      data: {
        exchangeId: exchange.id,
        thirdParty: this.reference(account),
        contacts: this.contactReferences(account, this.random.int(0, 2)),
        occurredAt,
        mode: this.random.pick(modes),
        subject: this.random.pick(subjects),
        comment: this.random.chance(0.6) ? this.text(20, 400) : null,
        status: this.random.chance(0.7) ? 'CLOSED' : this.random.chance(0.66) ? 'TO_DO' : 'IN_PROGRESS',
        confidentialComment: confidential ? this.text(20, 200) : null,
        confidentialGroupId: confidential && this.random.chance(0.5) ? 'group-sales' : null,
        collaboratorIds: this.random.chance(0.1) ? this.some(USERS, 1, 2) : [],
        notifyCollaborators: this.random.chance(0.05),
        linkedDocument: linked
          ? { type: this.random.pick(linkedDocumentTypes), ref: `PR${this.random.int(2301, 2512)}-${String(this.random.int(1, 9999)).padStart(4, '0')}` }
          : null,
        catalogue: defaultCatalogue,
      },
    });
    if (write === null) return null;
    if (account.firstExchangeAt === null || occurredAt < account.firstExchangeAt) account.firstExchangeAt = occurredAt;
    account.exchanges.push(exchange);
    if (account.exchanges.length > RING) account.exchanges.shift();
    return write;
  }

  private addNote(index: number, context: CommandContext): GeneratedWrite | null {
    const account = this.accounts[index]!;
    const noteId = this.random.uuid();
    const onContact = account.contacts.length > 0 && this.random.chance(0.3);
    const note = { state: noteDecider.initialState(), revision: -1 };
    return this.decide(noteDecider, note, streams.note(noteId), context, {
      type: 'AddNote',
      data: {
        noteId,
        thirdParty: this.reference(account),
        contact: onContact ? this.contactReferences(account, 1)[0] ?? null : null,
        text: this.text(30, 600),
      },
    });
  }

  private onExchange(index: number, context: CommandContext, command: (exchange: OpenExchange) => ExchangeCommand): GeneratedWrite | null {
    const account = this.accounts[index]!;
    const open = account.exchanges.filter((exchange) => exchange.state.status === 'logged');
    if (open.length === 0) return null;
    const exchange = this.random.pick(open);
    return this.decide(exchangeDecider, exchange, streams.exchange(exchange.id), context, command(exchange));
  }

  private onThirdParty(index: number, context: CommandContext, command: (id: string) => ThirdPartyCommand): GeneratedWrite | null {
    const account = this.accounts[index]!;
    return this.decide(thirdPartyDecider, account, streams.thirdParty(account.id), context, command(account.id));
  }

  private onContact(index: number, context: CommandContext, command: (id: string) => ContactCommand): GeneratedWrite | null {
    const account = this.accounts[index]!;
    if (account.contacts.length === 0) return null;
    const contact = this.contacts.get(this.random.pick(account.contacts))!;
    return this.decide(contactDecider, contact, streams.contact(contact.id), context, command(contact.id));
  }

  /**
   * Decides against the aggregate's in-memory state and folds the result back in.
   * A command the domain refuses or finds redundant produces no write, as in the API.
   */
  private decide<S, C extends Message, E extends Message>(
    decider: Decider<S, C, E>,
    aggregate: Aggregate<S>,
    streamName: string,
    context: CommandContext,
    command: C,
  ): GeneratedWrite | null {
    let events: E[];
    try {
      events = decider.decide(command, aggregate.state, context);
    } catch {
      return null;
    }
    if (events.length === 0) return null;
    const expectedRevision = aggregate.revision;
    aggregate.state = events.reduce(decider.evolve, aggregate.state);
    aggregate.revision += events.length;
    for (const event of events) this.countTimelineEntry(event as unknown as ThirdPartyEvent | ContactEvent | ExchangeEvent);
    return { streamName, events, expectedRevision, context };
  }

  private countTimelineEntry(event: { readonly data: unknown }): void {
    const thirdPartyId = (event.data as { thirdPartyId?: unknown }).thirdPartyId;
    if (typeof thirdPartyId !== 'string') return;
    const account = this.accountById(thirdPartyId);
    if (account) account.timelineEntries += 1;
  }

  private accountById(id: string): Account | undefined {
    return this.byId.get(id);
  }

  private reference(account: Account): ThirdPartyReference {
    return { thirdPartyId: account.id, status: account.archived ? 'archived' : 'active' };
  }

  private contactReferences(account: Account, count: number): ContactReference[] {
    const chosen = new Set<string>();
    for (let i = 0; i < count && account.contacts.length > 0; i++) chosen.add(this.random.pick(account.contacts));
    return [...chosen].map((contactId) => ({ contactId, thirdPartyId: account.id, archived: false }));
  }

  private context(): CommandContext {
    // Time moves with the log, so the history is in time order like a real one.
    const progress = this.produced / Math.max(1, this.size.events);
    const now = new Date(HISTORY_START + Math.floor(progress * HISTORY_SPAN_MS) + this.random.int(0, 59_000));
    const commandId = this.random.uuid();
    return {
      actorId: this.random.pick(USERS),
      now,
      commandId,
      correlationId: commandId,
      causationId: null,
      source: this.random.chance(0.02) ? 'import' : 'api',
    };
  }

  private profileChange(): Record<string, unknown> {
    switch (this.random.int(0, 5)) {
      case 0:
        return { phone: this.phone() };
      case 1:
        return { email: `info${this.random.int(1, 999)}@example.com` };
      case 2:
        return { territory: this.random.pick(words.territories) };
      case 3: {
        const [city, postalCode, country] = this.random.pick(words.cities);
        return { address: { street: `${this.random.int(1, 180)} ${this.random.pick(words.streetWords)}`, postalCode, city, country } };
      }
      case 4:
        return { paymentTerms: this.random.pick(words.paymentTerms) };
      default:
        return { phone: this.phone(), email: `sales${this.random.int(1, 999)}@example.com` };
    }
  }

  private contactChange(): Record<string, unknown> {
    switch (this.random.int(0, 3)) {
      case 0:
        return { jobTitle: this.random.pick(words.jobTitles) };
      case 1:
        return { phone: this.phone() };
      case 2:
        return { mobile: this.phone() };
      default:
        return { notes: this.text(10, 120) };
    }
  }

  private phone(): string {
    return `+33 ${this.random.int(1, 9)} ${this.random.int(10, 99)} ${this.random.int(10, 99)} ${this.random.int(10, 99)} ${this.random.int(10, 99)}`;
  }

  private text(minLength: number, maxLength: number): string {
    const target = this.random.int(minLength, maxLength);
    const parts: string[] = [];
    let length = 0;
    while (length < target) {
      const word = this.random.pick(words.textWords);
      parts.push(word);
      length += word.length + 1;
    }
    const sentence = parts.join(' ');
    return sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.';
  }

  private some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = this.random.int(min, Math.min(max, items.length));
    const chosen = new Set<T>();
    while (chosen.size < count) chosen.add(this.random.pick(items));
    return [...chosen];
  }
}
