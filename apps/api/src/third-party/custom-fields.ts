import { InvalidInput, type Catalogue, type CustomFieldType, type CustomFieldValue, type JsonValue } from '#domain';
import type { CustomField, CustomFieldInput } from './third-party.types.js';

const TEXT_TYPES: ReadonlySet<CustomFieldType> = new Set(['STRING', 'ENUM', 'DATE']);

const isScalar = (value: JsonValue): value is CustomFieldValue => value === null || typeof value !== 'object';

/**
 * A value as the client wrote it: JSON (`12`, `true`, `"retail"`), or bare text
 * for a field whose declared type is text-like. The declared type settles what
 * would otherwise be ambiguous (`12` for a STRING field is the text "12").
 * Whatever comes out, the decider checks it against the catalogue.
 */
function decodeValue(text: string, type: CustomFieldType | undefined): CustomFieldValue {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
  if (type !== undefined && TEXT_TYPES.has(type) && typeof parsed !== 'string') return text;
  return isScalar(parsed) ? parsed : text;
}

/** The input list as the domain's record of values; a key given twice is refused. */
export function customFieldValues(
  entries: readonly CustomFieldInput[],
  catalogue: Catalogue,
  field = 'customFields',
): Record<string, CustomFieldValue> {
  const values: Record<string, CustomFieldValue> = {};
  entries.forEach((entry, index) => {
    if (Object.hasOwn(values, entry.key)) throw new InvalidInput(`${field}[${index}].key`, `${entry.key} is given twice`);
    const type = catalogue.customFields.find((definition) => definition.key === entry.key)?.type;
    values[entry.key] = entry.value === null || entry.value === undefined ? null : decodeValue(entry.value, type);
  });
  return values;
}

export const toCustomFields = (values: Readonly<Record<string, CustomFieldValue>>): CustomField[] =>
  Object.keys(values)
    .sort()
    .filter((key) => values[key] !== null && values[key] !== undefined)
    .map((key) => ({ key, value: JSON.stringify(values[key]) }));
