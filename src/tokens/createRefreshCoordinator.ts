import { sealData, unsealData } from 'iron-session';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import { refreshRefusal } from './refreshRefusal.js';
import { accessExpiry, refreshTokenKey } from './tokenSetFacts.js';

export interface RefreshCoordinatorOptions {
  store: AuthStore;
  /** Performs one real refresh at the IdP (`previous`: the session refreshed, for its DPoP key). */
  grant: (refreshToken: string, previous?: TokenSet) => Promise<TokenSet>;
  /** `{ id: secret }`, the app's secrets: results are sealed with them before they are stored. */
  secrets: Record<string, string>;
  /** The hard grace window (see `RefresherOptions.graceMs`). */
  graceMs: number;
  /** How long spent, rejected and signed-out tokens are remembered. */
  spentMs: number;
  /**
   * How long a refresh lock is held at most: an instance that dies holding it
   * delays the others by this much, then one of them takes over. It must
   * outlast one IdP call (discovery, token endpoint and JWKS, each bounded by
   * `httpTimeoutMs`).
   */
  lockTtlMs: number;
  /** How often a waiter looks at the store when no message wakes it (a message can be missed). @default 50 */
  pollMs?: number;
  /** Names this instance's locks. @default a random UUID */
  instanceId?: string;
  /** The store failed (down, slow, closed): the call went on per-process. Never given tokens. */
  onUnavailable?: (operation: 'refresh' | 'signOut') => void;
  now?: () => number;
}

/** What one coordinated refresh gives the refresher. */
export interface CoordinatedResult {
  tokens: TokenSet;
  /** End of the hard grace window of the refreshed token: its first use + grace, the same on every instance. */
  until: number;
  /** True when another call (any instance) made the IdP call; this one only read its result. */
  shared: boolean;
}

export interface RefreshCoordinator {
  /**
   * New tokens for `token` (whose memory key is `key`), with at most one IdP
   * call across every instance sharing the store. Falls back to calling the
   * IdP from this process when the store fails.
   *
   * @throws AuthError `RefreshTokenRejected` (spent, rejected or signed out on
   *   some instance; another user) or `IdpUnavailable`.
   */
  refresh(token: string, key: string, options: { force: boolean; previous?: TokenSet }): Promise<CoordinatedResult>;
  /** Sign-out: `keys` are spent on every instance and their results dropped (best effort: the store may be down). */
  end(keys: string[]): Promise<void>;
  /**
   * Another grant on `token` (a resource token, see `Refresher.inLane`)
   * holding its refresh lock, so no instance uses the token meanwhile.
   * `attempt` is asked before the grant and after every wait (a value
   * another instance stored). A rotation the grant causes is stored as a
   * refresh result (`session` with the new refresh token) and the old token
   * marked rotated, so stale cookies on every instance map to it for the
   * grace window. Resolves to `{ moved }` when another instance rotated the
   * token meanwhile (continue from `moved.refreshToken`). A store that fails
   * makes it run per-process.
   *
   * @throws AuthError `RefreshTokenRejected` (spent, rejected or signed out on some instance), `IdpUnavailable`, or what `grant` throws.
   */
  exclusive<T>(
    token: string,
    key: string,
    session: TokenSet,
    grant: (refreshToken: string) => Promise<{ value: T; refreshToken: string }>,
    attempt?: (refreshToken: string) => Promise<T | undefined>,
  ): Promise<{ value: T; refreshToken: string; moved?: undefined } | { moved: TokenSet }>;
}

/** `cause` of a rejection the store remembered: no IdP call was made, so no failure event is due. */
export const REMEMBERED = Symbol.for('next-server-auth.remembered-rejection');

/** What is sealed under `rt:<hash>:result`. Short keys: it is read on every refresh of a storm. */
interface StoredResult {
  v: 1;
  id: string;
  at: string;
  rt?: string;
  /** `TokenSet.dpopKey` (RFC 9449), sealed with the tokens it binds. */
  dk?: string;
  /** When the IdP answered (epoch ms). */
  t: number;
  /** First use + grace: fixed by the winner, never moved. */
  u: number;
  /** Memory key of the successor refresh token, when rotated. */
  n?: string;
}

type Spent = 'rotated' | 'rejected' | 'ended';

