import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import type { AnyRedisClient } from '../redis/RedisStoreOptions.js';
import { startRedis, type StartedRedis } from '../redis/__tests__/startRedis.js';
import type { AuthStore } from '../store/AuthStore.js';
import { createRevocationList, REVOKED_CHANNEL, revocationAuthTime, type RevocationList, type RevocationListOptions, type RevokedCut } from './createRevocationList.js';

// Each list with its own Redis connection stands for one app instance; they
// share only the redis-server, as separate servers would.

const ISSUER = 'https://idp.example.test/pool';
const PREFIX = 'rev-test';
const TTL = 3_600_000;
const T0 = 1_800_000_000_000;

let redis: StartedRedis;
let raw: AnyRedisClient;
let clock = T0;
const now = (): number => clock;
const opened: Array<{ close(): Promise<void> }> = [];

function store(timeoutMs = 250): AuthStore {
  const s = createRedisStore({ url: redis.url, prefix: PREFIX, timeoutMs });
  opened.push(s);
  return s;
}

/** The store, counting the `get`s that reach it. */
function counting(s: AuthStore): { store: AuthStore; gets: () => number } {
  let gets = 0;
  const counted = new Proxy(s, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'get') gets++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, gets: () => gets };
}

function list(options: Partial<RevocationListOptions> = {}): RevocationList {
  const l = createRevocationList({ store: store(), issuer: ISSUER, ttlMs: TTL, now, ...options });
  opened.push(l);
  return l;
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
  clock = T0;
  // Lists first (they unsubscribe through their store), then the stores.
  for (const o of opened.splice(0).reverse()) await o.close();
  if (raw.isReady) await raw.flushAll();
});

afterAll(async () => {
  raw.destroy();
  await redis.stop();
});

