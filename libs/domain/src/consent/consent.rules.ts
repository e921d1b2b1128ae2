import type { ConsentState, ConsentRecord } from './consent.decider.js';
import { consentChannels, consentPurposes, type ConsentChannel, type ConsentDecision, type ConsentPurpose } from './consent.events.js';

/** What `mayContact` reads of a decision: the consent read model offers the same fields. */
export interface ConsentStanding {
  readonly purpose: ConsentPurpose;
  readonly channel: ConsentChannel;
  readonly decision: ConsentDecision;
  /** UTC ISO instant with milliseconds, so string order is time order. */
  readonly expressedAt: string;
}

/**
 * The purposes a message may only be sent for with the person's prior consent
 * (opt-in: ePrivacy art. 13 for e-mail and SMS marketing, GDPR art. 6(1)(a) for
 * profiling). The others rest on legitimate interest: allowed until the person
 * objects (GDPR art. 21).
 */
export const optInPurposes: ReadonlySet<ConsentPurpose> = new Set([
  'MARKETING_EMAIL',
  'MARKETING_SMS',
  'PHONE_PROSPECTING',
  'POSTAL_MARKETING',
  'PROFILING',
  'NEWSLETTER',
]);

const isRefusal = (decision: ConsentDecision): boolean => decision === 'OBJECTED' || decision === 'WITHDRAWN';

const purposeOrder = new Map<string, number>(consentPurposes.map((purpose, index) => [purpose, index]));
const channelOrder = new Map<string, number>(consentChannels.map((channel, index) => [channel, index]));

/**
 * Of decisions in recording order, those in force: per purpose and channel,
 * the one expressed last (a paper form entered today, signed last month, does
 * not override an objection made last week); on the same instant, the one
 * recorded last. In purpose, then channel order.
 */
export const decisionsInForce = <D extends ConsentStanding>(decisions: readonly D[]): D[] => {
  const current = new Map<string, D>();
  for (const decision of decisions) {
    const key = `${decision.purpose}:${decision.channel}`;
    const standing = current.get(key);
    if (standing === undefined || decision.expressedAt >= standing.expressedAt) current.set(key, decision);
  }
  return [...current.values()].sort(
    (a, b) => purposeOrder.get(a.purpose)! - purposeOrder.get(b.purpose)! || channelOrder.get(a.channel)! - channelOrder.get(b.channel)!,
  );
};

/** The decisions in force of a subject's consent stream (see `decisionsInForce`). */
export const currentConsents = (state: ConsentState): ConsentRecord[] => (state.status === 'none' ? [] : decisionsInForce(state.decisions));

/**
 * Whether Suivi may contact the person for `purpose` on `channel`, given the
 * decisions in force (`currentConsents`, or the consent read model's). The rule:
 *
 * 1. A refusal (OBJECTED or WITHDRAWN) in force for the purpose on that channel
 *    blocks. A refusal on ANY blocks too, unless the person gave consent on that
 *    very channel after it (an objection to all marketing, then a newsletter
 *    sign-up by e-mail: the e-mail newsletter is wanted, the rest is not). A
 *    consent on ANY never lifts a refusal made on one channel: when in doubt, do
 *    not send.
 * 2. Opt-in purposes (see `optInPurposes`) also need a consent in force, on that
 *    channel or on ANY: no decision at all means no.
 * 3. FOLLOW_UP_EMAIL (quote and invoice follow-ups) rests on legitimate
 *    interest: without any decision it is allowed; only a refusal blocks.
 *
 * Asked for channel ANY (a use that is no one channel, such as profiling), every
 * channel's refusal counts, and the consent that opt-in needs is one on ANY.
 */
export const mayContact = (consents: readonly ConsentStanding[], purpose: ConsentPurpose, channel: ConsentChannel): boolean => {
  const forPurpose = consents.filter((consent) => consent.purpose === purpose);
  const onChannel = forPurpose.filter((consent) => consent.channel === channel);
  const onAny = forPurpose.filter((consent) => consent.channel === 'ANY');
  if (channel === 'ANY') {
    if (forPurpose.some((consent) => isRefusal(consent.decision))) return false;
    return !optInPurposes.has(purpose) || onAny.some((consent) => consent.decision === 'GIVEN');
  }
  if (onChannel.some((consent) => isRefusal(consent.decision))) return false;
  const givenOnChannel = onChannel.filter((consent) => consent.decision === 'GIVEN');
  const liftedByChannel = (refusal: ConsentStanding): boolean => givenOnChannel.some((given) => given.expressedAt > refusal.expressedAt);
  if (onAny.some((consent) => isRefusal(consent.decision) && !liftedByChannel(consent))) return false;
  if (!optInPurposes.has(purpose)) return true;
  return givenOnChannel.length > 0 || onAny.some((consent) => consent.decision === 'GIVEN');
};
