// Subpath import: jose's barrel pulls in JWE compression, which the edge runtime lacks.
import { encode as base64url } from 'jose/base64url';
import { isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';

export interface LogoutReplayGuardOptions {
  /** The shared store: one use per `jti` across every instance. Absent: this process only. */
  store?: AuthStore;
  /**
   * Most `jti`s remembered in process memory (used without a store, while
   * the store is down, and as a first check in front of it). Only verified
   * tokens get in; when full, expired entries go first, then the oldest.
   * @default 10000
   */
  maxEntries?: number;
  /** Clock, epoch milliseconds. @default Date.now */
  now?: () => number;
}

/** Remembers the logout tokens already accepted, by issuer and `jti`. */
export interface LogoutReplayGuard {
  /**
   * Records the first use of (`issuer`, `jti`) until `untilMs` (epoch ms,
   * after which the token is refused as expired anyway).
   * @returns `true` for a first use, `false` for a replay.
   */
  claim(issuer: string, jti: string, untilMs: number): Promise<boolean>;
  /** Forgets a claim, so the IdP may retry after the logout failed on our side. Never throws. */
  release(issuer: string, jti: string): Promise<void>;
}

/**
 * The store key of a logout token's `jti`: a hash, never the token's values
 * (`bcl:<base64url SHA-256 of iss + " " + jti>`).
 *
 * @example
 * ```ts
 * await store.setIfAbsent(await logoutJtiKey(issuer, jti), '1', ttlMs);
 * ```
 */
export async function logoutJtiKey(issuer: string, jti: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${issuer} ${jti}`));
  return `bcl:${base64url(new Uint8Array(digest))}`;
}

/**
 * One use per logout token (Back-Channel Logout 1.0 §2.6 step 6). With a
 * store, `setIfAbsent` makes the first instance to see a `jti` the only one
 * that accepts it; without one, or while it is down (`StoreUnavailable`), a
 * bounded per-process memory decides, so a replay to the same process is
 * still refused.
 *
 * @example
 * ```ts
 * const guard = createLogoutReplayGuard({ store: runtime.options.store });
 * if (!(await guard.claim(issuer, claims.jti, (claims.exp + skew) * 1000))) return replayed();
 * ```
 */
export function createLogoutReplayGuard(options: LogoutReplayGuardOptions = {}): LogoutReplayGuard {
  const { store } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  /** key → until (epoch ms), in insertion order. */
  const seen = new Map<string, number>();

  function remember(key: string, until: number): void {
    if (seen.size >= maxEntries) {
      const t = now();
      for (const [k, u] of seen) if (u <= t) seen.delete(k);
      // Still full of live entries: the oldest goes (it expires first).
      while (seen.size >= maxEntries) seen.delete(seen.keys().next().value!);
    }
    seen.set(key, until);
  }

  return {
    async claim(issuer, jti, untilMs) {
      const key = await logoutJtiKey(issuer, jti);
      const held = seen.get(key);
      if (held !== undefined && held > now()) return false;
      // Taken before the store is asked: a concurrent replay to this process loses even while the store is down.
      remember(key, untilMs);
      if (store === undefined) return true;
      try {
        return await store.setIfAbsent(key, '1', Math.max(1, Math.ceil(untilMs - now())));
      } catch (err) {
        // Store down: this process's memory is all there is (documented).
        if (isAuthError(err, 'StoreUnavailable')) return true;
        seen.delete(key);
        throw err;
      }
    },
    async release(issuer, jti) {
      const key = await logoutJtiKey(issuer, jti);
      seen.delete(key);
      await store?.delete(key).catch(() => undefined);
    },
  };
}
