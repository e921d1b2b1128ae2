import {
  contactDecider,
  DomainRuleViolated,
  exchangeDecider,
  InvalidInput,
  noteDecider,
  thirdPartyDecider,
  type CommandContext,
  type ContactReference,
  type ContactState,
  type Decider,
  type ExchangeState,
  type Message,
  type NoteState,
  type ThirdPartyReference,
  type ThirdPartyState,
} from '#domain';
import { WrongExpectedRevision } from '#event-store';
import type { Viewer } from '#security';

/** What a record is to a scope: a third party itself, something under one, or neither. */
type Subject =
  | { readonly kind: 'thirdParty'; readonly state: Exclude<ThirdPartyState, { status: 'none' }> }
  | { readonly kind: 'under'; readonly thirdPartyId: string }
  | null;

type SubjectOf = (state: never) => Subject;

const under = (thirdPartyId: string): Subject => ({ kind: 'under', thirdPartyId });

// Where each aggregate keeps the third party it belongs to. Told, not sniffed:
// an exchange keeps it among its details.
const subjects = new Map<object, SubjectOf>([
  [thirdPartyDecider, (state: ThirdPartyState) => (state.status === 'none' ? null : { kind: 'thirdParty', state })],
  [contactDecider, (state: ContactState) => (state.status === 'none' ? null : under(state.thirdPartyId))],
  [exchangeDecider, (state: ExchangeState) => (state.status === 'none' ? null : under(state.details.thirdPartyId))],
  [noteDecider, (state: NoteState) => (state.status === 'none' ? null : under(state.thirdPartyId))],
]);

