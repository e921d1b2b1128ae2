/** Injection tokens for the ports: Nest wires adapters to them at the edge. */
export const CONFIG = Symbol('SuiviConfig');
export const EVENT_STORE = Symbol('EventStore');
export const READ_STORE = Symbol('ReadStore');
export const CODEC = Symbol('EventCodec');
/** The data subjects' keys, shared by the codec and whatever destroys them. */
export const SUBJECT_KEYS = Symbol('SubjectKeyStore');
export const CLOCK = Symbol('Clock');
export const IDS = Symbol('IdGenerator');
export const CATALOGUE = Symbol('Catalogue');