function isStoredResult(d: unknown): d is StoredResult {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as Record<string, unknown>;
  return (
    r.v === 1 && typeof r.id === 'string' && typeof r.at === 'string' && (r.rt === undefined || typeof r.rt === 'string') && (r.dk === undefined || typeof r.dk === 'string') &&
    typeof r.t === 'number' && typeof r.u === 'number' && (r.n === undefined || typeof r.n === 'string')
  );
}

const remembered = (message: string) => new AuthError('RefreshTokenRejected', message, { cause: REMEMBERED });
const isStoreDown = (err: unknown) => isAuthError(err, 'StoreUnavailable');

/** Store keys of one refresh token (its hash; the store adds the app's prefix). */
const keys = (key: string) => ({ lock: `rt:${key}:lock`, result: `rt:${key}:result`, spent: `rt:${key}:spent`, channel: `rt:${key}` });
type Keys = ReturnType<typeof keys>;

/** A store write by the lock holder that must not fail the refresh when the store is down. */
type Quietly = (op: () => Promise<unknown>) => Promise<void>;

/**
 * Refresh coordinated across instances through an {@link AuthStore}: a lock
 * per refresh token (keyed by its hash), one IdP call by the lock holder,
 * whose result is sealed with the app's secret and read by every waiter on
 * every instance. The grace window (first use + grace, stored once) and the
 * spent / rejected / signed-out tokens live in the store, so a stale cookie
 * gets the same answer on every instance. A holder that dies leaves a lock
 * that expires after `lockTtlMs`; then another instance refreshes.
 *
 * The store never holds a usable token: keys are SHA-256 hashes and values
 * are iron seals. A store that fails (`StoreUnavailable`) makes the call go on
 * per-process (`onUnavailable` is called): never an error, never a sign-out
 * caused by the store.
 *
 * @example
 * ```ts
 * const coordinator = createRefreshCoordinator({ store, grant, secrets: { 1: process.env.AUTH_SECRET! },
 *   graceMs: 60_000, spentMs: 30 * 86_400_000, lockTtlMs: 15_000 });
 * const refresher = createRefresher({ grant, coordinator, graceMs: 60_000, spentMs: 30 * 86_400_000, maxEntries: 10_000 });
 * ```
 */