describe('createRevocationList with a store (two instances)', () => {
  it('a cut-off recorded on one instance revokes a session authenticated earlier on another', async () => {
    const a = list();
    const counted = counting(store());
    const b = list({ store: counted.store });
    await a.revoke({ sub: 'alice' });
    // b never saw a push for this (it only subscribes now): the store decides.
    expect(await b.isRevoked({ sub: 'alice', authTime: T0 - 60_000 })).toBe(true);
    expect(await b.isRevoked({ sub: 'alice', sid: 'idp-session-1', authTime: T0 - 60_000 })).toBe(true);
    expect(await b.isRevoked({ sub: 'alice', authTime: T0 })).toBe(true); // authenticated at the cut-off itself
    expect(counted.gets()).toBeGreaterThan(0);
    // Another user is untouched.
    expect(await b.isRevoked({ sub: 'bob', authTime: T0 - 60_000 })).toBe(false);
  });

  it('a session authenticated after the cut-off is not revoked', async () => {
    const a = list();
    const b = list();
    await a.revoke({ sub: 'alice' });
    clock = T0 + 5_000;
    expect(await b.isRevoked({ sub: 'alice', authTime: T0 + 1 })).toBe(false);
    expect(await a.isRevoked({ sub: 'alice', authTime: T0 + 1 })).toBe(false);
    expect(await b.isRevoked({ sub: 'alice', sid: 'new-idp-session', authTime: T0 + 4_000 })).toBe(false);
  });

  it('sid cut-off ends only that IdP session (and the user\'s sessions that carry no sid)', async () => {
    const a = list();
    const b = list();
    await a.revoke({ sub: 'alice', sid: 'laptop' });
    const before = T0 - 1_000;
    expect(await b.isRevoked({ sub: 'alice', sid: 'laptop', authTime: before })).toBe(true);
    expect(await b.isRevoked({ sub: 'alice', sid: 'phone', authTime: before })).toBe(false);
    // A session whose ID token had no sid cannot be told apart from the laptop's: ended (fail closed).
    expect(await b.isRevoked({ sub: 'alice', authTime: before })).toBe(true);
    expect(await b.isRevoked({ sub: 'bob', authTime: before })).toBe(false);

    // A logout token with a sid only ends that sid's sessions.
    await a.revoke({ sid: 'tablet' });
    expect(await b.isRevoked({ sub: 'carol', sid: 'tablet', authTime: before })).toBe(true);
    expect(await b.isRevoked({ sub: 'carol', authTime: before })).toBe(false);
    expect(await b.isRevoked({ sub: 'carol', sid: 'desktop', authTime: before })).toBe(false);
  });

  it('a later revoke never moves the cut-off back', async () => {
    const a = list();
    const b = list();
    clock = T0 + 10_000;
    await a.revoke({ sub: 'alice' }); // cut-off T0 + 10 s
    // A late, earlier cut-off from another instance (e.g. a delayed back-channel call passing its own time).
    await b.revoke({ sub: 'alice' }, T0);
    const keys = await raw.keys(`${PREFIX}:cut:*`);
    expect(keys).toHaveLength(1);
    expect(await raw.get(keys[0]!)).toBe(String(T0 + 10_000));
    const fresh = list();
    expect(await fresh.isRevoked({ sub: 'alice', authTime: T0 + 5_000 })).toBe(true);
    // And a later one moves it forward.
    clock = T0 + 20_000;
    await b.revoke({ sub: 'alice' });
    expect(await raw.get(keys[0]!)).toBe(String(T0 + 20_000));
    expect(await list().isRevoked({ sub: 'alice', authTime: T0 + 15_000 })).toBe(true);
  });

  it('concurrent revokes of one user on three instances keep the latest cut-off (300 rounds)', async () => {
    const instances = [list(), list(), list()];
    const reader = store();
    const wrong: string[] = [];
    for (let round = 0; round < 300; round++) {
      const sub = `race-${round}`;
      const ats = [T0 - 3_000 + round, T0 - 2_000 + round, T0 - 1_000 + round];
      await Promise.all(instances.map((l, i) => l.revoke({ sub }, ats[(i + round) % 3])));
      const [hash] = await instances[0]!.hashesOf({ sub });
      const stored = await reader.get(`cut:${hash}`);
      if (stored !== String(T0 - 1_000 + round)) wrong.push(`${sub}: ${stored}`);
    }
    expect(wrong).toEqual([]);
    expect(await raw.keys(`${PREFIX}:cutlock:*`)).toEqual([]);
  });

  it('a cut-off in the future is clamped to now: a sign-in after the call is not ended', async () => {
    const a = list();
    await a.revoke({ sub: 'alice' }, T0 + 3_600_000);
    clock = T0 + 1_000;
    expect(await list().isRevoked({ sub: 'alice', authTime: T0 + 500 })).toBe(false);
    expect(await list().isRevoked({ sub: 'alice', authTime: T0 })).toBe(true);
  });

  it('keys hold no user id in clear: hashed keys, epoch-ms values, a TTL; the push carries hashes only', async () => {
    const sub = 'alice@example.com';
    const sid = 'idp-session-9f3c';
    const messages: string[] = [];
    const spy = store();
    await spy.subscribe(REVOKED_CHANNEL, (m) => messages.push(m));
    const a = list();
    await a.revoke({ sub });
    await a.revoke({ sub, sid });
    const keys = await raw.keys('*');
    expect(keys.length).toBe(3); // sub, sid, nosid
    for (const k of keys) {
      expect(k).toMatch(/^rev-test:cut:[A-Za-z0-9_-]{43}$/);
      expect(k).not.toContain('alice');
      expect(k).not.toContain(sid);
      const value = await raw.get(k);
      expect(value).toBe(String(T0));
      const pttl = Number(await raw.pTTL(k));
      expect(pttl).toBeGreaterThan(TTL);
      expect(pttl).toBeLessThanOrEqual(TTL + 60_000);
    }
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    for (const m of messages) {
      expect(m).toMatch(/^cut \d+ [A-Za-z0-9_-]{43}(,[A-Za-z0-9_-]{43})*$/);
      expect(m).not.toContain('alice');
      expect(m).not.toContain(sid);
    }
    // The contract's format: cut:<base64url SHA-256(issuer + ' sub ' + sub)>.
    const expected = createHash('sha256').update(`${ISSUER} sub ${sub}`).digest('base64url');
    expect(await a.hashesOf({ sub })).toEqual([expected, createHash('sha256').update(`${ISSUER} nosid ${sub}`).digest('base64url')]);
    expect(keys).toContain(`${PREFIX}:cut:${expected}`);
    // Hashed with the issuer: the same sub at another IdP is another key.
    const other = createRevocationList({ issuer: 'https://other-idp.example.test', ttlMs: TTL, now });
    expect(await other.hashesOf({ sub })).not.toEqual(await a.hashesOf({ sub }));
  });

  it('the push reaches the other instance\'s onRevoked listener; its next check needs no store round trip', async () => {
    const a = list();
    const counted = counting(store());
    const b = list({ store: counted.store });
    const gotA: RevokedCut[] = [];
    const gotB: RevokedCut[] = [];
    a.onRevoked((cut) => gotA.push(cut));
    b.onRevoked((cut) => gotB.push(cut));
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);

    await a.revoke({ sub: 'alice', sid: 'laptop' });
    await vi.waitFor(() => expect(gotB).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const hashes = await b.hashesOf({ sub: 'alice', sid: 'laptop' });
    expect(gotB[0]!.at).toBe(T0);
    expect(gotB[0]!.hashes).toContain(hashes[1]); // the sid's hash
    expect(hashes.some((h) => gotB[0]!.hashes.includes(h))).toBe(true);
    // The revoking instance heard it once (at revoke time), not again from its own echo.
    await a.revoke({ sub: 'zed' }); // a second message: once it arrives, the first echo has too
    await vi.waitFor(() => expect(gotB).toHaveLength(2), { timeout: 5_000, interval: 10 });
    await vi.waitFor(async () => expect(await a.isRevoked({ sub: 'zed', authTime: T0 })).toBe(true));
    expect(gotA.map((c) => c.hashes.length)).toEqual([2, 1]);

    // b now decides from memory.
    const before = counted.gets();
    expect(await b.isRevoked({ sub: 'alice', sid: 'laptop', authTime: T0 - 1 })).toBe(true);
    expect(counted.gets()).toBe(before);
  });

  it('a forged or foreign push message is ignored (server-mode hashes, a sub in clear, garbage)', async () => {
    const b = list();
    const got: RevokedCut[] = [];
    b.onRevoked((cut) => got.push(cut));
    expect(await b.ready()).toBe(true);
    const publisher = store();
    for (const m of ['h1,h2', 'cut 1800000000000 alice', 'cut -5 ' + 'A'.repeat(43), 'cut 1800000000000 ' + 'A'.repeat(44), '', 'cut  ' + 'A'.repeat(43)]) {
      await publisher.publish(REVOKED_CHANNEL, m);
    }
    const valid = (await b.hashesOf({ sub: 'dave' }))[0]!;
    await publisher.publish(REVOKED_CHANNEL, `cut ${T0} ${valid}`);
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(got[0]).toEqual({ at: T0, hashes: [valid] });
  });

  it('a cut-off this instance missed (no push) is learned from the store and reported to listeners', async () => {
    const a = createRevocationList({ store: store(), issuer: ISSUER, ttlMs: TTL, now }); // never subscribes before revoking
    opened.push(a);
    const b = list();
    await a.revoke({ sub: 'alice' });
    const got: RevokedCut[] = [];
    b.onRevoked((cut) => got.push(cut));
    expect(await b.isRevoked({ sub: 'alice', authTime: T0 - 1 })).toBe(true);
    expect(got.some((c) => c.at === T0)).toBe(true);
  });

  it('an authTime that is not a number fails closed: ended when a cut-off exists, kept otherwise', async () => {
    const a = list();
    await a.revoke({ sub: 'alice' });
    const b = list();
    expect(await b.isRevoked({ sub: 'alice', authTime: Number.NaN })).toBe(true);
    expect(await b.isRevoked({ sub: 'bob', authTime: Number.NaN })).toBe(false);
    // A session with no user at all is not let through.
    expect(await b.isRevoked({ sub: '', authTime: T0 + 1 })).toBe(true);
    expect(await b.isRevoked({ sub: undefined as unknown as string, authTime: T0 + 1 })).toBe(true);
  });

  it('a refreshed cookie (new iat, same auth_time) cannot escape the cut-off', async () => {
    const a = list();
    const signedIn = { sub: 'alice', auth_time: (T0 - 3_600_000) / 1000, iat: (T0 - 3_600_000) / 1000 };
    await a.revoke({ sub: 'alice' });
    // Refreshed after the cut-off (in the browser, or by an instance that could not reach the store).
    const refreshed = { ...signedIn, iat: (T0 + 60_000) / 1000 };
    clock = T0 + 60_000;
    expect(await list().isRevoked({ sub: 'alice', authTime: revocationAuthTime(refreshed) ?? Number.NaN })).toBe(true);
  });

  it('bad calls are refused with a clear code', async () => {
    const a = list();
    expect(isAuthError(await rejection(a.revoke({})), 'InvalidConfig')).toBe(true);
    expect(isAuthError(await rejection(a.revoke({ sub: '', sid: '' })), 'InvalidConfig')).toBe(true);
    expect(isAuthError(await rejection(a.revoke({ sub: 'alice' }, Number.NaN)), 'InvalidConfig')).toBe(true);
    expect(await raw.keys('*')).toEqual([]);
    expect(() => createRevocationList({ issuer: '', ttlMs: TTL })).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(() => createRevocationList({ issuer: ISSUER, ttlMs: 0 })).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(() => createRevocationList({ issuer: ISSUER } as RevocationListOptions)).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(() => createRevocationList({ issuer: ISSUER, ttlMs: TTL, maxEntries: 1.5 })).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
  });

  // Last: stops and restarts the redis-server.
  it('store down: revoke records locally and rejects StoreUnavailable; isRevoked answers from local memory and never throws', async () => {
    const unavailable: unknown[] = [];
    const a = list({ onUnavailable: (err) => unavailable.push(err) });
    const b = list({
      onUnavailable: (err) => {
        unavailable.push(err);
        throw new Error('a buggy event handler');
      },
    });
    await a.revoke({ sub: 'bob' }); // recorded in the store before the outage
    await redis.stop();
    try {
      clock = T0 + 1_000;
      const err = await rejection(a.revoke({ sub: 'alice' }));
      expect(isAuthError(err, 'StoreUnavailable')).toBe(true);
      // a remembers its own revocation and the ones it made earlier.
      expect(await a.isRevoked({ sub: 'alice', authTime: T0 })).toBe(true);
      expect(await a.isRevoked({ sub: 'bob', authTime: T0 - 1 })).toBe(true);
      expect(unavailable).toHaveLength(0); // decided from memory, no store call
      // b knows nothing: nobody is signed out by an outage, nothing throws.
      expect(await b.isRevoked({ sub: 'alice', authTime: T0 })).toBe(false);
      expect(await b.isRevoked({ sub: 'bob', authTime: T0 - 1 })).toBe(false);
      expect(await a.isRevoked({ sub: 'carol', authTime: T0 })).toBe(false);
      expect(unavailable.length).toBe(3);
      expect(unavailable.every((e) => isAuthError(e, 'StoreUnavailable'))).toBe(true);
    } finally {
      await redis.restart();
    }
    await vi.waitFor(() => expect(raw.isReady).toBe(true), { timeout: 10_000, interval: 50 });
    // Retrying the revoke once the store is back records it for everyone (the restarted server is empty).
    await vi.waitFor(() => a.revoke({ sub: 'alice' }), { timeout: 10_000, interval: 100 });
    expect(await b.isRevoked({ sub: 'alice', authTime: T0 })).toBe(true);
  });
});

