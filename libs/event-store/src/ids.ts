import { createHash, randomUUID } from 'node:crypto';

/** Name-based UUID (RFC 9562 version 5, SHA-1): same name, same id, on every machine. */
export const uuidV5 = (name: string, namespace = SUIVI_NAMESPACE): string => {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** Fixed namespace for every id Suivi derives from a name. */
export const SUIVI_NAMESPACE = '6f1d8f0e-9a57-4c1b-8d3e-2b7c5a4e9f10';

/** The id of the `index`-th event a command with this idempotency key appends to a stream. */
export const idempotentEventId = (idempotencyKey: string, streamName: string, index: number): string =>
  uuidV5(`event:${idempotencyKey}:${streamName}:${index}`);

/** An aggregate id derived from an idempotency key, so retries of a creation target one stream. */
export const idempotentEntityId = (idempotencyKey: string, kind: string): string =>
  uuidV5(`entity:${kind}:${idempotencyKey}`);

export interface IdGenerator {
  next(): string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };
