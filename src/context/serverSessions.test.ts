import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { NextRequest } from 'next/server.js';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { readStateFile } from '../dev-idp/stateFile.js';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RuntimeOptions } from '../config/runtimeOptions.js';
import type { CookieStore } from '../cookies/CookieStore.js';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import type { AnyRedisClient } from '../redis/RedisStoreOptions.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import type { ServerCodec } from '../session/createServerCodec.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { getContextState } from './contextRegistry.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getCurrentUser } from './getCurrentUser.js';
import { listSessions } from './listSessions.js';
import { revokeSession } from './revokeSession.js';
import { signOutEverywhere } from './signOutEverywhere.js';
import { writeSession } from './writeSession.js';
import { expireAccessToken } from './__tests__/expiredSession.js';
import { countingStore } from '../redis/__tests__/countingStore.js';

// Each "instance" is its own runtime with its own Redis client, session cache
// and refresher memory; they share one redis-server, as separate servers would.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'server-sessions-client';
const SECRET = 'server-sessions-secret-server-sessions-0123456';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const BOB = { username: 'bob@example.com', password: 'bob-password' };
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-server-sessions-'));
const prefix = `nsa-ss-${process.pid}`;

let idp: DevIdp;
let redis: StartedRedis;
let raw: AnyRedisClient;
const stores: AuthStore[] = [];
const events: Array<{ instance: string; operation: string }> = [];

interface Instance {
  name: string;
  runtime: AuthRuntime;
  store: AuthStore;
  codec: ServerCodec;
}

function instance(name: string, options: { store?: AuthStore; codec?: 'server' | 'sealed' | 'amplify'; extra?: RuntimeOptions } = {}): Instance {
  const store = options.store ?? createRedisStore({ url: redis.url, prefix, timeoutMs: 250 });
  stores.push(store);
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
    {
      secret: SECRET,
      origin: ORIGIN,
      store,
      session: { codec: options.codec ?? 'server' },
      events: { storeUnavailable: ({ operation }) => void events.push({ instance: name, operation }) },
      ...options.extra,
    },
    {},
  );
  // A private refresher memory: one process per instance.
  const state = { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() };
  return { name, store, codec: runtime.serverCodec!, runtime: { ...runtime, refresher: createRuntimeRefresher(runtime, { state }) } };
}

async function tokensFor(login = ALICE): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, ...login });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

/** Signs `tokens` in on `inst` (what the callback does) and returns the browser's Cookie header and the Set-Cookie lines. */
async function signIn(inst: Instance, tokens: TokenSet, userAgent?: string): Promise<{ cookie: string; lines: string[] }> {
  const response = new Response(null);
  await createRunWithServerContext(inst.runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/auth/sign-in-callback`), response },
    operation: (ctx) => writeSession(getContextState(ctx), tokens, userAgent ? { userAgent } : {}),
  });
  const lines = response.headers.getSetCookie();
  return { cookie: lines.map((l) => l.split(';')[0]!).join('; '), lines };
}

/** A route-handler request carrying `cookie`: the username, or the error code; and the Set-Cookie lines. */
async function who(inst: Instance, cookie: string): Promise<{ user: string; lines: string[] }> {
  const response = new Response(null);
  const user = await createRunWithServerContext(inst.runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
    operation: (ctx) => getCurrentUser(ctx).then((u) => u.username),
  }).catch((err: unknown) => (isAuthError(err) ? err.code : `unexpected ${String(err)}`));
  return { user, lines: response.headers.getSetCookie() };
}

const userOn = async (inst: Instance, cookie: string) => (await who(inst, cookie)).user;

/** Runs `operation` in a server action's context (cookies writable) with `cookie`. */
async function asAction<T>(inst: Instance, cookie: string, operation: Parameters<ReturnType<typeof createRunWithServerContext>>[0]['operation']): Promise<{ result: T; lines: string[] }> {
  const response = new Response(null);
  const result = (await createRunWithServerContext(inst.runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/sessions`, { headers: { cookie } }), response },
    operation,
  })) as T;
  return { result, lines: response.headers.getSetCookie() };
}

/** A read-only cookie store holding one `nsa.sid` value (for calling a codec directly). */
function jarOf(value: string): CookieStore {
  return {
    get: (n) => (n === 'nsa.sid' ? value : undefined),
    getAll: () => [{ name: 'nsa.sid', value }],
    set: () => {
      throw new AuthError('CookiesReadOnly', 'read-only');
    },
    delete: () => {
      throw new AuthError('CookiesReadOnly', 'read-only');
    },
    readOnly: true,
    isAmbiguous: () => false,
  };
}

