import { ERASED, type ContactForgotten, type JsonValue, type ThirdPartyForgotten } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { Filter } from '#read-store';
import { eventSelection } from './event-selection.js';

/**
 * A personal value as a read model keeps it once its subject is forgotten: what
 * the codec reads for it once the key is destroyed — a string becomes "[erased]",
 * an array [], anything else null. The same rule on the value read in clear
 * and on its erased reading gives the same marker (null stays null, a string
 * stays a string), so a document erased when the erasure event is applied
 * equals the one a rebuild from the erased events produces.
 */
export const erasedValue = (value: unknown): JsonValue => (typeof value === 'string' ? ERASED : Array.isArray(value) ? [] : null);

/** erasedValue for a text field: null stays null. */
export const erasedText = (value: string | null | undefined): string | null => (typeof value === 'string' ? ERASED : null);

/** The events that forget a data subject, for the read models that follow them. */
export const erasureSelection = eventSelection<ThirdPartyForgotten | ContactForgotten>(['ThirdPartyForgotten', 'ContactForgotten']);

/**
 * The filters of a fan-out to the documents about a forgotten subject: `byThirdParty`
 * for a forgotten third party, `byContact` for a forgotten contact; null for any
 * other event, or when the projection has no way to find that subject's documents.
 */
export const erasureFanOut =
  (fields: { readonly byThirdParty?: (thirdPartyId: string) => Filter[]; readonly byContact?: (contactId: string) => Filter[] }) =>
  (envelope: EventEnvelope): readonly Filter[] | null => {
    const event = erasureSelection.select(envelope);
    if (event === null) return null;
    switch (event.type) {
      case 'ThirdPartyForgotten':
        return fields.byThirdParty?.(event.data.thirdPartyId) ?? null;
      case 'ContactForgotten':
        return fields.byContact?.(event.data.contactId) ?? null;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  };
