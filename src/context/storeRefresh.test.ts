import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthEvents } from '../config/AuthEvents.js';
import { createAuthRuntime, createRuntimeRefresher, idpRefreshGrant } from '../createServerRunner.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getCurrentUser } from './getCurrentUser.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';
import { cookieOf, expireAccessToken, sessionValues } from './__tests__/expiredSession.js';
import { countingStore } from '../redis/__tests__/countingStore.js';

// Several instances of one app in one process: each runtime has its own
// codec, session cache and refresher memory (never the globalThis-shared one);
// they share only the Redis store, as separate servers would.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'store-refresh-client';
const SECRET = 'store-refresh-secret-store-refresh-secret-0123456';
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-store-refresh-'));

let idp: DevIdp;
let idpOptions: DevIdpOptions;
let redis: StartedRedis;
let store: AuthStore;
const prefix = `nsa-test-${process.pid}`;
const events: Array<{ name: string; event: unknown }> = [];

interface Instance {
  runtime: AuthRuntime;
  name: string;
}

/** One app instance: its own runtime and refresher memory, the shared store. */
function instance(name: string, seams: Parameters<typeof createRuntimeRefresher>[1] = {}, grace = 60): Instance {
  const record = (n: keyof AuthEvents) => (event: unknown) => void events.push({ name: n, event: { instance: name, ...(event as object) } });
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
    {
      secret: SECRET,
      origin: ORIGIN,
      refresh: { grace },
      store,
      events: {
        tokenRefresh: record('tokenRefresh'),
        tokenRefresh_failure: record('tokenRefresh_failure'),
        storeUnavailable: record('storeUnavailable'),
      },
    },
    {},
  );
  const state = { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() };
  return { name, runtime: { ...runtime, refresher: createRuntimeRefresher(runtime, { state, ...seams }) } };
}

const three = (seams: Parameters<typeof createRuntimeRefresher>[1] = {}, grace = 60) => ['a', 'b', 'c'].map((n) => instance(n, seams, grace));

async function signIn(username = 'alice@example.com', password = 'alice-password'): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

const expire = (tokens: TokenSet) => expireAccessToken(tokens, idpOptions.stateFile!);

/** A route-handler request with `cookie` at `at`: who it saw, or the error code (never thrown), and the Set-Cookie lines. */
async function routeHandler({ runtime }: Instance, cookie: string) {
  const response = new Response(null);
  try {
    const result = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
      operation: async (ctx) => {
        const user = await getCurrentUser(ctx).then(
          (u) => u.username,
          (e: unknown) => (isAuthError(e) ? e.code : e),
        );
        const session = await fetchAuthSession(ctx);
        return { user, exp: session.tokens?.accessToken.payload.exp, threw: undefined as unknown };
      },
    });
    return { ...result, setCookies: response.headers.getSetCookie() };
  } catch (err) {
    return { user: undefined, exp: undefined, threw: err, setCookies: response.headers.getSetCookie() };
  }
}

const refreshCalls = () => idp.stats().tokenCalls.refresh_token ?? 0;
const named = (name: string) => events.filter((e) => e.name === name);

/** Waits (bounded) until the store answers again after Redis came back. */
async function storeBack(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await store.get('probe');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the store did not reconnect');
}

beforeAll(async () => {
  idpOptions = {
    port: 0,
    quiet: true,
    stateFile: join(stateDir, 'idp.json'),
    // Strict rotation (the dev IdP's default): reusing a rotated-out refresh token revokes the whole grant.
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  };
  idp = await startDevIdp(idpOptions);
  idpOptions = { ...idpOptions, port: idp.port };
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix });
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  idp.resetStats();
  events.length = 0;
});

