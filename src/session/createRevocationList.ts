import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';
import { sha256Base64url } from './base64url.js';

/** Which sessions a cut-off ends. At least one field; `sid` is the IdP's session id (the ID token's `sid` claim). */
export interface RevocationMatch {
  sub?: string;
  sid?: string;
}

/** What a cookie session is checked on: its user, its IdP session, and when the user authenticated (epoch ms). */
export interface RevocationFacts {
  sub: string;
  sid?: string;
  /**
   * When the user authenticated, epoch milliseconds: see {@link revocationAuthTime}.
   * Not a finite number → treated as "before every cut-off" (fail closed).
   */
  authTime: number;
}

/**
 * A cut-off this process learned (its own `revoke`, a push from another
 * instance, or a store read that found a cut-off it did not know). `hashes` are
 * the store keys' hashes it applies to; a session is ended when one of
 * `list.hashesOf(facts)` is in `hashes` and `facts.authTime <= at`.
 */
export interface RevokedCut {
  readonly at: number;
  readonly hashes: readonly string[];
}

export interface RevocationListOptions {
  /**
   * The shared store (`runtimeOptions.store`). Without one the list lives in
   * this process only: a revocation made on one instance is unknown to the
   * others.
   */
  store?: AuthStore;
  /** The IdP's issuer: part of every key, so two IdPs' `sub`s never collide. */
  issuer: string;
  /**
   * How long a cut-off must be remembered, ms: the session cookie's maxAge
   * (after that no cookie written before the cut-off is still valid). 60 s
   * are added for the seal's clock skew.
   */
  ttlMs: number;
  /** Clock, epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Bound on the cut-offs remembered in this process; the oldest go first. @default 10000 */
  maxEntries?: number;
  /**
   * Called when `isRevoked` could not reach the store and answered from this
   * process's memory alone (usually "not revoked"). Must not throw (errors
   * are swallowed). Emit an event from it, never sign anybody out.
   */
  onUnavailable?: (error: unknown) => void;
}

export interface RevocationList {
  /**
   * Ends every cookie session matching `match` that authenticated at or
   * before `at` (clamped to now). `{ sub }` ends all of the user's sessions;
   * `{ sid }` or `{ sub, sid }` only that IdP session (plus the user's sessions
   * that carry no `sid`, which cannot be told apart). Recorded in this process
   * at once (listeners called), then in the store and pushed to every instance.
   *
   * Rejects with `AuthError('StoreUnavailable')` when the store could not
   * record or push it (the local record stays: retrying is safe), and with
   * `AuthError('InvalidConfig')` when `match` has neither field.
   */
  revoke(match: RevocationMatch, at?: number): Promise<void>;
  /**
   * True when a cut-off for the session's `sub` (or `sid`) is at or after its
   * `authTime`. Answers from this process's memory when it already knows such
   * a cut-off, else asks the store. Never rejects: when the store is down it
   * answers from memory and calls `onUnavailable`. A `sub` that is not a
   * non-empty string answers `true`.
   */
  isRevoked(facts: RevocationFacts): Promise<boolean>;
  /** The hashes a session's cut-offs are kept under, to match {@link RevokedCut.hashes} (e.g. for cache entries). */
  hashesOf(facts: { sub: string; sid?: string }): Promise<readonly string[]>;
  /**
   * Calls `listener` for every cut-off this process learns that moves a
   * cut-off forward. Listeners must not throw (errors are swallowed).
   *
   * @returns A function that removes the listener.
   */
  onRevoked(listener: (cut: RevokedCut) => void): () => void;
  /** Resolves `true` once the push subscription is up, `false` without a store or when it could not be made (retried later). Never rejects. */
  ready(): Promise<boolean>;
  /** Ends the push subscription (the store itself stays open: it is not this list's). */
  close(): Promise<void>;
}

/** The pub/sub channel cut-offs are pushed on (shared with server-mode session revocations). */
export const REVOKED_CHANNEL = 'sessions:revoked';

