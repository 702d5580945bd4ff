import type { AuthStore } from '../store/AuthStore.js';

/** This process's subscription to a revocation channel. */
export interface RevocationSubscription {
  /** True while subscribed with the connection up: cached entries may live long. */
  readonly live: boolean;
  /**
   * Subscribes unless already subscribed (at most one attempt a second).
   * Resolves `true` once subscribed, `false` if that failed for now.
   */
  subscribe(): Promise<boolean>;
  /** Unsubscribes for good. */
  close(): Promise<void>;
}

const RESUBSCRIBE_MS = 1000;

/**
 * Subscribes to `channel` for a cache that must not trust its entries while
 * messages may be missed: `onGap` runs when the subscription starts and
 * whenever the connection drops or comes back (then `onBack` runs too), and
 * `live` says whether the push is up. Once subscribed, a dropped connection
 * resubscribes by itself (the store reports it).
 *
 * @example
 * ```ts
 * const push = createRevocationSubscription({ store, channel: 'sessions:revoked', onMessage: dropHashes, onGap: () => cache.flush() });
 * await push.subscribe(); // true: push.live
 * ```
 */
export function createRevocationSubscription(options: {
  store: AuthStore;
  channel: string;
  onMessage: (message: string) => void;
  /** Messages may have been missed (or entries cached before were never covered): flush. */
  onGap: () => void;
  /** The connection came back up. */
  onBack?: () => void;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}): RevocationSubscription {
  const { store, channel, onMessage, onGap, onBack } = options;
  const now = options.now ?? Date.now;
  let live = false;
  let subscribing: Promise<boolean> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let unsubscribe: (() => Promise<void>) | undefined;
  let statusHeard = false;
  let closed = false;

  function onStatus(status: 'down' | 'up'): void {
    // Either way messages may have been missed: nothing cached so far can be trusted.
    statusHeard = true;
    live = status === 'up';
    onGap();
    if (live) onBack?.();
  }

  function subscribe(): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    // Subscribed already: a dropped connection resubscribes by itself and reports 'up'.
    if (live || unsubscribe !== undefined) return Promise.resolve(live);
    if (subscribing !== undefined) return subscribing;
    if (now() - lastAttempt < RESUBSCRIBE_MS) return Promise.resolve(false);
    lastAttempt = now();
    const attempt = store.subscribe(channel, onMessage, { onStatus }).then(
      (off) => {
        if (closed) {
          void off().catch(() => {});
          return false;
        }
        unsubscribe = off;
        // A 'down' heard while subscribing wins: the connection reports 'up' when back.
        if (!statusHeard) live = true;
        onGap();
        return true;
      },
      () => false,
    );
    subscribing = attempt;
    void attempt.finally(() => {
      if (subscribing === attempt) subscribing = undefined;
    });
    return attempt;
  }

  return {
    get live() {
      return live;
    },
    subscribe,
    async close() {
      closed = true;
      live = false;
      const off = unsubscribe;
      unsubscribe = undefined;
      if (off !== undefined) await off().catch(() => {});
    },
  };
}
