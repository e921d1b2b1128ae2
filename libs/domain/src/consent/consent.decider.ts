import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { jsonEqual } from '../shared/field-changes.js';
import { isoInstant, LIMITS, oneOf, optionalText } from '../shared/validation.js';
import type { JsonValue } from '../shared/values.js';
import type { ConsentCommand, ConsentEvidenceInput, ConsentSubjectReference, RecordConsent } from './consent.commands.js';
import {
  consentChannels,
  consentDecisions,
  consentMethods,
  consentPurposes,
  type ConsentChannel,
  type ConsentEvent,
  type ConsentEvidence,
  type ConsentRecorded,
  type ConsentSubjectKind,
} from './consent.events.js';

/** One recorded decision, as the stream keeps it. */
export type ConsentRecord = Omit<ConsentRecorded['data'], 'subjectKind' | 'subjectId' | 'thirdPartyId'>;

export type ConsentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded';
      readonly subjectKind: ConsentSubjectKind;
      readonly subjectId: string;
      readonly thirdPartyId: string;
      /** Every decision, in the order they were recorded. */
      readonly decisions: readonly ConsentRecord[];
    };

/**
 * A decision may say it was expressed a little after the server's clock: the
 * form server that captured it may run a few minutes ahead.
 */
export const CONSENT_CLOCK_SKEW_MS = 5 * 60_000;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address as written, or an IPv6 address in its canonical (compressed, lower-case) form. */
const optionalIpAddress = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.label });
  if (value === null) return null;
  if (IPV4.test(value)) return value;
  // The URL parser knows IPv6 (and refuses zone ids, which mean nothing off the host).
  if (value.includes(':') && URL.canParse(`http://[${value}]/`)) return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  throw new InvalidInput(field, 'must be an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1');
};

const evidenceOf = (raw: ConsentEvidenceInput | null | undefined): ConsentEvidence | null => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidInput('evidence', 'must be an object');
  const evidence: ConsentEvidence = {
    formId: optionalText('evidence.formId', raw.formId, { max: LIMITS.label }),
    ipAddress: optionalIpAddress('evidence.ipAddress', raw.ipAddress),
    textShown: optionalText('evidence.textShown', raw.textShown, { max: LIMITS.longText, multiline: true }),
    documentRef: optionalText('evidence.documentRef', raw.documentRef, { max: LIMITS.short }),
  };
  return Object.values(evidence).every((value) => value === null) ? null : evidence;
};

const subjectLabel = (kind: ConsentSubjectKind): string => (kind === 'contact' ? 'contact' : 'third party');

/** The person the decision is about must exist, be a person, and not have been forgotten. */
const requireSubject = (subject: ConsentSubjectReference): { readonly thirdPartyId: string } => {
  const label = subjectLabel(subject.kind);
  if (subject.status === 'none' || subject.underThirdParty === null) throw new NotFound(label, subject.id);
  if (subject.status === 'forgotten') {
    throw new DomainRuleViolated(`${label} ${subject.id} has been forgotten: nothing more can be recorded about them`);
  }
  if (!subject.person) {
    throw new DomainRuleViolated(`third party ${subject.id} is a company: consent is a person's, record it on its contacts`);
  }
  return { thirdPartyId: subject.underThirdParty };
};

const initialState = (): ConsentState => ({ status: 'none' });

const evolve = (state: ConsentState, event: ConsentEvent): ConsentState => {
  switch (event.type) {
    case 'ConsentRecorded': {
      const { subjectKind, subjectId, thirdPartyId, ...record } = event.data;
      const decisions = state.status === 'recorded' ? state.decisions : [];
      return { status: 'recorded', subjectKind, subjectId, thirdPartyId, decisions: [...decisions, record] };
    }
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
};

const sameDecision = (a: ConsentRecord, b: ConsentRecord): boolean =>
  a.purpose === b.purpose &&
  a.channel === b.channel &&
  a.decision === b.decision &&
  a.expressedAt === b.expressedAt &&
  a.method === b.method &&
  jsonEqual(a.evidence as unknown as JsonValue, b.evidence as unknown as JsonValue);

const recordConsent = (command: RecordConsent, state: ConsentState, context: CommandContext): ConsentEvent[] => {
  const { subject } = command.data;
  const { thirdPartyId } = requireSubject(subject);
  const purpose = oneOf('purpose', command.data.purpose, consentPurposes);
  const channel: ConsentChannel = oneOf('channel', command.data.channel, consentChannels);
  const decision = oneOf('decision', command.data.decision, consentDecisions);
  const expressedAt = isoInstant('at', command.data.at);
  if (Date.parse(expressedAt) > context.now.getTime() + CONSENT_CLOCK_SKEW_MS) {
    throw new InvalidInput('at', 'must not be in the future: it is when the person expressed the decision');
  }
  const method = oneOf('method', command.data.method, consentMethods);
  const evidence = evidenceOf(command.data.evidence);
  const record: ConsentRecord = {
    purpose,
    channel,
    decision,
    expressedAt,
    method,
    evidence,
    recordedAt: context.now.toISOString(),
    recordedBy: context.actorId,
  };
  if (state.status === 'recorded') {
    if (state.subjectKind !== subject.kind || state.subjectId !== subject.id) {
      throw new Error(`consent stream of ${state.subjectKind} ${state.subjectId} asked to record for ${subject.kind} ${subject.id}`);
    }
    // The same decision at the same instant is a retry, or the same form sent twice: nothing new was said.
    if (state.decisions.some((recorded) => sameDecision(recorded, record))) return [];
  }
  return [{ type: 'ConsentRecorded', data: { subjectKind: subject.kind, subjectId: subject.id, thirdPartyId, ...record } }];
};

const decide = (command: ConsentCommand, state: ConsentState, context: CommandContext): ConsentEvent[] => {
  switch (command.type) {
    case 'RecordConsent':
      return recordConsent(command, state, context);
    default: {
      const unreachable: never = command.type;
      return unreachable;
    }
  }
};

export const consentDecider: Decider<ConsentState, ConsentCommand, ConsentEvent> = {
  initialState,
  evolve,
  decide,
};
