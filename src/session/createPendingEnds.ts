import type { TokenSet } from './TokenSet.js';

/** Sign-outs made while the store was down, retried in the background until the store has them. */
export interface PendingEnds {
  /** Whether `hash` was signed out here and the store has not heard yet (refuse it meanwhile). */
  has(hash: string): boolean;
  /** Queues `hash` (the oldest go past 10,000) and schedules a retry with the current back-off. */
  add(hash: string): void;
  /** Retries now (the store is back). */
  retryNow(): void;
  /** Stops retrying for good. */
  close(): void;
  readonly size: number;
}

const MAX_PENDING = 10_000;
const MAX_RETRY_MS = 10_000;

/**
 * The retry queue of sign-outs that reached this process during a store
 * outage: `end(hash)` is retried with back-off (250 ms doubling to 10 s)
 * until it resolves, then `onLateEnd` gets the ended session's tokens (to
 * revoke at the IdP). An entry is given up `maxAgeMs` after it was queued:
 * by then the record has expired by itself.
 *
 * @example
 * ```ts
 * const pending = createPendingEnds({ end: (hash) => endHashes([hash]), maxAgeMs, onLateEnd: revoke });
 * try { await endHashes([hash]); } catch { pending.add(hash); }
 * if (pending.has(hash)) return undefined; // signed out here
 * ```
 */
export function createPendingEnds(options: {
  /** Ends the session of `hash` in the store; resolves the token sets ended, rejects while the store is down. */
  end: (hash: string) => Promise<TokenSet[]>;
  /** The longest a record can live: retrying past this is pointless. */
  maxAgeMs: number;
  onLateEnd?: ((tokens: TokenSet) => void) | undefined;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}): PendingEnds {
  const { end, maxAgeMs, onLateEnd } = options;
  const now = options.now ?? Date.now;
  // hash → give up after (epoch ms).
  const pendingEnds = new Map<string, number>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = 250;
  let closed = false;

  function retryPendingSoon(delay: number): void {
    if (closed || pendingEnds.size === 0) return;
    if (retryTimer !== undefined) {
      if (delay > 0) return;
      clearTimeout(retryTimer);
    }
    retryTimer = setTimeout(() => void retryPending(), delay);
    // Must not keep a process alive that is shutting down.
    (retryTimer as { unref?: () => void }).unref?.();
  }

  async function retryPending(): Promise<void> {
    retryTimer = undefined;
    const t = now();
    for (const [hash, giveUpAt] of [...pendingEnds]) {
      // Past the record's longest possible life, there is nothing left to delete.
      if (giveUpAt <= t) {
        pendingEnds.delete(hash);
        continue;
      }
      try {
        const tokens = await end(hash);
        pendingEnds.delete(hash);
        for (const set of tokens) {
          try {
            onLateEnd?.(set);
          } catch {
            // best effort
          }
        }
      } catch {
        // Still down: keep it, back off.
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
        retryPendingSoon(retryDelay);
        return;
      }
    }
    retryDelay = 250;
  }

  return {
    has: (hash) => pendingEnds.has(hash),
    add(hash) {
      pendingEnds.delete(hash);
      pendingEnds.set(hash, now() + maxAgeMs);
      while (pendingEnds.size > MAX_PENDING) pendingEnds.delete(pendingEnds.keys().next().value as string);
      retryPendingSoon(retryDelay);
    },
    retryNow: () => retryPendingSoon(0),
    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
    },
    get size() {
      return pendingEnds.size;
    },
  };
}
