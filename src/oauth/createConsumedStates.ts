/** The states of callbacks this process has already accepted, for the transaction's lifetime. */
export interface ConsumedStates {
  /**
   * Marks `state` as used until `expiresAt` (epoch ms). Resolves to false
   * when it already was: the callback is a replay.
   */
  consume(state: string, expiresAt: number): Promise<boolean>;
  /** How many states are remembered (diagnostics, tests). */
  size(): number;
}

export interface ConsumedStatesOptions {
  /**
   * Memory shared by every copy of the library in one process (Next.js
   * bundles route handlers separately): see {@link sharedConsumedStates}.
   * Maps a hash of the state to its expiry.
   */
  entries?: Map<string, number>;
  /** Bound on remembered states; the oldest go first once expired ones are gone. @default 20000 */
  maxEntries?: number;
  /** Clock, epoch milliseconds. @default Date.now */
  now?: () => number;
}

const SHARED = Symbol.for('next-server-auth.consumedStates');

/**
 * The process-wide memory of consumed states for one issuer and client.
 *
 * @example
 * ```ts
 * const consumed = createConsumedStates({ entries: sharedConsumedStates(config.issuer, config.clientId) });
 * ```
 */
export function sharedConsumedStates(issuer: string, clientId: string): Map<string, number> {
  const g = globalThis as { [SHARED]?: Map<string, Map<string, number>> };
  const all = (g[SHARED] ??= new Map());
  const key = `${issuer}\n${clientId}`;
  let entries = all.get(key);
  if (entries === undefined) {
    entries = new Map();
    all.set(key, entries);
  }
  return entries;
}

async function hashOf(state: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(state));
  let out = '';
  for (const byte of new Uint8Array(digest)) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Server-side single use of a callback's state: the transaction cookie is
 * deleted on first use, but a replayed request still carries it. Keys are
 * SHA-256 hashes of the state, never the state itself; entries expire with
 * the transaction and the map is bounded. Per process only (a shared store
 * makes it cluster-wide).
 *
 * @example
 * ```ts
 * if (!(await consumed.consume(transaction.state, transaction.createdAt + ttlMs))) return failWith(route, 400, 'missing_transaction');
 * ```
 */
export function createConsumedStates(options: ConsumedStatesOptions = {}): ConsumedStates {
  const entries = options.entries ?? new Map<string, number>();
  const maxEntries = options.maxEntries ?? 20_000;
  const now = options.now ?? Date.now;
  return {
    async consume(state, expiresAt) {
      const key = await hashOf(state);
      // From here on synchronous: two concurrent replays cannot both pass.
      const t = now();
      const known = entries.get(key);
      if (known !== undefined && known > t) return false;
      entries.delete(key);
      // Insertion order is roughly expiry order: drop expired entries from the front.
      for (const [k, until] of entries) {
        if (until > t && entries.size < maxEntries) break;
        entries.delete(k);
      }
      entries.set(key, expiresAt);
      return true;
    },
    size: () => entries.size,
  };
}
