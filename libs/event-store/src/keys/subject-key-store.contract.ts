import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { KeyEncryptionKey } from './key-encryption-key.js';
import { SubjectForgotten, type SubjectKeyStore } from './subject-key-store.port.js';

/**
 * A place for key stores: `open` opens a store on it (more than once, as several
 * processes would), `rawBytes` reads everything it holds at rest, `destroy` removes it.
 */
export interface KeyStoreBackend {
  open(options?: { kek?: KeyEncryptionKey | null }): Promise<SubjectKeyStore>;
  rawBytes(): Promise<Buffer>;
  destroy(): Promise<void>;
}

/** The SubjectKeyStore contract, run against every adapter. Call inside a describe. */
export function subjectKeyStoreContract(newBackend: () => Promise<KeyStoreBackend>): void {
  let backend: KeyStoreBackend;
  let store: SubjectKeyStore;
  const opened: SubjectKeyStore[] = [];
  const open = async (options?: { kek?: KeyEncryptionKey | null }): Promise<SubjectKeyStore> => {
    const next = await backend.open(options);
    opened.push(next);
    return next;
  };

  beforeEach(async () => {
    backend = await newBackend();
    store = await open();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await backend.destroy();
  });

  it('draws one 32-byte key per subject and gives the same one back', async () => {
    const first = await store.getOrCreate(['thirdParty:a', 'contact:b', 'thirdParty:a']);
    expect([...first.keys()].sort()).toEqual(['contact:b', 'thirdParty:a']);
    expect(first.get('thirdParty:a')).toHaveLength(32);
    expect(first.get('thirdParty:a')!.equals(first.get('contact:b')!)).toBe(false);
    const again = await store.getOrCreate(['contact:b', 'thirdParty:a']);
    expect(again.get('thirdParty:a')!.equals(first.get('thirdParty:a')!)).toBe(true);
    expect(again.get('contact:b')!.equals(first.get('contact:b')!)).toBe(true);
    const read = await store.get(['thirdParty:a']);
    expect(read.get('thirdParty:a')!.equals(first.get('thirdParty:a')!)).toBe(true);
  });

  it('leaves out a subject it never knew, and creates no key for it', async () => {
    await store.getOrCreate(['contact:known']);
    const read = await store.get(['contact:nobody', 'contact:known']);
    expect([...read.keys()]).toEqual(['contact:known']);
    expect(await store.get([])).toEqual(new Map());
    expect(await store.getOrCreate([])).toEqual(new Map());
    expect((await store.get(['contact:nobody'])).has('contact:nobody')).toBe(false);
  });

  it('shares keys between the stores of several processes', async () => {
    const other = await open();
    const [mine, theirs] = await Promise.all([store.getOrCreate(['contact:shared']), other.getOrCreate(['contact:shared'])]);
    expect(mine.get('contact:shared')!.equals(theirs.get('contact:shared')!)).toBe(true);
  });

  it('destroys a key for good: reads give null, writes are refused, the tombstone stays', async () => {
    const key = (await store.getOrCreate(['contact:c', 'contact:d'])).get('contact:c')!;
    expect(await store.destroy('contact:c')).toBe(true);
    expect((await store.get(['contact:c', 'contact:d'])).get('contact:c')).toBeNull();
    expect((await store.get(['contact:d'])).get('contact:d')).toHaveLength(32);
    await expect(store.getOrCreate(['contact:d', 'contact:c'])).rejects.toThrow(SubjectForgotten);
    await expect(store.getOrCreate(['contact:c'])).rejects.toThrow(/contact:c has been forgotten/);
    expect(await store.destroy('contact:c')).toBe(false);
    const reopened = await open();
    await expect(reopened.getOrCreate(['contact:c'])).rejects.toThrow(SubjectForgotten);
    expect((await backend.rawBytes()).includes(key)).toBe(false);
  });

  it('forgets a subject that never had a key: no key can be drawn for it later', async () => {
    expect(await store.destroy('thirdParty:never')).toBe(true);
    expect(await store.get(['thirdParty:never'])).toEqual(new Map([['thirdParty:never', null]]));
    await expect(store.getOrCreate(['thirdParty:never'])).rejects.toThrow(SubjectForgotten);
    expect(await store.destroy('thirdParty:never')).toBe(false);
  });

  it('wraps keys at rest with a key-encryption key, and refuses to read them without it', async () => {
    const kek = KeyEncryptionKey.fromBuffer(randomBytes(32));
    const wrapping = await open({ kek });
    const key = (await wrapping.getOrCreate(['contact:wrapped'])).get('contact:wrapped')!;
    expect((await backend.rawBytes()).includes(key)).toBe(false);
    const sameKek = await open({ kek });
    expect((await sameKek.get(['contact:wrapped'])).get('contact:wrapped')!.equals(key)).toBe(true);
    await expect(store.get(['contact:wrapped'])).rejects.toThrow(/wrapped, but SUIVI_KEY_ENCRYPTION_KEY is not set/);
    const otherKek = await open({ kek: KeyEncryptionKey.fromBuffer(randomBytes(32)) });
    await expect(otherKek.get(['contact:wrapped'])).rejects.toThrow(/does not unwrap/);
    // Keys drawn before the key-encryption key was configured still read.
    const plain = (await store.getOrCreate(['contact:plain'])).get('contact:plain')!;
    expect((await sameKek.get(['contact:plain'])).get('contact:plain')!.equals(plain)).toBe(true);
  });
}
