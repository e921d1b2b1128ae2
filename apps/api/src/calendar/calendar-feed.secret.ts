import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `<userId>.<secret>.ics`: the user id names the feed's stream, the secret (32 random bytes, base64url) proves the URL was handed out. */
const FEED_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})\.ics$/;

export const newFeedSecret = (): string => randomBytes(32).toString('base64url');

/** A fast hash suffices: the secret is 256 random bits, nothing to guess from a dictionary. */
export const feedSecretHash = (secret: string): string => createHash('sha256').update(`suivi-calendar-feed\u0000${secret}`).digest('hex');

export const feedPath = (userId: string, secret: string): string => `/calendar/${userId}.${secret}.ics`;

/** The user and secret a feed file names; null for anything else. */
export const parseFeedFile = (file: string): { readonly userId: string; readonly secret: string } | null => {
  const match = FEED_FILE.exec(file);
  return match === null ? null : { userId: match[1]!, secret: match[2]! };
};

export const sameHash = (stored: string, presented: string): boolean =>
  stored.length === presented.length && timingSafeEqual(Buffer.from(stored, 'utf8'), Buffer.from(presented, 'utf8'));
