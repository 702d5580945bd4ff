import type { Session } from './Session.js';

/** Decoded sessions of this process, keyed by the exact cookie value (as its chunks) that carried them. */
export interface SessionCache {
  get(parts: readonly string[], now?: number): Session | undefined;
  set(parts: readonly string[], session: Session): void;
  readonly size: number;
}

interface Entry {
  parts: readonly string[];
  session: Session;
}

// The tail of an iron seal is its HMAC: unique per seal, so a short index.
const KEY_LENGTH = 48;

function keyOf(parts: readonly string[]): string {
  const last = parts[parts.length - 1] ?? '';
  return `${parts.length}:${last.slice(-KEY_LENGTH)}`;
}

function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A bounded cache of decoded sessions (the oldest entry goes first). Only
 * callers that authenticated the value (seal verified) put entries in; an
 * entry is dropped once its access token has expired, so a cached read is
 * never more trusting than a cold one.
 *
 * Entries are indexed by the seal's tail (its HMAC) and confirmed by
 * comparing every chunk: hashing a fresh ~5.6 KB string per request would
 * cost more than the rest of the warm read (see bench/RESULTS.md).
 *
 * @example
 * ```ts
 * const cache = createSessionCache(10_000);
 * cache.set([sealedValue], session);
 * cache.get([sealedValue]); // session, until session.expiresAt
 * ```
 */
export function createSessionCache(maxEntries: number): SessionCache {
  const entries = new Map<string, Entry>();
  return {
    get(parts, now = Date.now()) {
      const key = keyOf(parts);
      const entry = entries.get(key);
      if (entry === undefined || !sameParts(entry.parts, parts)) return undefined;
      if (entry.session.expiresAt <= now) {
        entries.delete(key);
        return undefined;
      }
      return entry.session;
    },
    set(parts, session) {
      if (maxEntries === 0) return;
      const key = keyOf(parts);
      entries.delete(key);
      entries.set(key, { parts: [...parts], session });
      // Map iterates in insertion order: the first key is the oldest.
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
