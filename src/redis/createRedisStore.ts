import { createClient } from 'redis';
import type { AuthStore } from '../store/AuthStore.js';
import { AuthError } from '../errors/AuthError.js';
import { boundedCall } from './boundedCall.js';
import type { AnyRedisClient, RedisStoreOptions } from './RedisStoreOptions.js';

const PREFIX = /^[A-Za-z0-9._-]{1,64}$/;
// Keys and channels are hashes plus a short label chosen by the library
// (e.g. `lock:<base64url sha-256>`). The length cap refuses a raw token
// (JWTs and Cognito refresh tokens run to hundreds of characters) passed by
// mistake, so one never reaches Redis as a key name.
const KEY = /^[A-Za-z0-9:._~-]{1,200}$/;
// Deletes the key only while it holds the caller's value (a lock's owner id).
const DELETE_IF_EQUALS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
// Adds a member and extends (never shortens) the set's expiry: PEXPIRE GT would
// never set a first expiry (a key without one counts as infinite), hence the script.
const ADD_MEMBER =
  "redis.call('SADD', KEYS[1], ARGV[1]) local t = redis.call('PTTL', KEYS[1]) if t < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 1";
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * An {@link AuthStore} on Redis (or Valkey) through node-redis, the official
 * client (`redis` package, v5 or v6; install it next to this library). Node
 * runtime only: import it from `next-server-auth/redis` in the module that
 * builds your runtime options, never from edge code.
 *
 * Every call is bounded by `timeoutMs` and rejects with
 * `AuthError('StoreUnavailable')` when Redis is down, disconnected, slow or
 * the store is closed; nothing queues while disconnected. Connections open on
 * creation in the background and reconnect by themselves (backoff capped at
 * 2 s); calls work again as soon as Redis is back.
 *
 * @example
 * ```ts
 * import { createRedisStore } from 'next-server-auth/redis';
 *
 * export const store = createRedisStore({ url: process.env.REDIS_URL!, prefix: 'shop-prod' });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): AuthStore {
  const { prefix, timeoutMs = 250 } = options;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new AuthError('InvalidConfig', 'createRedisStore: `prefix` must be 1-64 letters, digits, ".", "_" or "-" (no ":"), e.g. "shop-prod"');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new AuthError('InvalidConfig', 'createRedisStore: `timeoutMs` must be a positive integer (milliseconds)');
  }
  const hasUrl = typeof options.url === 'string' && options.url !== '';
  const hasClient = options.client !== undefined && options.client !== null;
  if (hasUrl === hasClient) throw new AuthError('InvalidConfig', 'createRedisStore: give exactly one of `url` or `client`');

  const ownsClient = hasUrl;
  const client: AnyRedisClient = hasUrl
    ? (createClient({
        url: options.url,
        // No offline queue: while disconnected a call fails at once instead of
        // waiting for a reconnect that may take longer than the request.
        disableOfflineQueue: true,
        // Drops a command Redis never answered from node-redis' queue; just
        // after our own bound fires, which is what callers see.
        commandOptions: { timeout: timeoutMs + 1 },
        socket: {
          connectTimeout: Math.max(timeoutMs, 1000),
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS),
        },
      }) as unknown as AnyRedisClient)
    : options.client!;
  let subscriber: AnyRedisClient | undefined;
  let subscriberReady: Promise<void> | undefined;
  // Whether the pub/sub connection is up, as its subscribers were last told.
  let subscriberUp = false;
  const statusListeners = new Set<(status: 'down' | 'up') => void>();
  let closed = false;

  // node-redis emits 'error' on every failed (re)connect; without a listener
  // Node would crash the process. The calls report failures themselves.
  const ignore = (): void => {};
  client.on('error', ignore);
  let connecting: Promise<void> | undefined = client.isOpen ? undefined : startConnect(client);

  // Settles at the first connection or the first failure to connect, so
  // calls wait for a Redis that is starting up but fail fast on one that is
  // down; reconnectStrategy keeps trying in the background either way.
  function startConnect(c: AnyRedisClient): Promise<void> {
    return new Promise<void>((resolve) => {
      const settle = (): void => {
        c.off('error', settle);
        resolve();
      };
      c.on('error', settle);
      c.connect().then(settle, settle);
    });
  }

  const k = (key: string): string => {
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new AuthError('InvalidConfig', 'store key/channel must be 1-200 characters of [A-Za-z0-9:._~-]: hash tokens before using them as keys');
    }
    return `${prefix}:${key}`;
  };
  const ttl = (ms: number): number => {
    if (!Number.isInteger(ms) || ms <= 0) throw new AuthError('InvalidConfig', 'store expiry must be a positive integer (milliseconds)');
    return ms;
  };

  function call<T>(what: string, op: (c: AnyRedisClient) => Promise<T>): Promise<T> {
    return boundedCall(
      async () => {
        if (closed) throw new AuthError('StoreUnavailable', 'store is closed');
        // Only the first connection is waited for (within the timeout); later
        // disconnects fail fast through the disabled offline queue.
        if (connecting !== undefined && !client.isReady) await connecting;
        return op(client);
      },
      timeoutMs,
      what,
    );
  }

  function ensureSubscriber(): Promise<AnyRedisClient> {
    if (subscriber === undefined) {
      // Pub/sub needs a connection of its own: a subscribed connection
      // accepts no other commands.
      subscriber = client.duplicate({ disableOfflineQueue: true }) as AnyRedisClient;
      subscriber.on('error', ignore);
      // node-redis emits 'error'/'reconnecting' when the connection drops and
      // 'ready' only once it is back AND resubscribed (the resubscribe is part
      // of its connection handshake): exactly the gap subscribers must hear of.
      const down = (): void => setSubscriberStatus('down');
      subscriber.on('error', down);
      subscriber.on('reconnecting', down);
      subscriber.on('end', down);
      subscriber.on('ready', () => setSubscriberStatus('up'));
      subscriberReady = startConnect(subscriber);
    }
    const sub = subscriber;
    return sub.isReady ? Promise.resolve(sub) : subscriberReady!.then(() => sub);
  }

  function setSubscriberStatus(status: 'down' | 'up'): void {
    const up = status === 'up';
    if (up === subscriberUp) return;
    subscriberUp = up;
    for (const listener of [...statusListeners]) {
      try {
        listener(status);
      } catch {
        // a throwing listener must not stop the others from hearing
      }
    }
  }

  const member = (m: string): string => {
    if (typeof m !== 'string' || !KEY.test(m)) throw new AuthError('InvalidConfig', 'store set members must be 1-200 characters of [A-Za-z0-9:._~-]: hash them');
    return m;
  };

  return {
    setIfAbsent(key, value, ttlMs) {
      const rk = k(key);
      const px = ttl(ttlMs);
      return call('setIfAbsent', async (c) => (await c.set(rk, value, { condition: 'NX', expiration: { type: 'PX', value: px } })) === 'OK');
    },
    get(key) {
      const rk = k(key);
      return call('get', async (c) => {
        const v: unknown = await c.get(rk);
        return typeof v === 'string' ? v : undefined;
      });
    },
    set(key, value, ttlMs) {
      const rk = k(key);
      const px = ttl(ttlMs);
      return call('set', async (c) => {
        await c.set(rk, value, { expiration: { type: 'PX', value: px } });
      });
    },
    setIfPresent(key, value, ttlMs) {
      const rk = k(key);
      const px = ttl(ttlMs);
      return call('setIfPresent', async (c) => (await c.set(rk, value, { condition: 'XX', expiration: { type: 'PX', value: px } })) === 'OK');
    },
    delete(key) {
      const rk = k(key);
      return call('delete', async (c) => {
        await c.del(rk);
      });
    },
    deleteIfEquals(key, value) {
      const rk = k(key);
      return call('deleteIfEquals', async (c) => Number(await c.eval(DELETE_IF_EQUALS, { keys: [rk], arguments: [value] })) === 1);
    },
    publish(channel, message) {
      const rc = k(channel);
      return call('publish', async (c) => {
        await c.publish(rc, message);
      });
    },
    addMember(key, m, ttlMs) {
      const rk = k(key);
      const v = member(m);
      const px = ttl(ttlMs);
      return call('addMember', async (c) => {
        await c.eval(ADD_MEMBER, { keys: [rk], arguments: [v, String(px)] });
      });
    },
    removeMember(key, m) {
      const rk = k(key);
      const v = member(m);
      return call('removeMember', async (c) => {
        await c.sRem(rk, v);
      });
    },
    members(key) {
      const rk = k(key);
      return call('members', async (c) => {
        const list: unknown = await c.sMembers(rk);
        return Array.isArray(list) ? list.filter((m): m is string => typeof m === 'string') : [];
      });
    },
    subscribe(channel, onMessage, subscribeOptions) {
      const rc = k(channel);
      const onStatus = subscribeOptions?.onStatus;
      const statusListener = (status: 'down' | 'up'): void => {
        if (!unsubscribed) onStatus?.(status);
      };
      let unsubscribed = false;
      const listener = (message: string): void => {
        try {
          onMessage(message);
        } catch {
          // a throwing listener must not break delivery to the others
        }
      };
      let gaveUp = false;
      const subscribed = boundedCall(
        async () => {
          if (closed) throw new AuthError('StoreUnavailable', 'store is closed');
          const sub = await ensureSubscriber();
          try {
            await sub.subscribe(rc, listener);
          } catch (err) {
            // node-redis may keep the listener registered (and resubscribe it
            // on reconnect) although the call failed: drop it.
            void sub.unsubscribe(rc, listener).catch(ignore);
            throw err;
          }
          subscriberUp ||= sub.isReady;
          if (onStatus) statusListeners.add(statusListener);
          const unsubscribe = async (): Promise<void> => {
            unsubscribed = true;
            statusListeners.delete(statusListener);
            if (!sub.isOpen) return;
            await boundedCall(() => sub.unsubscribe(rc, listener), timeoutMs, 'unsubscribe');
          };
          // Subscribed after the caller already got StoreUnavailable: nobody
          // holds the unsubscribe function, so undo it now.
          if (gaveUp) void unsubscribe().catch(ignore);
          return unsubscribe;
        },
        timeoutMs,
        'subscribe',
      );
      subscribed.catch(() => {
        gaveUp = true;
      });
      return subscribed;
    },
    async close() {
      if (closed) return;
      closed = true;
      connecting = undefined;
      setSubscriberStatus('down');
      statusListeners.clear();
      // destroy(), not close(): close() waits for pending replies, which never
      // come while Redis is down; nothing of ours is worth waiting for here.
      const owned = ownsClient ? [subscriber, client] : [subscriber];
      for (const c of owned) {
        try {
          if (c?.isOpen) c.destroy();
        } catch {
          // already closed
        }
      }
    },
  };
}
