import {
  contactDecider,
  defaultCatalogue,
  exchangeDecider,
  noteDecider,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type Decider,
  type Message,
} from '#domain';
import { handleCommand } from '#event-store';
import { register, T0, thirdPartyId, type Stores } from './third-party-fixtures.js';

/**
 * Test support for the audit chain specs: a history written through the real
 * write path (deciders and handleCommand), six events per third party.
 */

export const HISTORY_SECRET = 'Will sign if we beat the current supplier by 3%';
export const EVENTS_PER_ROUND = 6;

const idOf = (kind: string, n: number): string => `00000000-0000-4000-${kind}-${n.toString(16).padStart(12, '0')}`;

/**
 * Registers third parties `first` … `first + rounds - 1`, each with a contact, an
 * exchange (with a confidential comment) closed later, a rename and a note.
 * Returns the position of the last event.
 */
export const appendHistory = async (
  stores: Pick<Stores, 'eventStore' | 'codec' | 'ids'>,
  rounds: number,
  first = 1,
): Promise<bigint> => {
  let position = 0n;
  for (let n = first; n < first + rounds; n += 1) {
    const thirdParty = { thirdPartyId: thirdPartyId(n), status: 'active' as const };
    const contactId = idOf('c000', n);
    const exchangeId = idOf('e000', n);
    const actorId = n % 2 === 0 ? 'bob' : 'alice';
    const at = (step: number): Date => new Date(T0 + n * 60_000 + step * 1_000);
    const run = async <S, C extends Message, E extends Message>(decider: Decider<S, C, E>, stream: string, command: C, step: number) => {
      const commandId = stores.ids.next();
      const context: CommandContext = { actorId, now: at(step), commandId, correlationId: commandId, causationId: null, source: 'api' };
      const result = await handleCommand({ store: stores.eventStore, codec: stores.codec, ids: stores.ids }, decider, stream, command, context);
      if (result.events.length === 0 || result.position === null) throw new Error(`${command.type} appended nothing`);
      position = result.position;
    };
    const registered = await register(stores, { n, name: `Maison ${n}`, actorId });
    if (registered.position === null) throw new Error('RegisterThirdParty appended nothing');
    await run(contactDecider, streams.contact(contactId), {
      type: 'AddContact',
      data: { contactId, thirdParty, firstName: 'Claire', lastName: `Durand ${n}`, email: `claire.${n}@example.org` },
    }, 1);
    await run(exchangeDecider, streams.exchange(exchangeId), {
      type: 'LogExchange',
      data: {
        exchangeId,
        thirdParty,
        contacts: [{ contactId, thirdPartyId: thirdParty.thirdPartyId, archived: false }],
        occurredAt: at(2).toISOString(),
        mode: 'phone',
        subject: 'quote',
        comment: `Quote ${n} sent`,
        status: 'TO_DO',
        confidentialComment: HISTORY_SECRET,
        catalogue: defaultCatalogue,
      },
    }, 2);
    await run(exchangeDecider, streams.exchange(exchangeId), { type: 'ChangeExchangeStatus', data: { exchangeId, status: 'CLOSED' } }, 3);
    await run(thirdPartyDecider, streams.thirdParty(thirdParty.thirdPartyId), {
      type: 'UpdateThirdParty',
      data: { thirdPartyId: thirdParty.thirdPartyId, name: `Maison ${n} & Fils`, catalogue: defaultCatalogue },
    }, 4);
    await run(noteDecider, streams.note(idOf('d000', n)), {
      type: 'AddNote',
      data: { noteId: idOf('d000', n), thirdParty, contact: null, text: `Closed on Mondays (${n})` },
    }, 5);
  }
  return position;
};