describe('refresh coordinated through a shared store (several instances, one Redis)', () => {
  it('a refresh storm across instances: 200 concurrent requests of one expired session over 3 instances make exactly 1 token-endpoint call, all signed in as alice, the grant alive after', async () => {
    const instances = three();
    const cookie = await sealedCookieHeader(instances[0]!.runtime, await expire(await signIn()));
    idp.resetStats();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => routeHandler(instances[i % 3]!, cookie)));
    expect(refreshCalls()).toBe(1);
    for (const r of results) {
      expect(r.threw).toBeUndefined();
      expect(r.user).toBe('alice@example.com');
      expect(r.exp).toBeGreaterThan(Date.now() / 1000);
      expect(sessionValues(r.setCookies)).not.toEqual([]);
    }
    // Every instance answered with the one result (same access token expiry).
    expect(new Set(results.map((r) => r.exp)).size).toBe(1);
    // Only the instance that called the IdP reports a refresh.
    expect(named('tokenRefresh')).toHaveLength(1);
    expect(named('storeUnavailable')).toEqual([]);

    // The grant is alive: the new cookie refreshes again (forced, on another instance).
    const fresh = cookieOf(results[1]!.setCookies);
    const forced = await createRunWithServerContext(instances[2]!.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie: fresh } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    expect(forced.tokens?.idToken.payload.email).toBe('alice@example.com');
    expect(refreshCalls()).toBe(2);
  });

  it('with grace 0 a storm across instances still makes 1 IdP call and signs nobody out (waiters share the answer they waited for)', async () => {
    const instances = three({}, 0);
    const cookie = await sealedCookieHeader(instances[0]!.runtime, await expire(await signIn()));
    idp.resetStats();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => routeHandler(instances[i % 3]!, cookie)));
    expect(refreshCalls()).toBe(1);
    for (const r of results) expect(r.user).toBe('alice@example.com');
    // Afterwards the rotated-out cookie is spent everywhere at once.
    for (const i of instances) expect((await routeHandler(i, cookie)).user).toBe('UserUnAuthenticated');
    expect(refreshCalls()).toBe(1);
  });

  it('a warm read (no refresh due) never reaches the store', async () => {
    const counting = countingStore(store);
    const a = instance('a', { store: counting.store });
    const cookie = await sealedCookieHeader(a.runtime, await signIn());
    const results = await Promise.all(Array.from({ length: 20 }, () => routeHandler(a, cookie)));
    for (const r of results) expect(r.user).toBe('alice@example.com');
    expect(counting.calls()).toBe(0);
  });

  it('a refresh token the IdP rejected on one instance is refused on the others without reaching the IdP (a replayed dead cookie costs one IdP call cluster-wide)', async () => {
    const [a, b, c] = three();
    const tokens = await signIn();
    const revoke = await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const dead = await sealedCookieHeader(a!.runtime, await expire(tokens));
    idp.resetStats();
    for (const i of [a!, b!, c!, a!, b!, c!]) {
      const r = await routeHandler(i, dead);
      expect(r.user).toBe('UserUnAuthenticated');
      expect(r.setCookies).toHaveLength(1);
      expect(r.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    }
    expect(refreshCalls()).toBe(1);
    expect(named('tokenRefresh_failure')).toEqual([{ name: 'tokenRefresh_failure', event: { instance: 'a', user: expect.objectContaining({ username: 'alice@example.com' }), reason: 'rejected' } }]);
  });

  it('a stale cookie whose mapped tokens aged out inside its window, on instances that never saw it: continues from the successor, one more IdP call cluster-wide', async () => {
    const main = idp;
    // Access tokens of 2 s: the mapped result ages out while the 60 s window is open.
    const short = await startDevIdp({ ...idpOptions, port: 0, accessTokenTtl: 2, stateFile: join(stateDir, 'short-idp.json') });
    const untilExpired = (exp: number) => new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now() + 100)));
    idp = short;
    try {
      const [a, b, c] = three();
      const tokens = await signIn();
      await untilExpired(decodeJwt(tokens.accessToken).exp!);
      const stale = await sealedCookieHeader(a!.runtime, tokens);
      const first = await routeHandler(a!, stale); // rotates rt0 → rt1 on instance a
      expect(first.user).toBe('alice@example.com');
      expect(refreshCalls()).toBe(1);
      await untilExpired(first.exp as number);
      const onB = await routeHandler(b!, stale);
      expect(onB.user).toBe('alice@example.com');
      expect(onB.exp).toBeGreaterThan(Date.now() / 1000);
      expect(refreshCalls()).toBe(2);
      const onC = await routeHandler(c!, stale);
      expect(onC.user).toBe('alice@example.com');
      expect(onC.exp).toBe(onB.exp);
      expect(refreshCalls()).toBe(2);
    } finally {
      idp = main;
      await short.close();
    }
  });

  it('a stale pre-rotation cookie on another instance: signed in inside the grace window (opened once, by the first refresh), signed out after it, and the IdP never sees the old token again', async () => {
    let clock = Date.now();
    const [a, b, c] = three({ now: () => clock });
    const stale = await sealedCookieHeader(a!.runtime, await expire(await signIn()));
    idp.resetStats();
    const first = await routeHandler(a!, stale); // rotates the refresh token on instance a
    expect(first.user).toBe('alice@example.com');
    expect(refreshCalls()).toBe(1);

    clock += 30_000;
    const onB = await routeHandler(b!, stale);
    expect(onB.user).toBe('alice@example.com');
    expect(onB.exp).toBe(first.exp); // a's result, read from the store
    clock += 29_000; // 59 s after the first refresh
    expect((await routeHandler(c!, stale)).user).toBe('alice@example.com');
    expect(refreshCalls()).toBe(1);

    clock += 2_000; // 61 s: the window a opened is closed on every instance, b's late first read did not move it
    for (const late of [a!, b!, c!, instance('d', { now: () => clock })]) {
      const replay = await routeHandler(late, stale);
      expect(replay.threw).toBeUndefined();
      expect(replay.user).toBe('UserUnAuthenticated');
      expect(replay.exp).toBeUndefined();
      expect(replay.setCookies).toHaveLength(1);
      expect(replay.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    }
    expect(refreshCalls()).toBe(1);
    // Refused from the store's memory: no IdP call failed, so no failure event.
    expect(named('tokenRefresh_failure')).toEqual([]);
    // The session the browser holds now is still alive.
    expect((await routeHandler(c!, cookieOf(first.setCookies))).user).toBe('alice@example.com');
  });

  it('an instance that dies holding the refresh lock: another instance takes over once the lock expires, no logout', async () => {
    let called!: () => void;
    const holding = new Promise<void>((resolve) => (called = resolve));
    // Its IdP call never answers and it never releases the lock: a process killed mid-refresh.
    const dying = instance('dying', {
      lockTtlMs: 500,
      grant: () => {
        called();
        return new Promise<TokenSet>(() => {});
      },
    });
    const survivor = instance('survivor', { lockTtlMs: 500 });
    const cookie = await sealedCookieHeader(survivor.runtime, await expire(await signIn()));
    idp.resetStats();
    void routeHandler(dying, cookie); // abandoned
    await holding;
    const results = await Promise.all(Array.from({ length: 10 }, () => routeHandler(survivor, cookie)));
    for (const r of results) {
      expect(r.threw).toBeUndefined();
      expect(r.user).toBe('alice@example.com');
      expect(sessionValues(r.setCookies)).not.toEqual([]);
    }
    expect(refreshCalls()).toBe(1);
  });

  it('Redis stopped mid-run: no error and no sign-out, each instance refreshes on its own (storeUnavailable); Redis back: one IdP call across instances again', async () => {
    const instances = three();
    const browsers = await Promise.all(instances.map(async (i) => sealedCookieHeader(i.runtime, await expire(await signIn()))));
    await redis.stop();
    try {
      idp.resetStats();
      // Each browser sticks to one instance while the store is down: per-process single-flight still holds.
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => routeHandler(instances[i % 3]!, browsers[i % 3]!)));
      for (const r of results) {
        expect(r.threw).toBeUndefined();
        expect(r.user).toBe('alice@example.com');
        expect(sessionValues(r.setCookies)).not.toEqual([]);
      }
      expect(refreshCalls()).toBe(3);
      expect(named('storeUnavailable').length).toBeGreaterThanOrEqual(3);
      expect(named('storeUnavailable')).toContainEqual({ name: 'storeUnavailable', event: { instance: 'a', operation: 'refresh' } });
      expect(JSON.stringify(events)).not.toContain('eyJ');
    } finally {
      await redis.restart();
    }
    await storeBack();
    events.length = 0;
    const cookie = await sealedCookieHeader(instances[0]!.runtime, await expire(await signIn()));
    idp.resetStats();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => routeHandler(instances[i % 3]!, cookie)));
    for (const r of results) expect(r.user).toBe('alice@example.com');
    expect(refreshCalls()).toBe(1);
    expect(named('storeUnavailable')).toEqual([]);
  });

  it('a frozen (slow) Redis: the refresh falls back per-process after the store timeout, signed in, storeUnavailable', async () => {
    const [a] = three();
    const cookie = await sealedCookieHeader(a!.runtime, await expire(await signIn()));
    idp.resetStats();
    redis.freeze();
    let result;
    try {
      result = await routeHandler(a!, cookie);
    } finally {
      redis.thaw();
    }
    expect(result.threw).toBeUndefined();
    expect(result.user).toBe('alice@example.com');
    expect(refreshCalls()).toBe(1);
    expect(named('storeUnavailable')).toContainEqual({ name: 'storeUnavailable', event: { instance: 'a', operation: 'refresh' } });
    await storeBack();
  });

  it('sign-out on one instance: the stale predecessor cookie gets no session on any other instance, and reaches no IdP', async () => {
    const [a, b, c] = three();
    const stale = await sealedCookieHeader(a!.runtime, await expire(await signIn()));
    const refreshed = await routeHandler(a!, stale);
    const current = cookieOf(refreshed.setCookies);
    expect((await routeHandler(b!, stale)).user).toBe('alice@example.com'); // inside the window

    const { POST } = createAuthRouteHandlersFor(b!.runtime)({ redirectOnSignOutComplete: '/' });
    const signOut = await POST(new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie: current, origin: ORIGIN } }), {
      params: Promise.resolve({ slug: 'sign-out' }),
    });
    expect(signOut.status).toBe(303);
    idp.resetStats();
    const replay = await routeHandler(c!, stale);
    expect(replay.user).toBe('UserUnAuthenticated');
    expect(replay.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    expect(refreshCalls()).toBe(0);
  });

  it('Redis never holds a usable token: after a storm no key contains a token and every value is a seal or a marker', async () => {
    const instances = three();
    const tokens = await signIn();
    idp.resetStats();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => instances[i % 3]!.runtime.refresher.refresh(tokens.refreshToken!, { previous: tokens, subject: undefined })),
    );
    expect(refreshCalls()).toBe(1);
    const secrets = [tokens, results[0]!].flatMap((t) => [t.idToken, t.accessToken, t.refreshToken!]);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const keys = await raw.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key.startsWith(`${prefix}:rt:`)).toBe(true);
        expect(key).toMatch(/^[A-Za-z0-9-]+:rt:[0-9a-f]{64}:(lock|result|spent)$/);
        const value = await raw.get(key);
        expect(value).not.toBeNull();
        // No compact JWT (a seal has no '.' past its Fe26.2 prefix), and no part of these tokens. A bare 'eyJ' is no
        // evidence: a ~5 KB random seal contains it by chance in a few percent of runs.
        expect(value).not.toMatch(/eyJ[\w-]*\.[\w-]*\./);
        for (const s of secrets) {
          expect(key).not.toContain(s);
          expect(value).not.toContain(s);
          for (const part of s.split('.').filter((p) => p.length >= 16)) expect(value).not.toContain(part);
        }
        expect(value).toMatch(/^(Fe26\.2\*[A-Za-z0-9*_~-]+|rotated|rejected|ended)$/);
      }
    } finally {
      await raw.quit();
    }
  });

  it('sign-out while Redis is down: signed out, cookies cleared, storeUnavailable (signOut), no error', async () => {
    const [a] = three();
    const cookie = await sealedCookieHeader(a!.runtime, await signIn());
    await redis.stop();
    try {
      const { POST } = createAuthRouteHandlersFor(a!.runtime)({ redirectOnSignOutComplete: '/' });
      const signOut = await POST(new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: ORIGIN } }), {
        params: Promise.resolve({ slug: 'sign-out' }),
      });
      expect(signOut.status).toBe(303);
      expect(signOut.headers.getSetCookie().some((l) => /^nsa\.session=;.*Max-Age=0/.test(l))).toBe(true);
      expect(sessionValues(signOut.headers.getSetCookie())).toEqual([]);
      // 'revocation' too: the push dropped with Redis, so the cache was flushed and the cut-off check could not ask the store.
      expect(named('storeUnavailable')).toContainEqual({ name: 'storeUnavailable', event: { instance: 'a', operation: 'signOut' } });
      for (const e of named('storeUnavailable')) expect(['signOut', 'revocation']).toContain((e.event as { operation: string }).operation);
      // The instance that handled it refuses a copy of the cookie at once.
      expect((await routeHandler(a!, cookie)).user).toBe('UserUnAuthenticated');
    } finally {
      await redis.restart();
    }
    await storeBack();
  });

  it("a refresh answered with another user's tokens (sub swap) on one instance: signed out there and on every other instance, nothing stored for anyone", async () => {
    const alice = await signIn();
    const bob = await signIn('bob@example.com', 'bob-password');
    const a = instance('a');
    const real = idpRefreshGrant(a.runtime);
    // A real token endpoint answering for the wrong grant: asked for alice's refresh, it returns bob's tokens.
    const swapped = instance('swapped', { grant: (rt) => real(rt === alice.refreshToken ? bob.refreshToken! : rt) });
    const [b, c] = [instance('b'), instance('c')];
    const cookie = await sealedCookieHeader(a.runtime, await expire(alice));
    idp.resetStats();
    const first = await routeHandler(swapped, cookie);
    expect(first.user).toBe('UserUnAuthenticated');
    expect(first.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    expect(refreshCalls()).toBe(1);
    for (const i of [b, c]) {
      const r = await routeHandler(i, cookie);
      expect(r.user).toBe('UserUnAuthenticated');
      expect(r.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    }
    expect(refreshCalls()).toBe(1);
  });

  it('runtimeOptions.store that is not an AuthStore is an InvalidConfig naming the field', () => {
    let error: unknown;
    try {
      createAuthRuntime(
        { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
        { secret: SECRET, origin: ORIGIN, store: { get: () => Promise.resolve(undefined) } as unknown as AuthStore },
        {},
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('InvalidConfig');
    expect((error as AuthError).message).toMatch(/runtimeOptions\.store must be an AuthStore.*missing setIfAbsent/);
  });

  it('a store configured on the edge runtime is a start-up error, not a silent per-process race', () => {
    const g = globalThis as { EdgeRuntime?: string };
    g.EdgeRuntime = 'edge-runtime';
    try {
      let error: unknown;
      try {
        instance('edge');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).code).toBe('InvalidConfig');
      expect((error as AuthError).message).toMatch(/runtimeOptions\.store needs the Node\.js runtime/);
    } finally {
      delete g.EdgeRuntime;
    }
  });
});