/** A record of an aggregate not listed above is judged by a top-level `thirdPartyId`, when it has one. */
const subjectOf = (decider: object, state: unknown): Subject => {
  const known = subjects.get(decider);
  if (known) return known(state as never);
  const thirdPartyId = (state as { thirdPartyId?: unknown }).thirdPartyId;
  return typeof thirdPartyId === 'string' ? under(thirdPartyId) : null;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isThirdPartyReference = (value: unknown): value is ThirdPartyReference =>
  isRecord(value) && typeof value['thirdPartyId'] === 'string' && typeof value['status'] === 'string';

const isContactReference = (value: unknown): value is ContactReference =>
  isRecord(value) && typeof value['contactId'] === 'string' && 'thirdPartyId' in value && 'archived' in value;

/**
 * A command of a scoped user, judged through their eyes. Everything out of
 * their scope is made to look missing, so that the decider answers exactly
 * what it answers for an unknown id — same error, same code, same wording —
 * and nothing is written:
 * - the record the command targets (a third party, or a contact, exchange or
 *   note under one);
 * - the third parties and contacts the command names (references resolved
 *   by the handler), which become references to nothing.
 * And a scoped user cannot put a third party out of their own reach
 * (register it elsewhere, move it, give it away): that is refused as input.
 *
 * Third parties are read from their streams, not from a read model, so that
 * a write right after a creation is judged on the creation.
 */
export class WriteScope {
  private readonly verdicts = new Map<string, boolean>();
  /** Set when something out of scope was asked for: the security journal learns of it. */
  hidden = false;

  constructor(
    private readonly viewer: Viewer,
    private readonly readThirdParty: (thirdPartyId: string) => Promise<ThirdPartyState>,
  ) {}

  /** Whether the viewer sees the third party; one that does not exist is not seen. */
  async sees(thirdPartyId: string): Promise<boolean> {
    let verdict = this.verdicts.get(thirdPartyId);
    if (verdict === undefined) {
      let state = await this.readThirdParty(thirdPartyId);
      // The records of a merged third party read as its survivor's: judged on the survivor (merges do not chain).
      if (state.status === 'merged') state = await this.readThirdParty(state.mergedInto);
      verdict = state.status !== 'none' && this.viewer.sees({ territory: state.profile.territory, ownerId: state.ownerId });
      this.verdicts.set(thirdPartyId, verdict);
    }
    return verdict;
  }

  /** Whether the viewer may know of the record; reads what it needs and remembers it for `admitsNow`. */
  async admits(decider: object, state: unknown): Promise<boolean> {
    const subject = subjectOf(decider, state);
    if (subject === null) return true;
    if (subject.kind === 'thirdParty') return this.seesThirdParty(subject.state);
    return this.sees(subject.thirdPartyId);
  }

  /**
   * The same judgement without reading: inside a decision, on the state the
   * write path folded. A third party never judged counts as out of scope.
   */
  admitsNow(decider: object, state: unknown): boolean {
    const subject = subjectOf(decider, state);
    if (subject === null) return true;
    if (subject.kind === 'thirdParty') return this.seesThirdParty(subject.state);
    return this.verdicts.get(subject.thirdPartyId) === true;
  }

  /** The command with every third party and contact it names that is out of scope turned into a reference to nothing. */
  async redact<Command extends Message>(command: Command): Promise<Command> {
    if (!isRecord(command.data)) return command;
    const data: Record<string, unknown> = { ...command.data };
    for (const [key, value] of Object.entries(data)) {
      if (isThirdPartyReference(value)) data[key] = await this.thirdPartyReference(value);
      else if (isContactReference(value)) data[key] = await this.contactReference(value);
      else if (Array.isArray(value) && value.length > 0 && value.every(isContactReference)) {
        data[key] = await Promise.all(value.map((reference) => this.contactReference(reference)));
      }
    }
    return { ...command, data };
  }

  /**
   * Refuses a decision that would leave the record out of the viewer's scope:
   * a scoped user keeps what they register and change within their reach.
   */
  requireWithin(decider: object, after: unknown): void {
    const subject = subjectOf(decider, after);
    if (subject === null) return;
    if (subject.kind === 'under') {
      if (this.verdicts.get(subject.thirdPartyId) !== true) throw new InvalidInput('thirdPartyId', `no third party with id ${subject.thirdPartyId}`);
      return;
    }
    const { profile, ownerId } = subject.state;
    const scope = this.viewer.scope;
    if (scope === null) return;
    if (scope.territories !== null && (profile.territory === null || !scope.territories.includes(profile.territory))) {
      throw new InvalidInput('territory', `must be one of your territories: ${scope.territories.join(', ')}`);
    }
    if (scope.ownedOnly && ownerId !== this.viewer.userId) {
      throw new InvalidInput('ownerId', 'you see only the third parties you own: you cannot leave one without you as its owner');
    }
  }

  private seesThirdParty(state: Exclude<ThirdPartyState, { status: 'none' }>): boolean {
    const verdict = this.viewer.sees({ territory: state.profile.territory, ownerId: state.ownerId });
    this.verdicts.set(state.thirdPartyId, verdict);
    return verdict;
  }

  private async thirdPartyReference(reference: ThirdPartyReference): Promise<ThirdPartyReference> {
    if (reference.status === 'none' || (await this.sees(reference.thirdPartyId))) return reference;
    this.hidden = true;
    return { thirdPartyId: reference.thirdPartyId, status: 'none' };
  }

  private async contactReference(reference: ContactReference): Promise<ContactReference> {
    if (reference.thirdPartyId === null || (await this.sees(reference.thirdPartyId))) return reference;
    this.hidden = true;
    return { contactId: reference.contactId, thirdPartyId: null, archived: false };
  }
}

/**
 * Answers as the write path answers for a record that does not exist: a
 * stale expectedVersion is a conflict with no stream; otherwise the decider
 * refuses the command on an empty state. Only a creation is accepted on an
 * empty state, and an existing stream can only be met by one when the id was
 * derived from the user's own idempotency key.
 */
export function refuseAsMissing<State, Command extends Message, Event extends Message>(
  decider: Decider<State, Command, Event>,
  streamName: string,
  command: Command,
  context: CommandContext,
  expectedRevision: bigint | undefined,
): never {
  if (expectedRevision !== undefined) throw new WrongExpectedRevision(streamName, expectedRevision, 'no_stream');
  decider.decide(command, decider.initialState(), context);
  throw new DomainRuleViolated('this idempotency key was used for a record you can no longer see: use another key');
}