describe('createRevocationList without a store', () => {
  it('works in-process, stays bounded (oldest out) and forgets a cut-off after ttlMs', async () => {
    const a = createRevocationList({ issuer: ISSUER, ttlMs: TTL, now, maxEntries: 3 });
    const other = createRevocationList({ issuer: ISSUER, ttlMs: TTL, now });
    const got: RevokedCut[] = [];
    const off = a.onRevoked((cut) => got.push(cut));
    expect(await a.ready()).toBe(false);
    for (const sub of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      clock += 1;
      await a.revoke({ sub });
    }
    expect(got).toHaveLength(5);
    off();
    expect(await a.isRevoked({ sub: 'u5', authTime: T0 })).toBe(true);
    expect(await a.isRevoked({ sub: 'u3', authTime: T0 })).toBe(true);
    // Bounded: the two oldest are forgotten in this process.
    expect(await a.isRevoked({ sub: 'u1', authTime: T0 })).toBe(false);
    expect(await a.isRevoked({ sub: 'u2', authTime: T0 })).toBe(false);
    // Another process (instance) knows nothing of them.
    expect(await other.isRevoked({ sub: 'u5', authTime: T0 })).toBe(false);
    // Remembered for ttlMs plus the seal's 60 s skew, then forgotten (no cookie written before it is valid any more).
    clock = T0 + 5 + TTL + 59_000;
    expect(await a.isRevoked({ sub: 'u5', authTime: T0 })).toBe(true);
    clock = T0 + 5 + TTL + 60_000;
    expect(await a.isRevoked({ sub: 'u5', authTime: T0 })).toBe(false);
    expect(got).toHaveLength(5);
    await a.close();
  });

  it('revocationAuthTime prefers auth_time over iat, in ms; neither gives undefined', () => {
    expect(revocationAuthTime({ auth_time: 1_700_000_000, iat: 1_700_000_500 })).toBe(1_700_000_000_000);
    expect(revocationAuthTime({ iat: 1_700_000_500 })).toBe(1_700_000_500_000);
    expect(revocationAuthTime({ auth_time: '1700000000', iat: 1_700_000_500 })).toBe(1_700_000_500_000);
    expect(revocationAuthTime({})).toBeUndefined();
    expect(revocationAuthTime({ iat: Number.NaN })).toBeUndefined();
  });
});
