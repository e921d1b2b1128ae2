/**
 * One function per stream kind. Category prefixes are shared by the SQLite and
 * EventStoreDB adapters so category reads (`$ce-thirdParty`) work on both.
 */
export const streams = {
  thirdParty: (id: string): string => `thirdParty-${id}`,
  contact: (id: string): string => `contact-${id}`,
  exchange: (id: string): string => `exchange-${id}`,
  note: (id: string): string => `note-${id}`,
  user: (id: string): string => `user-${id}`,
  group: (id: string): string => `group-${id}`,
  /** One data subject's consents and objections (`consent-contact-<id>`, `consent-thirdParty-<id>`). */
  consent: (subjectKind: 'contact' | 'thirdParty', id: string): string => `consent-${subjectKind}-${id}`,
  /** One retention policy's review of one third party (the proposal id derives from both). */
  retentionReview: (proposalId: string): string => `retentionReview-${proposalId}`,
  /** A quote, order, invoice or contract; its id derives from its third party, type and ref. */
  commercialDocument: (id: string): string => `commercialDocument-${id}`,
  /** One follow-up: a policy kind and its anchor (`followUp-QUOTE_NO_RESPONSE-<documentId>`, see followUpIdOf). */
  followUp: (id: string): string => `followUp-${id}`,
  /** Whether follow-ups may mail one third party (paused, blocked). */
  followUpHold: (thirdPartyId: string): string => `followUpHold-${thirdPartyId}`,
  /** A task, call or meeting on someone's agenda. */
  activity: (id: string): string => `activity-${id}`,
  /** One user's calendar feed: the hash of its secret URL, or its revocation. */
  calendarFeed: (userId: string): string => `calendarFeed-${userId}`,
  /** Denied attempts of one UTC day (`2026-11-23`): see `securityStreamOf`. */
  security: (day: string): string => `security-${day}`,
} as const;

export const categoryOf = (streamName: string): string => {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(0, dash);
};

/** The id part of a stream name (`exchange-<id>` → `<id>`). */
export const idOf = (streamName: string): string => {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(dash + 1);
};
