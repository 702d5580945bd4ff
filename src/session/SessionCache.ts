import type { Session } from './Session.js';

/** Decoded sessions of this process, keyed by the exact cookie value that carried them. */
export interface SessionCache {
  get(cookieValue: string, now?: number): Session | undefined;
  set(cookieValue: string, session: Session): void;
  readonly size: number;
}

/**
 * A bounded cache of decoded sessions (the oldest entry goes first). Only callers that authenticated the
 * value (seal verified) put entries in; an entry is dropped once its access
 * token has expired, so a cached read is never more trusting than a cold one.
 *
 * @example
 * ```ts
 * const cache = createSessionCache(10_000);
 * cache.set(sealedValue, session);
 * cache.get(sealedValue); // session, until session.expiresAt
 * ```
 */
export function createSessionCache(maxEntries: number): SessionCache {
  const entries = new Map<string, Session>();
  return {
    get(cookieValue, now = Date.now()) {
      const session = entries.get(cookieValue);
      if (session === undefined) return undefined;
      if (session.expiresAt <= now) {
        entries.delete(cookieValue);
        return undefined;
      }
      return session;
    },
    set(cookieValue, session) {
      if (maxEntries === 0) return;
      entries.delete(cookieValue);
      entries.set(cookieValue, session);
      // Map iterates in insertion order: the first key is the oldest.
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}