/** Every key and value in Redis, as text. */
async function dumpRedis(): Promise<Array<{ key: string; value: string }>> {
  const out: Array<{ key: string; value: string }> = [];
  for (const key of (await raw.keys('*')) as string[]) {
    const type = String(await raw.type(key));
    const value = type === 'set' ? ((await raw.sMembers(key)) as string[]).join(',') : type === 'string' ? String(await raw.get(key)) : type;
    out.push({ key, value });
  }
  return out;
}

const sessionHash = (inst: Instance, cookie: string) =>
  createRunWithServerContext(inst.runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
    operation: (ctx) => listSessions(ctx).then((rows) => rows.find((r) => r.current)?.id),
  });

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    stateFile: join(stateDir, 'idp.json'),
    clients: [
      {
        clientId: CLIENT_ID,
        redirectUris: [`${ORIGIN}/cb`, `${ORIGIN}/api/auth/sign-in-callback`],
        postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`],
        // Makes the IdP put `sid` in ID tokens (nothing listens there: these tests never end an IdP session).
        backchannelLogoutUri: `${ORIGIN}/api/auth/backchannel-logout`,
      },
    ],
  });
  redis = await startRedis();
  raw = createClient({ url: redis.url }) as unknown as AnyRedisClient;
  raw.on('error', () => {});
  await raw.connect();
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  raw?.destroy();
  await redis?.stop();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

beforeEach(async () => {
  events.length = 0;
  idp.resetStats();
  // Every test starts with no sessions (instances of earlier tests keep only their caches).
  await raw.flushAll();
});

describe("session.codec 'server': the cookie", () => {
  it('the session cookie is one cookie under 200 bytes (never chunked), httpOnly, and no token cookie is written', async () => {
    const a = instance('a');
    const tokens = await tokensFor();
    const { lines } = await signIn(a, tokens);
    expect(lines).toHaveLength(1);
    const [pair] = lines[0]!.split(';');
    expect(pair).toMatch(/^nsa\.sid=\d+\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(new TextEncoder().encode(pair).length).toBeLessThan(200);
    expect(lines[0]).toMatch(/HttpOnly/i);
    expect(lines[0]).not.toContain(tokens.accessToken.split('.')[2]!);
    // The sealed codec carries the tokens themselves: many times larger for the same tokens.
    const sealed = instance('sealed', { codec: 'sealed' });
    const sealedBytes = (await signIn(sealed, tokens)).lines.map((l) => l.split(';')[0]!).join('; ').length;
    expect(sealedBytes).toBeGreaterThan(10 * pair!.length);
  });

  it('on https the cookie is __Host-nsa.sid, Secure', async () => {
    const a = instance('https', { extra: { origin: 'https://app.example.com' } });
    const { lines } = await signIn(a, await tokensFor());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^__Host-nsa\.sid=/);
    expect(lines[0]).toMatch(/; Secure/i);
  });

  it('a forged session id is refused without a store round trip', async () => {
    const counted = countingStore(createRedisStore({ url: redis.url, prefix, timeoutMs: 250 }));
    const a = instance('a', { store: counted.store });
    const { cookie } = await signIn(a, await tokensFor());
    const value = cookie.slice('nsa.sid='.length);
    const [kid, id, mac] = value.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    // The last character of a 43-character base64url MAC carries 2 spare bits: another spelling of the same MAC.
    const lastIndex = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(mac.at(-1)!);
    const respelled = mac.slice(0, -1) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[lastIndex ^ 1]!;
    const forged = [
      `${kid}.${flip(id)}.${mac}`, // another id, the old MAC
      `${kid}.${id}.${flip(mac)}`, // a guessed MAC
      `${kid}.${id}.${respelled}`, // a non-canonical spelling of the real MAC
      `9.${id}.${mac}`, // unknown key id
      `${kid}.${id}`, // truncated
      `${value}.x`, // trailing data
      'garbage',
      '',
      `${kid}.${'A'.repeat(43)}.${'A'.repeat(43)}`,
    ];
    const before = counted.calls();
    for (const f of forged) expect(await userOn(a, `nsa.sid=${f}`), f).toBe('UserUnAuthenticated');
    // The genuine value next to a planted one (cookie tossing): which is ours cannot be known.
    expect(await userOn(a, `nsa.sid=${kid}.${flip(id)}.${mac}; ${cookie}`)).toBe('UserUnAuthenticated');
    expect(await userOn(a, `${cookie}; ${cookie}`)).toBe('UserUnAuthenticated');
    expect(counted.calls()).toBe(before);
    // The genuine cookie still works.
    expect(await userOn(a, cookie)).toBe('alice@example.com');
  });

  it('a warm read never reaches the store (a Map lookup keyed by the cookie value)', async () => {
    const counted = countingStore(createRedisStore({ url: redis.url, prefix, timeoutMs: 250 }));
    const a = instance('a', { store: counted.store });
    expect(await a.codec.ready()).toBe(true);
    const { cookie } = await signIn(a, await tokensFor());
    const before = counted.calls();
    for (let i = 0; i < 50; i++) expect(await userOn(a, cookie)).toBe('alice@example.com');
    expect(counted.calls()).toBe(before);
  });

  it('cold re-reads of one session (no cache) write its last-seen time once a minute, not once per read', async () => {
    const a = instance('a');
    const { cookie } = await signIn(a, await tokensFor());
    // cacheSize 0: every read is a cold read, as after a flush with the push down.
    const counted = countingStore(createRedisStore({ url: redis.url, prefix, timeoutMs: 250 }));
    const b = instance('b', { store: counted.store, extra: { session: { codec: 'server', cacheSize: 0 } } });
    expect(await b.codec.ready()).toBe(true);
    const before = counted.calls();
    for (let i = 0; i < 20; i++) expect(await userOn(b, cookie)).toBe('alice@example.com');
    // 20 record reads and one last-seen write.
    expect(counted.calls() - before).toBe(21);
  });

  it('the decoded-session cache is bounded by session.cacheSize and session.cacheBytes (the oldest go first)', async () => {
    const bySize = instance('size', { extra: { session: { codec: 'server', cacheSize: 2 } } });
    const cookies = [];
    for (let i = 0; i < 4; i++) cookies.push((await signIn(bySize, await tokensFor())).cookie);
    expect(bySize.codec.stats().cached).toBe(2);
    // Evicted entries are read from the store again, not lost.
    expect(await userOn(bySize, cookies[0]!)).toBe('alice@example.com');
    const one = bySize.codec.stats().bytes / 2;
    const byBytes = instance('bytes', { extra: { session: { codec: 'server', cacheBytes: Math.ceil(one * 1.5) } } });
    for (const cookie of cookies) expect(await userOn(byBytes, cookie)).toBe('alice@example.com');
    expect(byBytes.codec.stats().cached).toBe(1);
    expect(byBytes.codec.stats().bytes).toBeLessThanOrEqual(Math.ceil(one * 1.5));
  });

  it('the store never holds a token in the clear and no key contains a token', async () => {
    await raw.flushAll();
    const a = instance('a');
    const b = instance('b');
    const tokens = await tokensFor();
    const bobTokens = await tokensFor(BOB);
    const { cookie } = await signIn(a, tokens, 'Mozilla/5.0 test');
    await signIn(b, bobTokens);
    // A refresh (through the record) and a listing too.
    await createRunWithServerContext(b.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    const refreshed = await createRunWithServerContext(b.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
      operation: async (ctx) => ({ rows: await listSessions(ctx), tokens: (await fetchAuthSession(ctx)).tokens }),
    });
    expect(refreshed.rows).toHaveLength(1);
    const dump = await dumpRedis();
    expect(dump.some((e) => e.key.includes(':sess:'))).toBe(true);
    expect(dump.some((e) => e.key.includes(':user:'))).toBe(true);
    expect(dump.some((e) => e.key.includes(':sid:'))).toBe(true);
    const id = cookie.split('.')[1]!;
    const secrets = [
      ...[tokens, bobTokens].flatMap((t) => [t.idToken, t.accessToken, t.refreshToken!]),
      refreshed.tokens!.accessToken.toString(),
      refreshed.tokens!.idToken.toString(),
    ].flatMap((t) => [t, ...t.split('.').filter((part) => part.length > 20)]);
    const sub = refreshed.tokens!.idToken.payload.sub!;
    for (const { key, value } of dump) {
      for (const s of [...secrets, id, cookie.slice('nsa.sid='.length)]) {
        expect(key, key).not.toContain(s);
        expect(value, key).not.toContain(s);
      }
      // Nothing about the user in the clear either: keys are hashes.
      expect(key).not.toContain(sub);
      expect(key).not.toContain('alice');
      expect(value).not.toContain('alice@example.com');
    }
  });
});

describe("session.codec 'server': revocation on every instance", () => {
  it('a copy of a signed-out server-session cookie replayed on another instance is signed out', async () => {
    const [a, b, c] = [instance('a'), instance('b'), instance('c')];
    await Promise.all([a, b, c].map((i) => i.codec.ready()));
    const { cookie } = await signIn(a, await tokensFor());
    // b holds the session in its warm cache; c has never seen it.
    expect(await userOn(b, cookie)).toBe('alice@example.com');
    const id = await sessionHash(a, cookie);
    const handlers = createAuthRouteHandlersFor(a.runtime)({});
    const signOut = await handlers.POST(
      new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: ORIGIN } }),
      { params: Promise.resolve({ slug: 'sign-out' }) },
    );
    expect(signOut.status).toBe(303);
    expect(signOut.headers.getSetCookie().some((l) => /^nsa\.sid=;/.test(l) && /Max-Age=0/i.test(l))).toBe(true);
    // The copy of the old cookie: dead at once where it was not cached, and on b as soon as the push arrives.
    expect(await userOn(c, cookie)).toBe('UserUnAuthenticated');
    expect(await userOn(a, cookie)).toBe('UserUnAuthenticated');
    await vi.waitFor(async () => expect(await userOn(b, cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
    expect(await raw.exists(`${prefix}:sess:${id}`)).toBe(0);
  });

  it("revocation reaches another instance's warm cache through pub/sub (no store read by that instance)", async () => {
    const counted = countingStore(createRedisStore({ url: redis.url, prefix, timeoutMs: 250 }));
    const a = instance('a');
    const b = instance('b', { store: counted.store });
    expect(await b.codec.ready()).toBe(true);
    const { cookie } = await signIn(a, await tokensFor());
    expect(await userOn(b, cookie)).toBe('alice@example.com');
    const id = await sessionHash(a, cookie);
    expect(b.codec.stats().cached).toBe(1);
    const ended = await a.codec.endWhere({ id: id! });
    expect(ended).toHaveLength(1);
    await vi.waitFor(() => expect(b.codec.stats().cached).toBe(0), { timeout: 5000, interval: 1 });
    expect(await userOn(b, cookie)).toBe('UserUnAuthenticated');
  });

  it('with the subscription down, a cached entry is re-read from the store after offlineMaxAge', async () => {
    // An instance whose pub/sub cannot subscribe (the channel is down), with a clock we move.
    const real = createRedisStore({ url: redis.url, prefix, timeoutMs: 250 });
    stores.push(real);
    const noPush: AuthStore = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'subscribe') return () => Promise.reject(new AuthError('StoreUnavailable', 'pub/sub down'));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    let t = Date.now();
    const { createServerCodec } = await import('../session/createServerCodec.js');
    const codec = createServerCodec({
      cookieName: 'nsa.sid',
      secrets: { 1: SECRET },
      cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 3600 },
      store: noPush,
      issuer: idp.issuer,
      maxEntries: 100,
      offlineMaxAgeMs: 5000,
      now: () => t,
    });
    const a = instance('a');
    const { cookie } = await signIn(a, await tokensFor());
    const value = cookie.slice('nsa.sid='.length);
    const jar = jarOf(value);
    expect(await codec.ready()).toBe(false);
    expect((await codec.read(jar))?.idToken.payload.email).toBe('alice@example.com');
    // Ended elsewhere; this instance does not hear of it.
    await a.codec.endWhere({ id: (await sessionHash(a, cookie))! });
    t += 4000;
    expect(await codec.read(jar)).toBeDefined(); // still within offlineMaxAge: the documented bound
    t += 1001;
    expect(await codec.read(jar)).toBeUndefined(); // re-read from the store: gone
    await codec.close();
  });

  it('a pub/sub gap (the subscription connection killed) flushes the cache: the next read goes to the store', async () => {
    const a = instance('a');
    const b = instance('b');
    expect(await b.codec.ready()).toBe(true);
    const { cookie } = await signIn(a, await tokensFor());
    expect(await userOn(b, cookie)).toBe('alice@example.com');
    expect(b.codec.stats().cached).toBe(1);
    await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await vi.waitFor(() => expect(b.codec.stats().cached).toBe(0), { timeout: 5000, interval: 5 });
    await vi.waitFor(() => expect(b.codec.stats().live).toBe(true), { timeout: 10_000, interval: 20 });
    expect(await userOn(b, cookie)).toBe('alice@example.com');
  });

  it("signOutEverywhere ends the user's other sessions on every instance (and revokes their refresh tokens at the IdP)", async () => {
    const [a, b, c] = [instance('a'), instance('b'), instance('c')];
    await Promise.all([a, b, c].map((i) => i.codec.ready()));
    const phone = await signIn(a, await tokensFor(), 'Phone');
    const laptop = await signIn(b, await tokensFor(), 'Laptop');
    const bob = await signIn(c, await tokensFor(BOB));
    for (const i of [a, b, c]) {
      expect(await userOn(i, phone.cookie)).toBe('alice@example.com');
      expect(await userOn(i, laptop.cookie)).toBe('alice@example.com');
      expect(await userOn(i, bob.cookie)).toBe('bob@example.com');
    }
    idp.resetStats();
    const { lines } = await asAction(a, phone.cookie, (ctx) => signOutEverywhere(ctx));
    expect(lines.some((l) => /^nsa\.sid=;/.test(l))).toBe(true);
    for (const i of [a, b, c]) {
      await vi.waitFor(async () => {
        expect(await userOn(i, phone.cookie)).toBe('UserUnAuthenticated');
        expect(await userOn(i, laptop.cookie)).toBe('UserUnAuthenticated');
      }, { timeout: 5000, interval: 10 });
      expect(await userOn(i, bob.cookie)).toBe('bob@example.com');
    }
    expect(idp.stats().revocations).toBe(2);
  });

  it("ending an IdP session (runtime.sessions.endSessions({ sid }), what back-channel logout calls) ends its app sessions on every instance, not the user's other IdP sessions", async () => {
    const [a, b] = [instance('a'), instance('b')];
    await Promise.all([a, b].map((i) => i.codec.ready()));
    const first = await tokensFor();
    const second = await tokensFor();
    const sid = decodeJwt(first.idToken).sid as string;
    expect(typeof sid).toBe('string');
    expect(decodeJwt(second.idToken).sid).not.toBe(sid);
    const one = await signIn(a, first);
    const two = await signIn(a, second);
    expect(await userOn(b, one.cookie)).toBe('alice@example.com');
    expect(a.runtime.sessions.mode).toBe('server');
    await a.runtime.sessions.endSessions({ sid });
    await vi.waitFor(async () => expect(await userOn(b, one.cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
    expect(await userOn(a, one.cookie)).toBe('UserUnAuthenticated');
    expect(await userOn(b, two.cookie)).toBe('alice@example.com');
    // sub and sid must both match; an empty match ends nothing.
    await a.runtime.sessions.endSessions({ sub: 'someone-else', sid: decodeJwt(second.idToken).sid as string });
    await a.runtime.sessions.endSessions({});
    expect(await userOn(instance('c'), two.cookie)).toBe('alice@example.com');
  });

  it("revokeSession cannot end another user's session; listSessions shows only the user's own, never a token", async () => {
    const a = instance('a');
    const aliceTokens = await tokensFor();
    const alice = await signIn(a, aliceTokens, 'Mozilla/5.0 (X11; Linux) Alice');
    const alice2 = await signIn(a, await tokensFor(), 'Alice phone');
    const bob = await signIn(a, await tokensFor(BOB), 'Bob');
    const aliceId = await sessionHash(a, alice.cookie);
    const bobId = await sessionHash(a, bob.cookie);
    expect(aliceId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const bobTries = await asAction<boolean[]>(a, bob.cookie, async (ctx) => [
      await revokeSession(ctx, aliceId!),
      await revokeSession(ctx, 'not-an-id'),
      await revokeSession(ctx, 'A'.repeat(43)),
      await revokeSession(ctx, 42 as unknown as string),
    ]);
    expect(bobTries.result).toEqual([false, false, false, false]);
    expect(bobTries.lines).toEqual([]);
    expect(await userOn(instance('fresh'), alice.cookie)).toBe('alice@example.com');

    const listing = await asAction<Awaited<ReturnType<typeof listSessions>>>(a, alice.cookie, (ctx) => listSessions(ctx));
    const rows = listing.result;
    expect(rows.map((r) => r.userAgent).sort()).toEqual(['Alice phone', 'Mozilla/5.0 (X11; Linux) Alice']);
    expect(rows.filter((r) => r.current).map((r) => r.id)).toEqual([aliceId]);
    expect(rows.map((r) => r.id)).not.toContain(bobId);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['createdAt', 'current', 'id', 'lastSeenAt', 'userAgent']);
      expect(r.lastSeenAt).toBeGreaterThanOrEqual(r.createdAt);
    }
    const text = JSON.stringify(rows);
    for (const t of [aliceTokens.idToken, aliceTokens.accessToken, aliceTokens.refreshToken!]) expect(text).not.toContain(t.split('.').at(-1)!);

    // Alice signs out her phone from her other session: that session only.
    const phoneId = rows.find((r) => r.userAgent === 'Alice phone')!.id;
    const own = await asAction<boolean>(a, alice.cookie, (ctx) => revokeSession(ctx, phoneId));
    expect(own.result).toBe(true);
    expect(own.lines).toEqual([]);
    expect(await userOn(a, alice2.cookie)).toBe('UserUnAuthenticated');
    expect(await userOn(a, alice.cookie)).toBe('alice@example.com');
    expect(await userOn(a, bob.cookie)).toBe('bob@example.com');
  });

  it('a refresh that races a revocation does not bring the session back', async () => {
    const a = instance('a');
    const tokens = await tokensFor();
    const { cookie } = await signIn(a, tokens);
    const value = cookie.slice('nsa.sid='.length);
    const jar = jarOf(value);
    const session = (await a.codec.read(jar))!;
    await a.codec.endWhere({ id: session.serverId! });
    const err = await a.codec.write(jar, await tokensFor(), { refreshes: session }).then(() => undefined, (e: unknown) => e);
    expect(isAuthError(err, 'RefreshTokenRejected')).toBe(true);
    expect(await raw.exists(`${prefix}:sess:${session.serverId}`)).toBe(0);
    expect(await userOn(instance('fresh'), cookie)).toBe('UserUnAuthenticated');
  });
});

describe("session.codec 'server': refresh and sign-in", () => {
  it('refresh in a server component keeps the cookie and updates the record', async () => {
    const a = instance('a');
    const stateFile = join(stateDir, 'idp.json');
    const expired = await expireAccessToken(await tokensFor(), stateFile);
    const { cookie } = await signIn(a, expired);
    idp.resetStats();
    // A server component: Next's read-only cookies.
    const readOnly = async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie })));
    const seen = await createRunWithServerContext(a.runtime)({
      nextServerContext: { cookies: readOnly },
      operation: async (ctx) => ({ user: (await getCurrentUser(ctx)).username, exp: (await fetchAuthSession(ctx)).tokens!.accessToken.payload.exp! }),
    });
    expect(seen.user).toBe('alice@example.com');
    expect(seen.exp * 1000).toBeGreaterThan(Date.now());
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    // The same, unchanged cookie on another instance reads the refreshed record: no second refresh.
    const b = instance('b');
    const again = await createRunWithServerContext(b.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
      operation: async (ctx) => (await fetchAuthSession(ctx)).tokens!.accessToken.payload.exp!,
    });
    expect(again).toBe(seen.exp);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });

  it('a cookie refreshed on one instance reads refreshed on another (the record, not a second refresh): one IdP call in all', async () => {
    const [a, b] = [instance('a'), instance('b')];
    const expired = await expireAccessToken(await tokensFor(), join(stateDir, 'idp.json'));
    const { cookie } = await signIn(a, expired);
    idp.resetStats();
    expect(await userOn(a, cookie)).toBe('alice@example.com');
    expect(await userOn(b, cookie)).toBe('alice@example.com');
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });

  it("an instance whose cached copy falls due re-reads the record another instance already refreshed: not signed out by the rotated-out refresh token, no second refresh", async () => {
    // grace 0: a rotated-out refresh token is spent at once, so only the record's new one can work.
    const [a, b] = [instance('a', { extra: { refresh: { grace: 0 } } }), instance('b', { extra: { refresh: { grace: 0 } } })];
    // An access token due for a refresh (issued 100 s ago, 20 s left: inside the refresh leeway) but
    // still valid, re-signed with the dev IdP's own key.
    const tokens = await tokensFor();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + 20;
    const jwk = readStateFile(join(stateDir, 'idp.json'))!.signingKey;
    const accessToken = await new SignJWT({ ...decodeJwt(tokens.accessToken), iat: now - 100, exp })
      .setProtectedHeader({ ...decodeProtectedHeader(tokens.accessToken), alg: jwk.alg })
      .sign(await importJWK(jwk, jwk.alg));
    const { cookie } = await signIn(a, { ...tokens, accessToken });
    // b holds the due copy in its cache (read by the codec, not refreshed yet).
    expect(await b.codec.ready()).toBe(true);
    const value = cookie.slice('nsa.sid='.length);
    const jar = jarOf(value);
    expect((await b.codec.read(jar))?.accessToken.payload.exp).toBe(exp);
    expect(b.codec.stats().cached).toBe(1);
    const expOn = (inst: Instance) =>
      createRunWithServerContext(inst.runtime)({
        nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
        operation: async (ctx) => (await fetchAuthSession(ctx)).tokens?.accessToken.payload.exp,
      });
    idp.resetStats();
    const refreshed = await expOn(a);
    expect(refreshed).toBeGreaterThan(exp);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    // b's copy carries the rotated-out refresh token: it must take the record's, not refresh with its own.
    expect(await expOn(b)).toBe(refreshed);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    // b never refreshed at all: the record answered.
    expect(b.runtime.refresher.stats()).toMatchObject({ inflight: 0, recent: 0 });
    expect(await userOn(instance('c'), cookie)).toBe('alice@example.com');
  });

  it('sign-in with a planted session cookie gets a new id (fixation)', async () => {
    const a = instance('a');
    const handlers = createAuthRouteHandlersFor(a.runtime)({ redirectOnSignInComplete: '/home' });
    // The attacker's own valid session cookie, planted in the victim's browser.
    const planted = (await signIn(a, await tokensFor(BOB))).cookie;
    const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
    const response = await callRoute(handlers, callbackUrl.href, `${cookie}; ${planted}`, { headers: { 'user-agent': 'Victim browser' } });
    expect(response.status).toBe(303);
    const fresh = response.headers.getSetCookie().find((l) => /^nsa\.sid=[^;]/.test(l))!.split(';')[0]!;
    expect(fresh).not.toBe(planted);
    expect(await userOn(a, fresh)).toBe('alice@example.com');
    // The planted id is not the victim's session: it was ended, not reused.
    expect(await userOn(instance('fresh'), planted)).toBe('UserUnAuthenticated');
    const rows = (await asAction<Awaited<ReturnType<typeof listSessions>>>(a, fresh, (ctx) => listSessions(ctx))).result;
    expect(rows.find((r) => r.current)?.userAgent).toBe('Victim browser');

    // A made-up (forged) planted value: also a new id.
    const { callbackUrl: url2, cookie: tx2 } = await captureCallback(handlers, ORIGIN, ALICE);
    const forged = `nsa.sid=1.${'A'.repeat(43)}.${'B'.repeat(43)}`;
    const second = await callRoute(handlers, url2.href, `${tx2}; ${forged}`);
    const fresh2 = second.headers.getSetCookie().find((l) => /^nsa\.sid=[^;]/.test(l))!.split(';')[0]!;
    expect(fresh2).not.toBe(forged);
    expect(await userOn(a, fresh2)).toBe('alice@example.com');
  });
});

describe("session.codec 'server': the store is down", () => {
  it('store down: guarded page 503, API 503 JSON, cookies kept; back up: same cookie signed in', async () => {
    const a = instance('a');
    const { cookie } = await signIn(a, await tokensFor());
    // A cold instance (its cache never saw the cookie) behind the guard.
    const b = instance('b');
    const guard = createAuthGuardFor(b.runtime)({ rules: [{ path: '/dashboard' }, { path: '/api/me' }] });
    const handlers = createAuthRouteHandlersFor(b.runtime)({});
    redis.freeze();
    try {
      const page = await guard(new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie } }));
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('data-testid="session-store-unavailable"');
      expect(page.headers.get('retry-after')).toBe('5');
      expect(page.headers.get('cache-control')).toBe('private, no-store');
      expect(page.headers.getSetCookie()).toEqual([]);

      const api = await guard(new NextRequest(`${ORIGIN}/api/me`, { headers: { cookie } }));
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ error: 'session_store_unavailable' });
      expect(api.headers.get('retry-after')).toBe('5');
      expect(api.headers.getSetCookie()).toEqual([]);

      const action = await guard(new NextRequest(`${ORIGIN}/dashboard`, { method: 'POST', headers: { cookie, 'next-action': 'abc' } }));
      expect(action.status).toBe(503);
      expect(await action.json()).toMatchObject({ error: 'session_store_unavailable' });

      // Server APIs: StoreUnavailable, never "signed out"; nothing written.
      const read = await who(b, cookie);
      expect(read.user).toBe('StoreUnavailable');
      expect(read.lines).toEqual([]);

      // Route handlers: 503, cookies untouched.
      const signInRoute = await callRoute(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/x`, cookie);
      expect(signInRoute.status).toBe(503);
      expect(signInRoute.headers.getSetCookie()).toEqual([]);
      expect(events.filter((e) => e.instance === 'b').map((e) => e.operation)).toContain('session');
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect(await userOn(b, cookie)).toBe('alice@example.com'), { timeout: 10_000, interval: 50 });
    const page = await guard(new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie } }));
    expect(page.headers.get('x-middleware-next')).toBe('1');
  });

  it('sign-out during a store outage clears the cookie, is refused on this instance at once, and the record is deleted once the store is back', async () => {
    const a = instance('a');
    const b = instance('b');
    const { cookie } = await signIn(a, await tokensFor());
    const id = await sessionHash(a, cookie);
    const handlers = createAuthRouteHandlersFor(a.runtime)({});
    redis.freeze();
    let signOut: Response;
    try {
      signOut = await handlers.POST(
        new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: ORIGIN } }),
        { params: Promise.resolve({ slug: 'sign-out' }) },
      );
      expect(signOut.status).toBe(303);
      expect(signOut.headers.getSetCookie().some((l) => /^nsa\.sid=;/.test(l) && /Max-Age=0/i.test(l))).toBe(true);
      // This instance refuses the copy at once, without asking the store.
      expect(await userOn(a, cookie)).toBe('UserUnAuthenticated');
      expect(a.codec.stats().pendingEnds).toBe(1);
    } finally {
      redis.thaw();
    }
    await vi.waitFor(async () => expect(await raw.exists(`${prefix}:sess:${id}`)).toBe(0), { timeout: 20_000, interval: 50 });
    expect(a.codec.stats().pendingEnds).toBe(0);
    expect(await userOn(b, cookie)).toBe('UserUnAuthenticated');
  });
});

