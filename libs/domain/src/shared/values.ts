/** JSON values as events store them. */
export type JsonScalar = string | number | boolean | null;
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/**
 * One field's change, old → new: the unit of every update event, of the timeline's
 * "changes" and of the audit journal. Nested fields use dotted paths
 * (`customFields.sector`, `address.city`).
 */
export interface FieldChange {
  readonly field: string;
  readonly from: JsonValue;
  readonly to: JsonValue;
}

export interface Address {
  readonly street: string | null;
  readonly postalCode: string | null;
  readonly city: string | null;
  readonly region: string | null;
  /** ISO 3166-1 alpha-2, upper case (FR, IT, …). */
  readonly country: string | null;
}
