import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';
import { createRedisStore } from './createRedisStore.js';
import type { AnyRedisClient } from './RedisStoreOptions.js';
import { startRedis, type StartedRedis } from './__tests__/startRedis.js';

// Against a real redis-server on a free loopback port (Debian's, installed
// by `npm test` through scripts/ensure-redis.mjs).
let redis: StartedRedis;
let raw: AnyRedisClient;
const opened: AuthStore[] = [];

function store(prefix: string, timeoutMs = 250): AuthStore {
  const s = createRedisStore({ url: redis.url, prefix, timeoutMs });
  opened.push(s);
  return s;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

beforeAll(async () => {
  redis = await startRedis();
  raw = createClient({ url: redis.url }) as unknown as AnyRedisClient;
  raw.on('error', () => {});
  await raw.connect();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  if (raw.isReady) await raw.flushAll();
});

afterAll(async () => {
  raw.destroy();
  await redis.stop();
});

describe('createRedisStore', () => {
  it('setIfAbsent is exclusive: 50 concurrent callers over 3 instances, exactly one wins', async () => {
    const instances = [store('app'), store('app'), store('app')];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => instances[i % 3]!.setIfAbsent('lock:abc', `owner-${i}`, 10_000).then((won) => ({ won, i }))),
    );
    const winners = results.filter((r) => r.won);
    expect(winners).toHaveLength(1);
    expect(await instances[1]!.get('lock:abc')).toBe(`owner-${winners[0]!.i}`);
    expect(await raw.get('app:lock:abc')).toBe(`owner-${winners[0]!.i}`);
  });

  it('set/get/delete round-trip opaque values; a missing key is undefined', async () => {
    const s = store('app');
    const sealed = 'Fe26.2**0123456789abcdef*ünïcode*\n*"quoted"';
    await s.set('result:h1', sealed, 10_000);
    expect(await s.get('result:h1')).toBe(sealed);
    await s.set('result:h1', 'replaced', 10_000);
    expect(await s.get('result:h1')).toBe('replaced');
    await s.delete('result:h1');
    expect(await s.get('result:h1')).toBeUndefined();
    await expect(s.delete('result:never-written')).resolves.toBeUndefined();
  });

  it('entries expire: the expiry reaches Redis and an expired lock can be taken over', async () => {
    const a = store('app');
    const b = store('app');
    expect(await a.setIfAbsent('lock:ttl', 'a', 60_000)).toBe(true);
    const pttl = Number(await raw.pTTL('app:lock:ttl'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await a.set('result:ttl', 'v', 60_000);
    expect(Number(await raw.pTTL('app:result:ttl'))).toBeLessThanOrEqual(60_000);

    expect(await a.setIfAbsent('lock:short', 'dead-holder', 30)).toBe(true);
    await vi.waitFor(async () => expect(await b.get('lock:short')).toBeUndefined(), { timeout: 5000, interval: 10 });
    expect(await b.setIfAbsent('lock:short', 'taker', 10_000)).toBe(true);
  });

  it('a lock released late by its old holder is not removed after another instance took it over', async () => {
    const a = store('app');
    const b = store('app');
    await a.set('lock:x', 'b-owner', 10_000); // b took it over after a's expired
    expect(await a.deleteIfEquals('lock:x', 'a-owner')).toBe(false);
    expect(await b.get('lock:x')).toBe('b-owner');
    expect(await b.deleteIfEquals('lock:x', 'b-owner')).toBe(true);
    expect(await b.get('lock:x')).toBeUndefined();
  });

  it('publish reaches subscribers on other connections; unsubscribe stops delivery', async () => {
    const publisher = store('app');
    const s1 = store('app');
    const s2 = store('app');
    const got1: string[] = [];
    const got2: string[] = [];
    const off1 = await s1.subscribe('refreshed:h1', (m) => got1.push(m));
    await s2.subscribe('refreshed:h1', (m) => got2.push(m));
    await publisher.publish('refreshed:h1', 'done');
    await vi.waitFor(() => {
      expect(got1).toEqual(['done']);
      expect(got2).toEqual(['done']);
    });
    await off1();
    await publisher.publish('refreshed:h1', 'again');
    await vi.waitFor(() => expect(got2).toEqual(['done', 'again']));
    expect(got1).toEqual(['done']);
  });

  it('setIfPresent replaces only an existing entry: a deleted (revoked) entry is never brought back', async () => {
    const s = store('app');
    expect(await s.setIfPresent('sess:h', 'v1', 60_000)).toBe(false);
    expect(await raw.exists('app:sess:h')).toBe(0);
    await s.set('sess:h', 'v1', 1_000);
    expect(await s.setIfPresent('sess:h', 'v2', 60_000)).toBe(true);
    expect(await s.get('sess:h')).toBe('v2');
    expect(Number(await raw.pTTL('app:sess:h'))).toBeGreaterThan(50_000);
    await s.delete('sess:h');
    expect(await s.setIfPresent('sess:h', 'v3', 60_000)).toBe(false);
    expect(await s.get('sess:h')).toBeUndefined();
  });

  it('set members: add, list, remove; the set\'s expiry is extended by a longer member and never shortened by a shorter one', async () => {
    const s = store('app');
    expect(await s.members('user:u1')).toEqual([]);
    await s.addMember('user:u1', 'h1', 60_000);
    await s.addMember('user:u1', 'h2', 60_000);
    await s.addMember('user:u1', 'h2', 60_000);
    expect((await s.members('user:u1')).sort()).toEqual(['h1', 'h2']);
    expect(Number(await raw.pTTL('app:user:u1'))).toBeGreaterThan(50_000);
    // A short-lived member (a session without a refresh token) must not expire the index of a long-lived one.
    await s.addMember('user:u1', 'h3', 1_000);
    expect(Number(await raw.pTTL('app:user:u1'))).toBeGreaterThan(50_000);
    await s.addMember('user:u1', 'h4', 600_000);
    expect(Number(await raw.pTTL('app:user:u1'))).toBeGreaterThan(500_000);
    await s.removeMember('user:u1', 'h1');
    await s.removeMember('user:u1', 'never-added');
    await s.removeMember('user:nobody', 'h1');
    expect((await s.members('user:u1')).sort()).toEqual(['h2', 'h3', 'h4']);
    const jwtLike = `eyJhbGciOiJSUzI1NiJ9.${'eyJzdWIiOiJhbGljZSJ9'.repeat(20)}.c2lnbmF0dXJl`;
    const err = await rejection(Promise.resolve().then(() => s.addMember('user:u1', jwtLike, 1000)));
    expect(isAuthError(err, 'InvalidConfig')).toBe(true);
    expect(await raw.sIsMember('app:user:u1', jwtLike)).toBe(0);
  });

  it('a killed pub/sub connection is reported down, then up once resubscribed; messages flow again', async () => {
    const s = store('app');
    const publisher = store('app');
    const got: string[] = [];
    const statuses: string[] = [];
    await s.subscribe('sessions:revoked', (m) => got.push(m), { onStatus: (status) => statuses.push(status) });
    await publisher.publish('sessions:revoked', 'm1');
    await vi.waitFor(() => expect(got).toEqual(['m1']));
    expect(statuses).toEqual([]);
    await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await vi.waitFor(() => expect(statuses).toEqual(['down', 'up']), { timeout: 10_000, interval: 20 });
    await publisher.publish('sessions:revoked', 'm2');
    await vi.waitFor(() => expect(got).toEqual(['m1', 'm2']));
  });

  it('Redis stopped: subscribers hear down (once), and up after Redis is back; an unsubscribed listener hears nothing', async () => {
    const s = store('app', 200);
    const statuses: string[] = [];
    const gone: string[] = [];
    await s.subscribe('sessions:revoked', () => {}, { onStatus: (status) => statuses.push(status) });
    const off = await s.subscribe('other', () => {}, { onStatus: (status) => gone.push(status) });
    await off();
    await redis.stop();
    try {
      await vi.waitFor(() => expect(statuses).toEqual(['down']), { timeout: 10_000, interval: 20 });
    } finally {
      await redis.restart();
    }
    await vi.waitFor(() => expect(statuses).toEqual(['down', 'up']), { timeout: 10_000, interval: 50 });
    await vi.waitFor(() => expect(raw.isReady).toBe(true), { timeout: 10_000, interval: 50 });
    expect(gone).toEqual([]);
  });

  it('a throwing subscriber does not stop delivery to the others', async () => {
    const s = store('app');
    const got: string[] = [];
    await s.subscribe('c', () => {
      throw new Error('listener bug');
    });
    await s.subscribe('c', (m) => got.push(m));
    await store('app').publish('c', 'm1');
    await vi.waitFor(() => expect(got).toEqual(['m1']));
  });

  it('two apps (prefixes) on one Redis never see each other\'s keys or messages', async () => {
    const a = store('shop-prod');
    const b = store('blog-prod');
    expect(await a.setIfAbsent('lock:same', 'a', 10_000)).toBe(true);
    expect(await b.setIfAbsent('lock:same', 'b', 10_000)).toBe(true);
    await a.set('result:same', 'sealed-a', 10_000);
    expect(await b.get('result:same')).toBeUndefined();
    expect(await a.get('lock:same')).toBe('a');
    expect(await b.get('lock:same')).toBe('b');
    await b.delete('lock:same');
    expect(await a.get('lock:same')).toBe('a');

    const gotA: string[] = [];
    const gotB: string[] = [];
    await a.subscribe('refreshed:same', (m) => gotA.push(m));
    await b.subscribe('refreshed:same', (m) => gotB.push(m));
    await b.publish('refreshed:same', 'from-b');
    await a.publish('refreshed:same', 'from-a');
    await vi.waitFor(() => {
      expect(gotA).toEqual(['from-a']);
      expect(gotB).toEqual(['from-b']);
    });
  });

  it('keys in Redis are exactly <prefix>:<caller key>: values never appear in key names', async () => {
    const s = store('shop-prod');
    const secretLooking = 'sealed-value-that-must-not-be-a-key';
    await s.set('result:aGFzaA', secretLooking, 10_000);
    await s.setIfAbsent('lock:aGFzaA', secretLooking, 10_000);
    const keys = (await raw.keys('*')).sort();
    expect(keys).toEqual(['shop-prod:lock:aGFzaA', 'shop-prod:result:aGFzaA']);
    for (const key of keys) expect(key).not.toContain(secretLooking);
  });

  it('a raw token passed as a key by mistake is refused and never reaches Redis', async () => {
    const s = store('app');
    const jwtLike = `eyJhbGciOiJSUzI1NiJ9.${'eyJzdWIiOiJhbGljZSJ9'.repeat(20)}.c2lnbmF0dXJl`;
    const err = await rejection(Promise.resolve().then(() => s.set(jwtLike, 'v', 1000)));
    expect(isAuthError(err, 'InvalidConfig')).toBe(true);
    expect((err as Error).message).not.toContain(jwtLike);
    const spaced = await rejection(Promise.resolve().then(() => s.get('has space')));
    expect(isAuthError(spaced, 'InvalidConfig')).toBe(true);
    expect(await raw.keys('*')).toEqual([]);
  });

  it('Redis stopped: every call rejects StoreUnavailable at once (nothing queued); Redis back: calls and subscriptions work again', async () => {
    const s = store('app', 200);
    const other = store('app', 200);
    const got: string[] = [];
    await s.subscribe('refreshed:r', (m) => got.push(m));
    await s.set('k', 'before', 60_000);

    await redis.stop();
    await vi.waitFor(async () => expect(isAuthError(await rejection(s.get('k')), 'StoreUnavailable')).toBe(true));
    const calls: [string, () => Promise<unknown>][] = [
      ['setIfAbsent', () => s.setIfAbsent('lock:r', 'v', 1000)],
      ['get', () => s.get('k')],
      ['set', () => s.set('k', 'v', 1000)],
      ['delete', () => s.delete('k')],
      ['deleteIfEquals', () => s.deleteIfEquals('k', 'v')],
      ['publish', () => s.publish('refreshed:r', 'lost')],
      ['subscribe', () => s.subscribe('refreshed:other', () => {})],
      ['setIfPresent', () => s.setIfPresent('k', 'v', 1000)],
      ['addMember', () => s.addMember('user:r', 'h', 1000)],
      ['removeMember', () => s.removeMember('user:r', 'h')],
      ['members', () => s.members('user:r')],
    ];
    for (const [name, call] of calls) {
      const err = await rejection(call());
      expect(isAuthError(err, 'StoreUnavailable'), name).toBe(true);
      // Failed on the spot (offline queue disabled), not by waiting out the timeout.
      expect((err as Error).message, name).not.toContain('did not answer');
    }

    await redis.restart();
    await vi.waitFor(async () => expect(await s.setIfAbsent('lock:r', 'after', 10_000)).toBe(true), { timeout: 10_000, interval: 50 });
    expect(await other.get('lock:r')).toBe('after');
    // The subscriber connection reconnected and resubscribed by itself.
    await vi.waitFor(
      async () => {
        await other.publish('refreshed:r', 'after-restart');
        expect(got).toContain('after-restart');
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(got).not.toContain('lost');
  });

  it('Redis that answers nothing (frozen): calls reject StoreUnavailable after timeoutMs instead of hanging', async () => {
    const s = store('app', 200);
    await s.set('k', 'v', 60_000);
    redis.freeze();
    try {
      for (const call of [() => s.get('k'), () => s.setIfAbsent('lock:f', 'v', 1000), () => s.publish('c', 'm')]) {
        const err = await rejection(call());
        expect(isAuthError(err, 'StoreUnavailable')).toBe(true);
        expect((err as Error).message).toContain('did not answer within 200 ms');
      }
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect(await s.get('k')).toBe('v'), { timeout: 10_000, interval: 50 });
  });

  it('no Redis at the URL from the start: calls reject StoreUnavailable', async () => {
    const port = redis.port;
    await redis.stop();
    try {
      const s = createRedisStore({ url: `redis://127.0.0.1:${port}`, prefix: 'app', timeoutMs: 200 });
      opened.push(s);
      for (const call of [() => s.get('k'), () => s.subscribe('c', () => {})]) {
        const err = await rejection(call());
        expect(isAuthError(err, 'StoreUnavailable')).toBe(true);
        // The first refused connection ends the wait: no call pays the timeout for a Redis that is down.
        expect((err as Error).message).not.toContain('did not answer');
      }
    } finally {
      await redis.restart();
      await vi.waitFor(() => expect(raw.isReady).toBe(true), { timeout: 10_000, interval: 50 });
    }
  });

  it('close() ends the store: later calls reject StoreUnavailable', async () => {
    const s = createRedisStore({ url: redis.url, prefix: 'app' });
    await s.set('k', 'v', 10_000);
    await s.close();
    expect(isAuthError(await rejection(s.get('k')), 'StoreUnavailable')).toBe(true);
    await s.close(); // idempotent
  });

  it('an app-owned client is used as given and never closed by the store', async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true }) as unknown as AnyRedisClient;
    client.on('error', () => {});
    const s = createRedisStore({ client, prefix: 'app' }); // connects it
    const got: string[] = [];
    await s.subscribe('c', (m) => got.push(m));
    await s.set('k', 'v', 10_000);
    await s.publish('c', 'm');
    await vi.waitFor(() => expect(got).toEqual(['m']));
    await s.close();
    expect(client.isReady).toBe(true);
    expect(await client.get('app:k')).toBe('v');
    client.destroy();
  });

  it('a missing or malformed prefix, timeout, source or expiry is a clear InvalidConfig', async () => {
    const bad = (o: unknown) => () => createRedisStore(o as Parameters<typeof createRedisStore>[0]);
    for (const prefix of [undefined, '', 'a:b', 'has space', 'x'.repeat(65)]) {
      expect(bad({ url: redis.url, prefix }), String(prefix)).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    }
    expect(bad({ url: redis.url, prefix: 'app', timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(bad({ prefix: 'app' })).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    const s = store('app');
    for (const ttl of [0, -1, 1.5, Number.NaN]) {
      expect(isAuthError(await rejection(Promise.resolve().then(() => s.set('k', 'v', ttl))), 'InvalidConfig'), String(ttl)).toBe(true);
    }
    expect(await raw.keys('*')).toEqual([]);
  });
});
