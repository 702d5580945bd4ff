/**
 * The shared state several instances of one app need to refresh a session
 * once across all of them: a lock per refresh token, the sealed result the
 * waiters read, the grace mapping and the spent/rejected sets.
 *
 * Contract every implementation keeps (the Redis one in
 * `next-server-auth/redis` does):
 *
 * - **Keys are chosen by the caller and must already be hashes** (for example
 *   base64url SHA-256 of a refresh token), never tokens: the store writes them
 *   to the backend as given, after its own per-app prefix.
 * - **Values are opaque strings the caller has sealed** (iron-session
 *   `sealData` with the app secret): the store never holds a usable token.
 * - **Every call is bounded.** A backend that is down, disconnected or slower
 *   than the store's timeout makes the call reject with
 *   `AuthError('StoreUnavailable')`; calls never queue while disconnected and
 *   never hang. Callers fall back to per-process behaviour on that code.
 * - **Expiry is in milliseconds** and must be a positive integer.
 * - Channels share the key prefix: two apps on one backend never see each
 *   other's keys or messages.
 *
 * @example
 * ```ts
 * import { createRedisStore } from 'next-server-auth/redis';
 *
 * const store = createRedisStore({ url: process.env.REDIS_URL!, prefix: 'my-app' });
 * const lockKey = `lock:${await sha256Base64url(refreshToken)}`;
 * if (await store.setIfAbsent(lockKey, instanceId, 10_000)) {
 *   try {
 *     const sealed = await sealData(await refresh(), { password: secret });
 *     await store.set(`result:${hash}`, sealed, 30_000);
 *     await store.publish(`refreshed:${hash}`, 'done');
 *   } finally {
 *     await store.deleteIfEquals(lockKey, instanceId);
 *   }
 * } else {
 *   const stop = await store.subscribe(`refreshed:${hash}`, () => wake());
 *   // …then read store.get(`result:${hash}`) (poll too: a message can be missed)
 * }
 * ```
 */
export interface AuthStore {
  /**
   * Writes `value` under `key` with an expiry only if `key` holds nothing:
   * atomic across every instance (first writer wins). The lock primitive.
   *
   * @returns `true` when this call wrote the value, `false` when the key existed.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;

  /** The value under `key`, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<string | undefined>;

  /** Writes `value` under `key` with an expiry, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;

  /**
   * Replaces the value under `key` with an expiry only if `key` holds
   * something, atomically: an update never brings back an entry another
   * instance deleted meanwhile (a revoked session refreshed at that moment).
   *
   * @returns `true` when this call wrote the value, `false` when there was nothing to replace.
   */
  setIfPresent(key: string, value: string, ttlMs: number): Promise<boolean>;

  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;

  /**
   * Removes `key` only while it still holds `value`, atomically: releasing a
   * lock never removes the lock another instance took over after expiry.
   *
   * @returns `true` when the key held `value` and was removed.
   */
  deleteIfEquals(key: string, value: string): Promise<boolean>;

  /**
   * Sends `message` to every current subscriber of `channel` on any instance.
   * Fire-and-forget: a subscriber that is connecting or reconnecting misses it,
   * so waiters also poll with {@link AuthStore.get}.
   */
  publish(channel: string, message: string): Promise<void>;

  /**
   * Calls `onMessage` for each message published on `channel` from now on.
   * `onMessage` must not throw (errors are swallowed).
   *
   * Delivery is at most once and only while the subscription's connection is
   * up. `options.onStatus` says when that changes, so a subscriber that
   * caches what messages invalidate knows when it may have missed some:
   * - `'down'`: the connection is lost; messages published from now on are
   *   missed (until `'up'`).
   * - `'up'`: listening again after a `'down'` (reconnected and resubscribed).
   *   Whatever was published in between was lost: treat it as a gap.
   *
   * Reported on transitions only, never for the initial subscription (the
   * promise resolving is that), and never after the unsubscribe. Must not
   * throw (errors are swallowed).
   *
   * @returns A function that unsubscribes this listener.
   */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    options?: { onStatus?: (status: 'down' | 'up') => void },
  ): Promise<() => Promise<void>>;

  /**
   * Adds `member` to the set under `key` (an index, e.g. the sessions of one
   * user), and makes the set live at least `ttlMs` from now: its expiry is
   * only ever extended, never shortened, so a short-lived member cannot cut
   * the life of a longer-lived one. Members are hashes, like keys.
   */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;

  /** Removes `member` from the set under `key`; a missing member or set is not an error. */
  removeMember(key: string, member: string): Promise<void>;

  /**
   * The members of the set under `key`, in no particular order (`[]` when
   * there is none). Members whose entries expired elsewhere stay until
   * removed: callers check each and remove the stale ones.
   */
  members(key: string): Promise<string[]>;

  /**
   * Closes the connections the store opened (never a client the app passed
   * in). Calls after `close()` reject with `StoreUnavailable`.
   */
  close(): Promise<void>;
}
