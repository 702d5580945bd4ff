import type { Session } from './Session.js';

/** Decoded sessions of this process, keyed by the exact cookie value (as its chunks) that carried them. */
export interface SessionCache {
  get(parts: readonly string[], now?: number): Session | undefined;
  /** Forgets the session of exactly this value (signed out, or its refresh token died). */
  delete(parts: readonly string[]): void;
  /**
   * Stores a session whose seal verified. `until` (epoch ms) ends the entry
   * before the access token expires (a value to look at again soon).
   */
  set(parts: readonly string[], session: Session, options?: { until?: number }): void;
  /** Drops every entry whose session matches (a revocation: rare, walks the whole cache). */
  deleteWhere(matches: (session: Session) => boolean): void;
  /** The cached sessions, oldest first (a snapshot). */
  sessions(): Session[];
  readonly size: number;
  /** Estimated bytes held by the entries. */
  readonly bytes: number;
}

interface Entry {
  parts: readonly string[];
  session: Session;
  until: number;
  bytes: number;
}

// A seal ends `*<43-char HMAC>~2`.
const MAC_LENGTH = 43;
const TAIL_LENGTH = MAC_LENGTH + 2;

/**
 * The seal's whole HMAC (unique per seal), read from the end of the value,
 * which may span the last two chunks. Anything that is not a seal gives some
 * string that simply misses.
 */
function keyOf(parts: readonly string[]): string {
  const n = parts.length;
  let tail = parts[n - 1] ?? '';
  // A full tail needs at most two chunks: the writer never makes a chunk shorter than 256 characters except the last.
  if (tail.length < TAIL_LENGTH && n > 1) tail = (parts[n - 2] ?? '').slice(-TAIL_LENGTH) + tail;
  return tail.slice(-TAIL_LENGTH, -2);
}

function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Rough heap cost of an entry: the cookie strings (one byte per character in
// V8), the token strings and their decoded claims (about twice the tokens
// again), and the objects around them. bench/cache-inflation.mjs checks it.
const ENTRY_OVERHEAD = 1024;
function sizeOf(parts: readonly string[], session: Session): number {
  let bytes = ENTRY_OVERHEAD;
  for (const part of parts) bytes += part.length;
  const { idToken, accessToken, refreshToken } = session.tokens;
  bytes += 3 * (idToken.length + accessToken.length) + (refreshToken?.length ?? 0);
  return bytes;
}

/**
 * A bounded cache of decoded sessions (the oldest entry goes first), bounded
 * by entries and by estimated bytes. Only callers that authenticated the
 * value (seal verified, exact format) put entries in; an entry is dropped
 * once its access token has expired, so a cached read is never more trusting
 * than a cold one.
 *
 * Entries are keyed by the seal's whole HMAC and confirmed by comparing
 * every chunk: hashing a fresh ~5.6 KB string per request would cost more
 * than the rest of the warm read (see bench/RESULTS.md).
 *
 * @example
 * ```ts
 * const cache = createSessionCache(10_000, 64 * 2 ** 20);
 * cache.set([sealedValue], session);
 * cache.get([sealedValue]); // session, until session.expiresAt
 * ```
 */
export function createSessionCache(maxEntries: number, maxBytes = Number.POSITIVE_INFINITY): SessionCache {
  const entries = new Map<string, Entry>();
  let total = 0;
  const remove = (key: string, entry: Entry): void => {
    entries.delete(key);
    total -= entry.bytes;
  };
  return {
    get(parts, now = Date.now()) {
      const key = keyOf(parts);
      const entry = entries.get(key);
      if (entry === undefined || !sameParts(entry.parts, parts)) return undefined;
      if (entry.until <= now) {
        remove(key, entry);
        return undefined;
      }
      return entry.session;
    },
    set(parts, session, { until = Number.POSITIVE_INFINITY } = {}) {
      const bytes = sizeOf(parts, session);
      if (maxEntries === 0 || bytes > maxBytes) return;
      const key = keyOf(parts);
      const previous = entries.get(key);
      if (previous !== undefined) remove(key, previous);
      entries.set(key, { parts: [...parts], session, until: Math.min(session.expiresAt, until), bytes });
      total += bytes;
      // Map iterates in insertion order: the first key is the oldest.
      while (entries.size > maxEntries || total > maxBytes) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        remove(oldestKey, oldest);
      }
    },
    delete(parts) {
      const key = keyOf(parts);
      const entry = entries.get(key);
      if (entry !== undefined && sameParts(entry.parts, parts)) remove(key, entry);
    },
    deleteWhere(matches) {
      for (const [key, entry] of [...entries]) if (matches(entry.session)) remove(key, entry);
    },
    sessions() {
      return [...entries.values()].map((entry) => entry.session);
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return total;
    },
  };
}