// iron's timestamp skew: a seal stays valid up to 60 s after its ttl.
const SEAL_SKEW_MS = 60_000;
// The lock that serialises raising one cut-off: its expiry and how often to
// try for it (5 ms, 10 ms, … between tries: ~1 s in all).
const LOCK_TTL_MS = 2000;
const LOCK_ATTEMPTS = 20;
// Do not retry a failed subscription more often than this.
const RESUBSCRIBE_MS = 1000;
// `cut <at> <hash>[,<hash>]`: hashes only, never a sub or sid in clear.
const MESSAGE = /^cut (\d{1,16}) ([A-Za-z0-9_-]{43}(?:,[A-Za-z0-9_-]{43}){0,3})$/;

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function positiveInteger(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new AuthError('InvalidConfig', `${name} must be a positive integer`);
  }
}

function parseCut(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The "authenticated at" time a cookie session is checked on: the ID token's
 * `auth_time`, else its `iat`, in epoch milliseconds (`undefined` when it has
 * neither: pass it on, `isRevoked` then fails closed). `auth_time` is kept by
 * the IdP across refreshes, so a cookie refreshed after the cut-off (in the
 * browser for Amplify's cookies, or by an instance that could not reach the
 * store) is still ended; `iat` changes with every refresh.
 *
 * But `auth_time` is when the user last typed a password at the IdP: a
 * sign-in through the IdP's still-open session (SSO, no password asked)
 * brings back the OLD `auth_time` (checked on the dev IdP). After a `{ sub }`
 * cut-off that did not end the IdP sessions (sign-out-everywhere from the
 * app), such a sign-in would be ended again at once. The sign-in callback
 * therefore checks new tokens against the list before writing them and, when
 * they are already revoked, asks the IdP once more with `prompt=login` (a
 * fresh login has a new `auth_time`), then shows `session_revoked` (403).
 *
 * @example
 * ```ts
 * const authTime = revocationAuthTime(session.idToken.payload) ?? Number.NaN;
 * if (await revocations.isRevoked({ sub, sid, authTime })) return undefined; // signed out
 * ```
 */
export function revocationAuthTime(claims: { auth_time?: unknown; iat?: unknown }): number | undefined {
  const seconds = typeof claims.auth_time === 'number' ? claims.auth_time : claims.iat;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * A revocation list for the stateless cookie codecs (`'sealed'`,
 * `'amplify'`): "every session of this user (or of this IdP session)
 * authenticated before time T is ended". It is what back-channel logout and
 * sign-out-everywhere record when there are no server-side sessions.
 *
 * Store keys are `cut:<base64url SHA-256(issuer + ' sub ' + sub)>` (and
 * `' sid ' + sid`, `' nosid ' + sub` for sessions without a `sid`), values
 * the cut-off in epoch ms, expiring after `ttlMs`. A cut-off only moves
 * forward: the first write is atomic (`setIfAbsent`); a later one reads,
 * compares and writes under a short per-key lock taken with `setIfAbsent`
 * (no Lua needed, so any {@link AuthStore} works).
 *
 * @example
 * ```ts
 * const revocations = createRevocationList({ store, issuer: config.issuer, ttlMs: cookies.maxAge * 1000 });
 * revocations.onRevoked((cut) => dropCachedSessions(cut));
 * await revocations.revoke({ sub }); // sign out everywhere
 * if (await revocations.isRevoked({ sub, sid, authTime })) signOut();
 * ```
 */
export function createRevocationList(options: RevocationListOptions): RevocationList {
  const { store, issuer, onUnavailable } = options;
  if (!nonEmpty(issuer)) throw new AuthError('InvalidConfig', 'createRevocationList: issuer is required');
  if (options.ttlMs === undefined) throw new AuthError('InvalidConfig', 'createRevocationList: ttlMs is required');
  positiveInteger(options.ttlMs, 'createRevocationList: ttlMs');
  positiveInteger(options.maxEntries, 'createRevocationList: maxEntries');
  const ttl = options.ttlMs + SEAL_SKEW_MS;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;

  // This process's memory: hash → cut-off and until when to remember it.
  // Insertion order is roughly age order (an update moves an entry to the end).
  const cuts = new Map<string, { at: number; until: number }>();
  const listeners = new Set<(cut: RevokedCut) => void>();
  const reading = new Map<string, Promise<number | undefined>>();
  let subscription: Promise<boolean> | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const key = (hash: string): string => `cut:${hash}`;

  function localCut(hash: string, t: number): number | undefined {
    const entry = cuts.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= t) {
      cuts.delete(hash);
      return undefined;
    }
    return entry.at;
  }

  /** Records `at` for each hash unless a later cut-off is known; tells listeners when something moved. */
  function remember(hashes: readonly string[], at: number): void {
    const t = now();
    const moved: string[] = [];
    for (const hash of hashes) {
      const known = localCut(hash, t);
      if (known !== undefined && known >= at) continue;
      cuts.delete(hash);
      cuts.set(hash, { at, until: t + ttl });
      moved.push(hash);
    }
    // Expired entries first, then the oldest, until the bound holds.
    for (const [hash, entry] of cuts) {
      if (entry.until > t && cuts.size <= maxEntries) break;
      cuts.delete(hash);
    }
    if (moved.length === 0) return;
    const cut: RevokedCut = Object.freeze({ at, hashes: Object.freeze(moved) });
    for (const listener of listeners) {
      try {
        listener(cut);
      } catch {
        // A listener's bug must not stop the others or the revocation.
      }
    }
  }

  function onMessage(message: string): void {
    const m = MESSAGE.exec(message);
    if (m === null) return; // server-mode session hashes, or garbage
    remember(m[2]!.split(','), Number(m[1]));
  }

  /** Subscribes once, lazily; a failed attempt is retried on a later call, at most once a second. */
  function subscribe(): Promise<boolean> {
    if (store === undefined || closed) return Promise.resolve(false);
    if (subscription !== undefined) return subscription;
    const t = now();
    if (t - failedAt < RESUBSCRIBE_MS) return Promise.resolve(false);
    const attempt = store.subscribe(REVOKED_CHANNEL, onMessage).then(
      (off) => {
        if (closed) {
          void off().catch(() => {});
          return false;
        }
        unsubscribe = off;
        return true;
      },
      () => {
        failedAt = now();
        subscription = undefined;
        return false;
      },
    );
    subscription = attempt;
    return attempt;
  }

  /** The store's cut-off under `hash`; concurrent reads of one key share one call. Rejects when the store does. */
  function readCut(s: AuthStore, hash: string): Promise<number | undefined> {
    let pending = reading.get(hash);
    if (pending === undefined) {
      pending = s.get(key(hash)).then(parseCut);
      reading.set(hash, pending);
      const done = (): void => void reading.delete(hash);
      pending.then(done, done);
    }
    return pending;
  }

  /** Read, compare, write: moves the store's cut-off under `hash` forward to `at`. */
  async function raiseUnlocked(s: AuthStore, hash: string, at: number): Promise<void> {
    const current = parseCut(await s.get(key(hash)));
    if (current === undefined || current < at) await s.set(key(hash), String(at), ttl);
  }

  /**
   * Moves the store's cut-off under `hash` forward to `at`, never back. The
   * first cut-off is one atomic `setIfAbsent`; a later one reads, compares and
   * writes under a short lock (`cutlock:<hash>`), so two instances revoking
   * one user at once cannot leave the earlier cut-off. A lock held longer than
   * ~1 s (its holder died) is given up on: the write then goes unlocked.
   */
  async function raise(s: AuthStore, hash: string, at: number): Promise<void> {
    if (await s.setIfAbsent(key(hash), String(at), ttl)) return;
    const lock = `cutlock:${hash}`;
    const owner = crypto.randomUUID();
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (await s.setIfAbsent(lock, owner, LOCK_TTL_MS)) {
        try {
          await raiseUnlocked(s, hash, at);
        } finally {
          await s.deleteIfEquals(lock, owner).catch(() => {});
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5 * (attempt + 1)));
    }
    await raiseUnlocked(s, hash, at);
  }

  // Hashes of recently checked sessions: a repeated check (another cold read
  // of the same user) skips the two SHA-256 digests.
  const hashMemo = new Map<string, Promise<string[]>>();

  function checkHashes(facts: { sub: string; sid?: string }): Promise<string[]> {
    const sid = nonEmpty(facts.sid) ? facts.sid : undefined;
    const memoKey = sid === undefined ? `${facts.sub}\n` : `${facts.sub}\n${sid}`;
    let hashes = hashMemo.get(memoKey);
    if (hashes === undefined) {
      hashes = Promise.all([sha256Base64url(`${issuer} sub ${facts.sub}`), sid === undefined ? sha256Base64url(`${issuer} nosid ${facts.sub}`) : sha256Base64url(`${issuer} sid ${sid}`)]);
      if (hashMemo.size >= maxEntries) hashMemo.delete(hashMemo.keys().next().value!);
      hashMemo.set(memoKey, hashes);
    }
    return hashes;
  }

  return {
    async revoke(match, at) {
      const { sub, sid } = match;
      if (!nonEmpty(sub) && !nonEmpty(sid)) throw new AuthError('InvalidConfig', 'revoke: match needs a sub or a sid');
      if (at !== undefined && !Number.isFinite(at)) throw new AuthError('InvalidConfig', 'revoke: at must be epoch milliseconds');
      // Never in the future: a future cut-off would end sign-ins that happen after the call.
      const cutAt = Math.max(0, Math.floor(Math.min(at ?? now(), now())));
      const hashes = nonEmpty(sid)
        ? await Promise.all([sha256Base64url(`${issuer} sid ${sid}`), ...(nonEmpty(sub) ? [sha256Base64url(`${issuer} nosid ${sub}`)] : [])])
        : [await sha256Base64url(`${issuer} sub ${sub}`)];
      remember(hashes, cutAt);
      if (store === undefined) return;
      void subscribe();
      try {
        await Promise.all(hashes.map((hash) => raise(store, hash, cutAt)));
        await store.publish(REVOKED_CHANNEL, `cut ${cutAt} ${hashes.join(',')}`);
      } catch (err) {
        if (isAuthError(err, 'StoreUnavailable')) throw err;
        throw new AuthError('StoreUnavailable', 'revoke: the store failed', { cause: err });
      }
    },

    async isRevoked(facts) {
      // A session without a user is not one (fail closed).
      if (!nonEmpty(facts.sub)) return true;
      const authTime = Number.isFinite(facts.authTime) ? facts.authTime : Number.NEGATIVE_INFINITY;
      const hashes = await checkHashes(facts);
      const t = now();
      if (
        hashes.some((hash) => {
          const at = localCut(hash, t);
          return at !== undefined && at >= authTime;
        })
      ) {
        return true;
      }
      if (store === undefined) return false;
      void subscribe();
      try {
        const found = await Promise.all(hashes.map((hash) => readCut(store, hash)));
        let revoked = false;
        found.forEach((at, i) => {
          if (at === undefined) return;
          remember([hashes[i]!], at); // a cut-off this process missed: drop cached sessions too
          if (at >= authTime) revoked = true;
        });
        return revoked;
      } catch (err) {
        try {
          onUnavailable?.(err);
        } catch {
          // An event handler's bug must not turn into a 500.
        }
        // Memory already said "not revoked": a store outage never signs anybody out.
        return false;
      }
    },

    hashesOf: async (facts) => [...(await checkHashes(facts))],

    onRevoked(listener) {
      listeners.add(listener);
      void subscribe();
      return () => void listeners.delete(listener);
    },

    ready: subscribe,

    async close() {
      closed = true;
      listeners.clear();
      const off = unsubscribe;
      unsubscribe = undefined;
      if (off !== undefined) await off().catch(() => {});
    },
  };
}
