import type { Session } from './Session.js';

/** Decoded server sessions of this process, keyed by the exact cookie value, each also findable by its session hash. */
export interface ServerSessionCache {
  /** The entry of exactly this cookie value while it is due after `t` (an entry past due is forgotten). */
  get(value: string, t: number): { session: Session; hash: string } | undefined;
  /** The session hash cached for this cookie value, due or not. */
  hashOf(value: string): string | undefined;
  /**
   * Caches a session read from (or written to) the store, replacing any
   * entry of the same value or hash. It is due at the earliest of `until`,
   * its access token's expiry and, while `live()` is false, the offline bound.
   */
  set(value: string, session: Session, hash: string, until: number): void;
  /** Caches a newer copy of the session under the cookie value it is cached for, if any. */
  update(hash: string, session: Session, until: number): void;
  /** Forgets the session of `hash` (ended here or elsewhere). */
  drop(hash: string): void;
  /** Forgets everything (revocations may have been missed). */
  flush(): void;
  /** Bumped by every drop and flush: a cold read that overlapped one must not cache its result. */
  readonly generation: number;
  readonly size: number;
  /** Estimated bytes held by the entries. */
  readonly bytes: number;
}

interface Entry {
  session: Session;
  hash: string;
  until: number;
  bytes: number;
}

// Rough heap cost of an entry, as the sealed codec's cache counts it: the
// tokens and their decoded claims (about twice the tokens again), plus objects.
const ENTRY_OVERHEAD = 1024;
const sizeOf = (value: string, { idToken, accessToken, refreshToken }: Session['tokens']): number =>
  ENTRY_OVERHEAD + value.length + 3 * (idToken.length + accessToken.length) + (refreshToken?.length ?? 0);

/**
 * The server codec's per-process cache, bounded by entries and estimated
 * bytes (the oldest go first). An entry lives until its access token is due
 * while revocations are pushed to this process (`live()`), else at most
 * `offlineMaxAgeMs`: the push is what makes a long-lived entry safe.
 *
 * @example
 * ```ts
 * const cache = createServerSessionCache({ maxEntries: 10_000, offlineMaxAgeMs: 5000, live: () => subscription.live });
 * cache.set(cookieValue, session, hash, Number.POSITIVE_INFINITY);
 * cache.get(cookieValue, Date.now())?.session; // no store call, no crypto
 * cache.drop(hash);                            // revoked
 * ```
 */
export function createServerSessionCache(options: {
  maxEntries: number;
  /** @default Infinity */
  maxBytes?: number;
  offlineMaxAgeMs: number;
  /** Whether revocations are pushed to this process right now. */
  live: () => boolean;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}): ServerSessionCache {
  const { maxEntries, offlineMaxAgeMs, live } = options;
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  // cookie value → decoded session; hash → the cookie value cached for it.
  const cache = new Map<string, Entry>();
  const valueOf = new Map<string, string>();
  let cachedBytes = 0;
  let generation = 0;

  function forget(value: string): void {
    const entry = cache.get(value);
    if (entry === undefined) return;
    cache.delete(value);
    cachedBytes -= entry.bytes;
    if (valueOf.get(entry.hash) === value) valueOf.delete(entry.hash);
  }

  function remember(value: string, session: Session, hash: string, until: number): void {
    const bytes = sizeOf(value, session.tokens);
    if (maxEntries === 0 || bytes > maxBytes) return;
    const previous = valueOf.get(hash);
    if (previous !== undefined) forget(previous);
    forget(value);
    // A live push keeps entries until their access token is due; without it, briefly.
    const bound = live() ? session.expiresAt : Math.min(session.expiresAt, now() + offlineMaxAgeMs);
    cache.set(value, { session, hash, until: Math.min(bound, until), bytes });
    cachedBytes += bytes;
    valueOf.set(hash, value);
    // Map iterates in insertion order: the first key is the oldest.
    while (cache.size > maxEntries || cachedBytes > maxBytes) forget(cache.keys().next().value as string);
  }

  return {
    get(value, t) {
      const entry = cache.get(value);
      if (entry === undefined) return undefined;
      if (entry.until > t) return entry;
      forget(value);
      return undefined;
    },
    hashOf: (value) => cache.get(value)?.hash,
    set: remember,
    update(hash, session, until) {
      const value = valueOf.get(hash);
      if (value !== undefined) remember(value, session, hash, until);
    },
    drop(hash) {
      generation++;
      const value = valueOf.get(hash);
      if (value !== undefined) forget(value);
    },
    flush() {
      generation++;
      cache.clear();
      valueOf.clear();
      cachedBytes = 0;
    },
    get generation() {
      return generation;
    },
    get size() {
      return cache.size;
    },
    get bytes() {
      return cachedBytes;
    },
  };
}
