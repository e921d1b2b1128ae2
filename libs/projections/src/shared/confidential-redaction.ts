import type { FieldChange, JsonValue } from '#domain';

/**
 * A confidential comment is readable only by the exchange's author and the
 * members of the group it was shared with. The exchanges read model and the
 * audit journal keep its text, and their readers show it only to those
 * (`Viewer.readsConfidential`, `revealedChanges`); the timeline never keeps it
 * and reads it from the exchange.
 */
export const CONFIDENTIAL_PLACEHOLDER = '[confidential]';

const CONFIDENTIAL_FIELDS: ReadonlySet<string> = new Set(['confidentialComment']);

export const isConfidentialField = (field: string): boolean => CONFIDENTIAL_FIELDS.has(field);

/** A confidential value as read models may show it: that there is one, never its text. */
export const redactConfidential = (value: JsonValue | undefined): JsonValue =>
  value === null || value === undefined ? null : CONFIDENTIAL_PLACEHOLDER;

export const redactChange = (change: FieldChange): FieldChange =>
  isConfidentialField(change.field)
    ? { field: change.field, from: redactConfidential(change.from), to: redactConfidential(change.to) }
    : { field: change.field, from: change.from, to: change.to };

export const redactChanges = (changes: readonly FieldChange[]): FieldChange[] => changes.map(redactChange);

/** Whether any of the changes is of a confidential field (so whether a reader must be judged at all). */
export const hasConfidentialChange = (changes: readonly FieldChange[]): boolean => changes.some((change) => isConfidentialField(change.field));

/**
 * Changes as one reader may see them: as stored when `readsConfidential` (the
 * author, or a member of the group the comment was shared with), redacted
 * otherwise. Unchanged (the same array) when there is nothing to redact.
 */
export const revealedChanges = (changes: readonly FieldChange[], readsConfidential: boolean): readonly FieldChange[] =>
  readsConfidential || !hasConfidentialChange(changes) ? changes : redactChanges(changes);

/**
 * The `changes` of an event this build may not know: only well-formed entries
 * (a string `field`) are kept, redacted like the rest, so a future or hand-written
 * event can neither break the journal nor leak a confidential comment through it.
 */
export const changesOf = (data: unknown): FieldChange[] => {
  if (typeof data !== 'object' || data === null) return [];
  const changes = (data as { changes?: unknown }).changes;
  if (!Array.isArray(changes)) return [];
  return changes.flatMap((entry: unknown): FieldChange[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field, from, to } = entry as { field?: unknown; from?: unknown; to?: unknown };
    if (typeof field !== 'string') return [];
    return [redactChange({ field, from: (from ?? null) as JsonValue, to: (to ?? null) as JsonValue })];
  });
};
