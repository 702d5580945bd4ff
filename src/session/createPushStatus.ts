import type { AuthStore } from '../store/AuthStore.js';

/** Whether this process currently hears revocations pushed on a channel. */
export interface PushStatus {
  /**
   * True while subscribed with the connection up (always true without a
   * store: then every revocation is local). When false, a subscription is
   * (re)tried in the background, at most once a second, so callers may poll.
   */
  live(): boolean;
}

const RETRY_MS = 1000;

/**
 * Watches the revocation push of `channel` for cache holders that cannot
 * trust entries while it is down: `onGap` runs whenever messages may have
 * been missed (the connection dropped, or came back after dropping), and
 * `live()` says whether to cache for long (entries cached while it is false
 * must be short-lived: they are not flushed when the push comes up). Subscribes lazily, on the first
 * `live()` call.
 *
 * @example
 * ```ts
 * const push = createPushStatus(store, 'sessions:revoked', () => cache.deleteWhere(() => true));
 * cache.set(parts, session, push.live() ? {} : { until: Date.now() + 5000 });
 * ```
 */
export function createPushStatus(store: AuthStore | undefined, channel: string, onGap: () => void, now: () => number = Date.now): PushStatus {
  let up = false;
  // Once subscribed, a dropped connection resubscribes by itself (and reports 'up'): never twice.
  let subscribed = false;
  let statusHeard = false;
  let subscribing = false;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  const gap = (): void => {
    try {
      onGap();
    } catch {
      // a cache holder's bug must not break the push
    }
  };
  function attempt(): void {
    if (store === undefined || subscribed || subscribing || now() - lastAttempt < RETRY_MS) return;
    subscribing = true;
    lastAttempt = now();
    store
      .subscribe(channel, () => {}, {
        onStatus: (status) => {
          statusHeard = true;
          up = status === 'up';
          gap();
        },
      })
      .then(
        () => {
          // Entries cached before now were bounded by `live()` being false: no flush needed.
          subscribed = true;
          // A 'down' heard while subscribing wins: the connection reports 'up' when back.
          if (!statusHeard) up = true;
        },
        () => {},
      )
      .finally(() => {
        subscribing = false;
      });
  }
  return {
    live() {
      if (store === undefined) return true;
      if (!up) attempt();
      return up;
    },
  };
}
