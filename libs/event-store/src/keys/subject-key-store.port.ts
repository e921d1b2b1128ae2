/**
 * The SubjectKeyStore port: one secret key per data subject (`thirdParty:<id>`,
 * `contact:<id>`). The codec encrypts a subject's personal data with it;
 * destroying it erases that data from every event at once, wherever the events
 * are copied (crypto-shredding). Embedded: a SQLite file of its own; production: a
 * MongoDB collection; an external KMS can implement the same port later.
 */
export interface SubjectKeyStore {
  /**
   * The key of every subject, drawn and stored for those that have none yet.
   * Throws SubjectForgotten when one was destroyed: personal data about a
   * forgotten subject must not be written again under a fresh key.
   */
  getOrCreate(subjectIds: readonly string[]): Promise<Map<string, Buffer>>;
  /**
   * The key of every subject the store knows; null when it was destroyed. A
   * subject it never knew is absent: reading events that name one means the
   * keys they were written with are elsewhere, which must not pass for erasure.
   */
  get(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>>;
  /**
   * Destroys the subject's key for good and leaves a tombstone; true when this
   * call destroyed it (or forgot a subject that had no key yet), false when it
   * already was.
   */
  destroy(subjectId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Length of a subject key and of the key-encryption key: AES-256. */
export const SUBJECT_KEY_BYTES = 32;

export class SubjectForgotten extends Error {
  constructor(readonly subjectId: string) {
    super(`data subject ${subjectId} has been forgotten: no personal data about them can be recorded any more`);
    this.name = 'SubjectForgotten';
  }
}

/** The key store could not be read or written: a store failure, not bad data. */
export class SubjectKeysUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SubjectKeysUnavailable';
  }
}

/** Events name a subject the key store has never heard of: the wrong key store, or keys lost. */
export class SubjectKeysMissing extends SubjectKeysUnavailable {
  constructor(readonly subjectIds: readonly string[]) {
    super(
      `the key store has no key and no tombstone for data subject ${subjectIds.slice(0, 3).join(', ')}${subjectIds.length > 3 ? ` and ${subjectIds.length - 3} more` : ''}: ` +
        'these events were encrypted with keys kept elsewhere (check SUIVI_DATA_DIR and MONGODB_URL, or restore keys.sqlite / subject_keys from the backup taken with the events)',
    );
    this.name = 'SubjectKeysMissing';
  }
}

/** Subject ids once each, in first-seen order. */
export const distinct = (subjectIds: readonly string[]): string[] => [...new Set(subjectIds)];