describe('configuration and cookie codecs', () => {
  it("session.codec 'server' without a store is an InvalidConfig naming runtimeOptions.store", () => {
    const err = (() => {
      try {
        createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID } }, { secret: SECRET, origin: ORIGIN, session: { codec: 'server' } }, {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isAuthError(err, 'InvalidConfig')).toBe(true);
    expect((err as Error).message).toMatch(/runtimeOptions\.store is required with session\.codec "server"/);
    for (const offlineMaxAge of [0, -1, 301, Number.NaN]) {
      expect(() =>
        createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID } }, { secret: SECRET, origin: ORIGIN, session: { offlineMaxAge } }, {}),
      ).toThrow(/runtimeOptions\.session\.offlineMaxAge/);
    }
  });

  it('listSessions and revokeSession with a cookie codec throw ServerSessionsRequired', async () => {
    const s = instance('sealed', { codec: 'sealed' });
    const { cookie } = await signIn(s, await tokensFor());
    for (const op of [listSessions, (ctx: Parameters<typeof listSessions>[0]) => revokeSession(ctx, 'x')]) {
      const err = await asAction(s, cookie, (ctx) => op(ctx)).then(() => undefined, (e: unknown) => e);
      expect(isAuthError(err, 'ServerSessionsRequired')).toBe(true);
    }
  });

  it("sealed cookies: signOutEverywhere signs the user's other cookies out on another instance, warm cache included; another user stays", async () => {
    const [a, b] = [instance('a', { codec: 'sealed' }), instance('b', { codec: 'sealed' })];
    // b listens for cut-offs (a process that just started could miss the push until then).
    expect(await b.runtime.revocations!.ready()).toBe(true);
    const laptop = await signIn(a, await tokensFor());
    const phone = await signIn(a, await tokensFor());
    const bob = await signIn(a, await tokensFor(BOB));
    expect(await userOn(b, laptop.cookie)).toBe('alice@example.com');
    expect(await userOn(b, bob.cookie)).toBe('bob@example.com');
    await asAction(a, phone.cookie, (ctx) => signOutEverywhere(ctx));
    await vi.waitFor(async () => expect(await userOn(b, laptop.cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
    expect(await userOn(instance('c', { codec: 'sealed' }), phone.cookie)).toBe('UserUnAuthenticated');
    expect(await userOn(b, bob.cookie)).toBe('bob@example.com');
  });

  it("Amplify cookies: signOutEverywhere signs the user's other browsers out on another instance (the remembered check is dropped by the push)", async () => {
    const [a, b] = [instance('a', { codec: 'amplify' }), instance('b', { codec: 'amplify' })];
    expect(await b.runtime.revocations!.ready()).toBe(true);
    const laptop = await signIn(a, await tokensFor());
    const phone = await signIn(a, await tokensFor());
    const bob = await signIn(a, await tokensFor(BOB));
    expect(await userOn(b, laptop.cookie)).toBe('alice@example.com');
    expect(await userOn(b, bob.cookie)).toBe('bob@example.com');
    await asAction(a, phone.cookie, (ctx) => signOutEverywhere(ctx));
    await vi.waitFor(async () => expect(await userOn(b, laptop.cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
    expect(await userOn(b, bob.cookie)).toBe('bob@example.com');
  });

  it('sealed cookies with the cut-off push down: a cut-off this instance did not hear of is honoured once its cached copy ages out (offlineMaxAge)', async () => {
    const real = createRedisStore({ url: redis.url, prefix, timeoutMs: 250 });
    stores.push(real);
    const noPush: AuthStore = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'subscribe') return () => Promise.reject(new AuthError('StoreUnavailable', 'pub/sub down'));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const a = instance('a', { codec: 'sealed' });
    const b = instance('b', { codec: 'sealed', store: noPush, extra: { session: { codec: 'sealed', offlineMaxAge: 0.2 } } });
    const laptop = await signIn(a, await tokensFor());
    const phone = await signIn(a, await tokensFor());
    expect(await userOn(b, laptop.cookie)).toBe('alice@example.com');
    await asAction(a, phone.cookie, (ctx) => signOutEverywhere(ctx));
    // b never hears the push; its copy is re-checked against the store once it ages out (bounded wait).
    await vi.waitFor(async () => expect(await userOn(b, laptop.cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 20 });
  });
});
