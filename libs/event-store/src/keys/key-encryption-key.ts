import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SUBJECT_KEY_BYTES } from './subject-key-store.port.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_PREFIX = 'suivi subject key v1\u0000';

/**
 * Wraps subject keys at rest (AES-256-GCM, SUIVI_KEY_ENCRYPTION_KEY): a copy of the
 * key store alone — a backup, a replica's oplog, a disk image — then reads nothing
 * without the key-encryption key, which lives elsewhere (the environment, a
 * secret manager). The subject id is authenticated with each key, so a wrapped
 * key moved to another subject's row does not unwrap.
 */
export class KeyEncryptionKey {
  private constructor(private readonly key: Buffer) {}

  static fromBuffer(key: Buffer): KeyEncryptionKey {
    if (key.length !== SUBJECT_KEY_BYTES) throw new Error(`a key-encryption key is ${SUBJECT_KEY_BYTES} bytes (got ${key.length})`);
    return new KeyEncryptionKey(Buffer.from(key));
  }

  wrap(subjectId: string, subjectKey: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(AAD_PREFIX + subjectId, 'utf8'));
    const ct = Buffer.concat([cipher.update(subjectKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  unwrap(subjectId: string, wrapped: Buffer): Buffer {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(AAD_PREFIX + subjectId, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (error) {
      throw new Error(`the key of data subject ${subjectId} does not unwrap: SUIVI_KEY_ENCRYPTION_KEY is not the key it was wrapped with`, {
        cause: error,
      });
    }
  }
}

/** How adapters store a key: wrapped when a key-encryption key is configured. */
export class KeySealing {
  constructor(private readonly kek: KeyEncryptionKey | null) {}

  get wraps(): boolean {
    return this.kek !== null;
  }

  seal(subjectId: string, key: Buffer): { readonly bytes: Buffer; readonly wrapped: boolean } {
    return this.kek ? { bytes: this.kek.wrap(subjectId, key), wrapped: true } : { bytes: key, wrapped: false };
  }

  open(subjectId: string, bytes: Buffer, wrapped: boolean): Buffer {
    if (!wrapped) return bytes;
    if (!this.kek) {
      throw new Error(`the key of data subject ${subjectId} is wrapped, but SUIVI_KEY_ENCRYPTION_KEY is not set: set it to the key it was wrapped with`);
    }
    return this.kek.unwrap(subjectId, bytes);
  }
}
