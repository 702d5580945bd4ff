import type { RedisClientType } from 'redis';

/**
 * A node-redis client (`createClient()` from the `redis` package, v5 or v6)
 * of any module/script configuration.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any module/function/script/RESP/type-mapping configuration
export type AnyRedisClient = RedisClientType<any, any, any, any, any>;

/** Options of {@link createRedisStore}. Give exactly one of `url` or `client`. */
export type RedisStoreOptions = (
  | {
      /**
       * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS).
       * The store opens its own connections (one for commands, one for
       * pub/sub), never queues commands while disconnected, reconnects with a
       * backoff capped at 2 s, and closes them in `close()`.
       */
      url: string;
      client?: never;
    }
  | {
      /**
       * A client the app created (connected or not: the store connects it if
       * needed). The store never closes it; it opens one duplicate for pub/sub
       * and closes that in `close()`. Create it with
       * `disableOfflineQueue: true` so commands fail fast while it is
       * disconnected (the store's timeout bounds them either way).
       */
      client: AnyRedisClient;
      url?: never;
    }
) & {
  /**
   * Namespace of this app's keys and channels: every key is written as
   * `<prefix>:<key>`, every channel as `<prefix>:<channel>`. Required, because
   * two apps (or two environments) on one Redis with the same prefix would
   * share refresh locks and results. Letters, digits, `.`, `_` and `-`, 1–64
   * characters (no `:`, so one prefix can never be the start of another's
   * keys). Use the app's name plus its environment, e.g. `shop-prod`.
   */
  prefix: string;
  /**
   * Upper bound of every store call, in milliseconds (connecting included).
   * A call still pending then rejects with `AuthError('StoreUnavailable')` and
   * the library falls back to per-process behaviour, so keep it well below
   * your request budget.
   *
   * @default 250
   */
  timeoutMs?: number;
};