export function createRefreshCoordinator(options: RefreshCoordinatorOptions): RefreshCoordinator {
  const { store, grant, secrets, graceMs, spentMs, lockTtlMs } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 50;
  const instanceId = options.instanceId ?? crypto.randomUUID();
  // A result is kept for the window, and at least as long as a waiter can wait
  // for it (grace 0 still shares one IdP call between concurrent requests).
  const resultMs = Math.max(graceMs, lockTtlMs);
  // The seal outlives that a little (clock differences); `u` decides.
  const sealTtl = Math.ceil(resultMs / 1000) + 60;

  async function seal(tokens: TokenSet, t: number, until: number, next: string | undefined): Promise<string> {
    const data: StoredResult = { v: 1, id: tokens.idToken, at: tokens.accessToken, t, u: until, ...(tokens.refreshToken !== undefined ? { rt: tokens.refreshToken } : {}), ...(tokens.dpopKey !== undefined ? { dk: tokens.dpopKey } : {}), ...(next !== undefined ? { n: next } : {}) };
    return sealData(data, { password: secrets, ttl: sealTtl });
  }

  async function unseal(raw: string): Promise<StoredResult | undefined> {
    try {
      const data: unknown = await unsealData(raw, { password: secrets, ttl: sealTtl });
      return isStoredResult(data) ? data : undefined;
    } catch {
      return undefined; // another secret, tampered: as if absent
    }
  }

  /**
   * What the store already knows about `key`: a usable result, a rejection, or
   * nothing (refresh needed). `spent` is read before the result: the winner
   * writes the result first, so a reader that sees "rotated" also sees it.
   */
  async function lookup(token: string, key: string, force: boolean, started: number): Promise<CoordinatedResult | undefined> {
    const k = keys(key);
    const spent = (await store.get(k.spent)) as Spent | undefined;
    if (spent === 'rejected' || spent === 'ended') throw remembered('This refresh token was rejected or signed out');
    const raw = await store.get(k.result);
    const stored = raw === undefined ? undefined : await unseal(raw);
    const t = now();
    // Inside the window, or this call was waiting while the IdP answered (single-flight, as in one process).
    if (stored !== undefined && (stored.u > t || started <= stored.t)) {
      const tokens: TokenSet = { idToken: stored.id, accessToken: stored.at, ...(stored.rt !== undefined ? { refreshToken: stored.rt } : {}), ...(stored.dk !== undefined ? { dpopKey: stored.dk } : {}) };
      const rotated = tokens.refreshToken !== undefined && tokens.refreshToken !== token;
      if (rotated && stored.n !== undefined) {
        // The successor signed out or died: the stale predecessor maps to nothing.
        const successor = (await store.get(keys(stored.n).spent)) as Spent | undefined;
        if (successor === 'rejected' || successor === 'ended') throw remembered('This refresh token was signed out');
      }
      // A rotated-out token only ever maps (never rotates again); a kept one
      // is reused while its tokens are valid (`force`: only a result newer than this call).
      if (rotated || (force ? stored.t >= started : accessExpiry(tokens) > t)) return { tokens, until: stored.u, shared: true };
    }
    if (spent !== undefined) throw remembered('This refresh token was already used');
    return undefined;
  }

  /**
   * Runs `body` as the holder of the lock just taken on `k`, and releases it.
   * The holder's store writes go through `quietly`: the first that finds the
   * store down is reported and the rest are skipped (the IdP answer still
   * counts; the lock then expires by itself).
   */
  async function holding<R>(k: Keys, body: (quietly: Quietly) => Promise<R>): Promise<R> {
    let storeDown = false;
    const quietly: Quietly = async (op) => {
      if (storeDown) return;
      try {
        await op();
      } catch (err) {
        if (!isStoreDown(err)) throw err;
        storeDown = true;
        options.onUnavailable?.('refresh');
      }
    };
    try {
      return await body(quietly);
    } finally {
      if (!storeDown) store.deleteIfEquals(k.lock, instanceId).catch(() => undefined);
    }
  }

  /** The holder's IdP call: a rejected token is remembered as spent, and waiters are woken either way ('failed' ends their wait). */
  async function granting<G>(k: Keys, quietly: Quietly, call: () => Promise<G>): Promise<G> {
    try {
      return await call();
    } catch (err) {
      if (isAuthError(err, 'RefreshTokenRejected')) await quietly(() => store.set(k.spent, 'rejected', spentMs));
      await quietly(() => store.publish(k.channel, isAuthError(err, 'RefreshTokenRejected') ? 'done' : 'failed'));
      throw err;
    }
  }

  /** The lock holder: one IdP call, its result stored sealed, waiters woken. */
  async function lead(token: string, key: string, force: boolean, started: number, previous: TokenSet | undefined): Promise<CoordinatedResult> {
    const k = keys(key);
    return holding(k, async (quietly) => {
      // Someone may have finished between our look and our lock.
      const found = await lookup(token, key, force, started);
      if (found) return found;
      const tokens = await granting(k, quietly, () => grant(token, previous));
      const t = now();
      const next = tokens.refreshToken !== undefined && tokens.refreshToken !== token ? await refreshTokenKey(tokens.refreshToken) : undefined;
      const refused = previous === undefined ? undefined : refreshRefusal(previous, tokens);
      if (refused !== undefined) {
        // Tokens about another user, or another authentication (OIDC Core 12.2): stored nowhere, both tokens dead everywhere.
        await quietly(() => store.set(k.spent, 'rejected', spentMs));
        if (next !== undefined) await quietly(() => store.set(keys(next).spent, 'rejected', spentMs));
        await quietly(() => store.publish(k.channel, 'done'));
        throw new AuthError('RefreshTokenRejected', refused);
      }
      const until = t + graceMs;
      // Result first, then "spent": a reader that sees the token spent finds its mapping (see lookup).
      const sealed = await seal(tokens, t, until, next);
      await quietly(() => store.set(k.result, sealed, resultMs));
      if (next !== undefined) await quietly(() => store.set(k.spent, 'rotated', spentMs));
      await quietly(() => store.publish(k.channel, 'done'));
      return { tokens, until, shared: false };
    });
  }

  async function coordinate(token: string, key: string, force: boolean, previous: TokenSet | undefined): Promise<CoordinatedResult> {
    const k = keys(key);
    const started = now();
    // Bounded: past a few lock lifetimes without a result, give up (IdpUnavailable, the session is kept).
    const deadline = Date.now() + 3 * lockTtlMs;
    let wake: (() => void) | undefined;
    let failed = false;
    let unsubscribe: (() => Promise<void>) | undefined;
    let subscribed = false;
    try {
      for (;;) {
        const found = await lookup(token, key, force, started);
        if (found) return found;
        if (failed) throw new AuthError('IdpUnavailable', 'The refresh failed on another instance');
        if (await store.setIfAbsent(k.lock, instanceId, lockTtlMs)) return await lead(token, key, force, started, previous);
        if (!subscribed) {
          subscribed = true;
          // Messages only shorten the wait: polling alone is correct.
          unsubscribe = await store
            .subscribe(k.channel, (message) => {
              if (message === 'failed') failed = true;
              wake?.();
            })
            .catch(() => undefined);
          continue; // look again: the result may have landed before we listened
        }
        if (Date.now() > deadline) throw new AuthError('IdpUnavailable', 'The refresh lock was held too long');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      if (unsubscribe) unsubscribe().catch(() => undefined);
    }
  }

  type Exclusive<T> = { value: T; refreshToken: string; moved?: undefined } | { moved: TokenSet };

  /** What the store says about `token` before another grant on it: usable, moved on, or dead. */
  async function standing(token: string, key: string): Promise<{ moved: TokenSet } | undefined> {
    const k = keys(key);
    const spent = (await store.get(k.spent)) as Spent | undefined;
    if (spent === undefined) return undefined;
    if (spent === 'rotated') {
      const raw = await store.get(k.result);
      const stored = raw === undefined ? undefined : await unseal(raw);
      // Inside the window only: after it a rotated-out token is spent everywhere.
      if (stored?.rt !== undefined && stored.rt !== token && stored.u > now()) {
        return { moved: { idToken: stored.id, accessToken: stored.at, refreshToken: stored.rt, ...(stored.dk !== undefined ? { dpopKey: stored.dk } : {}) } };
      }
    }
    throw remembered('This refresh token was already used, rejected or signed out');
  }

  async function exclusively<T>(
    token: string,
    key: string,
    session: TokenSet,
    grant: (refreshToken: string) => Promise<{ value: T; refreshToken: string }>,
    attempt: ((refreshToken: string) => Promise<T | undefined>) | undefined,
  ): Promise<Exclusive<T>> {
    const k = keys(key);
    const deadline = Date.now() + 3 * lockTtlMs;
    for (;;) {
      const moved = await standing(token, key);
      if (moved) return moved;
      const found = await attempt?.(token);
      if (found !== undefined) return { value: found, refreshToken: token };
      if (await store.setIfAbsent(k.lock, instanceId, lockTtlMs)) {
        return holding<Exclusive<T>>(k, async (quietly) => {
          // Someone may have finished between our look and our lock.
          const movedMeanwhile = await standing(token, key);
          if (movedMeanwhile) return movedMeanwhile;
          const again = await attempt?.(token);
          if (again !== undefined) return { value: again, refreshToken: token };
          const answer = await granting(k, quietly, () => grant(token));
          if (answer.refreshToken !== token) {
            // Rotated: stored as a refresh of `token` (result first, then "spent", as in lead).
            const t = now();
            const next = await refreshTokenKey(answer.refreshToken);
            const sealed = await seal({ ...session, refreshToken: answer.refreshToken }, t, t + graceMs, next);
            await quietly(() => store.set(k.result, sealed, resultMs));
            await quietly(() => store.set(k.spent, 'rotated', spentMs));
          }
          await quietly(() => store.publish(k.channel, 'done'));
          return answer;
        });
      }
      if (Date.now() > deadline) throw new AuthError('IdpUnavailable', 'The refresh lock was held too long');
      // Polling only (no subscription): resource grants are rare next to reads.
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    async exclusive(token, key, session, grant, attempt) {
      try {
        return await exclusively(token, key, session, grant, attempt);
      } catch (err) {
        if (!isStoreDown(err)) throw err;
        options.onUnavailable?.('refresh');
        return { ...(await grant(token)), moved: undefined };
      }
    },
    async refresh(token, key, { force, previous }) {
      try {
        return await coordinate(token, key, force, previous);
      } catch (err) {
        if (!isStoreDown(err)) throw err;
        // Per-process, as without a store: this instance's single-flight still holds.
        options.onUnavailable?.('refresh');
        const tokens = await grant(token, previous);
        return { tokens, until: now() + graceMs, shared: false };
      }
    },
    async end(ended) {
      try {
        for (const key of ended) {
          await store.set(keys(key).spent, 'ended', spentMs);
          await store.delete(keys(key).result);
        }
      } catch (err) {
        if (!isStoreDown(err)) throw err;
        options.onUnavailable?.('signOut');
      }
    },
  };
}
