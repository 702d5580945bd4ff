import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeOptions } from '../config/runtimeOptions.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { getClientSession } from '../context/getClientSession.js';
import { getContextState } from '../context/contextRegistry.js';
import { toClientSession } from '../context/toClientSession.js';
import { writeSession } from '../context/writeSession.js';
import { cookieOf, expireAccessToken } from '../context/__tests__/expiredSession.js';
import { sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import type { ClientSession } from '../session/ClientSession.js';
import type { Session } from '../session/Session.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { JWT } from '../tokens/JWT.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';
import type { AuthRouteHandlers } from './createAuthRouteHandlers.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { callRoute } from './__tests__/signInFlow.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

const ORIGIN = 'http://localhost:3000';
const SESSION_URL = `${ORIGIN}/api/auth/session`;
const CLIENT_ID = 'session-endpoint-client';
const SECRET = 'session-endpoint-secret-session-endpoint-0123456';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const BOB = { username: 'bob@example.com', password: 'bob-password' };
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-session-endpoint-'));

let idp: DevIdp;
let idpOptions: DevIdpOptions;
let redis: StartedRedis | undefined;
const stores: AuthStore[] = [];

/** A fresh runtime: its own refresher memory and session cache, as a new process would have. */
function makeRuntime(extra: RuntimeOptions = {}): AuthRuntime {
  const runtime = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN, ...extra }, {});
  const state = { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() };
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state }) };
}

const handlersOf = (runtime: AuthRuntime): AuthRouteHandlers => createAuthRouteHandlersFor(runtime)({});

async function tokensFor(login = ALICE): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, ...login });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

const expire = (tokens: TokenSet) => expireAccessToken(tokens, idpOptions.stateFile!);
const refreshCalls = () => idp.stats().tokenCalls.refresh_token;

/** One call of the endpoint: status, parsed body, raw body and headers. */
async function session(runtime: AuthRuntime, cookie?: string, init: RequestInit = {}) {
  const response = await callRoute(handlersOf(runtime), SESSION_URL, cookie, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as ClientSession & { error?: string }, setCookies: response.headers.getSetCookie() };
}

/** Every string a token could be found through: the compact forms and each of their segments. */
function tokenNeedles(...sets: TokenSet[]): string[] {
  const needles = new Set<string>();
  for (const set of sets) {
    for (const token of [set.idToken, set.accessToken, set.refreshToken]) {
      if (token === undefined) continue;
      needles.add(token);
      for (const segment of token.split('.')) if (segment.length >= 8) needles.add(segment);
    }
  }
  return [...needles];
}

/** Fails with the leaked needle when any of them appears in the body or any header. */
function expectNoTokenIn(response: { text: string; headers: Headers }, needles: string[]): void {
  const haystack = [response.text, ...[...response.headers].map(([name, value]) => `${name}: ${value}`)].join('\n');
  for (const needle of needles) expect(haystack.includes(needle), `token material leaked: ${needle.slice(0, 12)}…`).toBe(false);
  // No compact JWT of any kind, whoever issued it.
  expect(haystack).not.toMatch(/eyJ[\w-]{4,}\.[\w-]{4,}\./);
}

/** The tokens a Cookie header's session carries now (after a refresh), read through the runtime. */
async function tokensInCookie(runtime: AuthRuntime, cookie: string): Promise<TokenSet> {
  return createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/x`, { headers: { cookie } }), response: new Response(null) },
    operation: async (ctx) => {
      const { tokens } = await fetchAuthSession(ctx);
      return { idToken: tokens!.idToken.toString(), accessToken: tokens!.accessToken.toString(), refreshToken: 'unknown' };
    },
  });
}

function serverComponentCookies(header: string) {
  return async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));
}

beforeAll(async () => {
  idpOptions = {
    port: 0,
    quiet: true,
    stateFile: join(stateDir, 'idp.json'),
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  };
  idp = await startDevIdp(idpOptions);
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await redis?.stop();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

beforeEach(() => idp.resetStats());

describe('GET /api/auth/session (sealed cookie)', () => {
  it('signed in: the user (username, userId, groups, allowlisted claims only) and expiresAt, private no-store, Vary: Cookie', async () => {
    const runtime = makeRuntime();
    const tokens = await tokensFor();
    const id = decodeJwt(tokens.idToken);
    const access = decodeJwt(tokens.accessToken);
    const r = await session(runtime, await sealedCookieHeader(runtime, tokens));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    expect(r.headers.get('vary')).toBe('Cookie');
    expect(r.setCookies).toEqual([]);
    // The ID token also has email_verified, cognito:username, origin_jti, auth_time, token_use, …: none of them shows.
    expect(id).toMatchObject({ email_verified: true, origin_jti: expect.any(String), 'cognito:username': expect.any(String) });
    expect(r.body).toEqual({ user: { username: 'alice@example.com', userId: id.sub, groups: ['ADMINS'], email: 'alice@example.com', name: 'Alice Example' }, expiresAt: Math.min(access.exp!, id.exp!) * 1000 });
    expectNoTokenIn(r, tokenNeedles(tokens));
  });

  it('a user without groups gets groups: [] and only the claims the ID token has', async () => {
    const runtime = makeRuntime({ clientSession: { claims: ['email', 'custom:missing'] } });
    const tokens = await tokensFor(BOB);
    const r = await session(runtime, await sealedCookieHeader(runtime, tokens));
    expect(r.body).toEqual({ user: { username: 'bob@example.com', userId: decodeJwt(tokens.idToken).sub, groups: [], email: 'bob@example.com' }, expiresAt: expect.any(Number) });
  });

  it('signed out: 200 { user: null }, no Set-Cookie, never a redirect or 401', async () => {
    const r = await session(makeRuntime());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: null });
    expect(r.setCookies).toEqual([]);
    expect(r.headers.get('location')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    expect(r.headers.get('vary')).toBe('Cookie');
  });

  it('a forged, garbled or foreign-secret session cookie reads { user: null } (200, never a 500), and no token leaks', async () => {
    const runtime = makeRuntime();
    const tokens = await tokensFor();
    const genuine = await sealedCookieHeader(runtime, tokens);
    const foreign = await sealedCookieHeader(makeRuntime({ secret: 'another-secret-another-secret-another-secret-0' }), tokens);
    const value = genuine.slice(genuine.indexOf('=') + 1);
    const forged = [
      'nsa.session=garbage',
      'nsa.session=',
      `nsa.session=${value.slice(0, -4)}AAAA`, // the seal's MAC no longer matches
      `nsa.session=${value}~extra`, // trailing data after a valid seal
      foreign,
      `nsa.session=${tokens.idToken}`, // a bare (unsealed) token
      'nsa.session.0=abc; nsa.session.1=def',
      'nsa.session=%E0%A4%A', // a broken escape
    ];
    for (const cookie of forged) {
      const r = await session(runtime, cookie);
      expect({ cookie, status: r.status, body: r.body }).toEqual({ cookie, status: 200, body: { user: null } });
      // Whatever is sent back only deletes.
      for (const line of r.setCookies) expect(line).toMatch(/Max-Age=0/);
      expectNoTokenIn(r, tokenNeedles(tokens));
    }
  });

  it('an expired access token: 20 concurrent session requests make exactly one IdP refresh, each writes the new cookie and the new expiresAt', async () => {
    const runtime = makeRuntime();
    const old = await expire(await tokensFor());
    const cookie = await sealedCookieHeader(runtime, old);
    idp.resetStats();
    const results = await Promise.all(Array.from({ length: 20 }, () => session(runtime, cookie)));
    expect(refreshCalls()).toBe(1);
    const fresh = await tokensInCookie(runtime, cookieOf(results[0]!.setCookies));
    const newExpiry = Math.min(decodeJwt(fresh.accessToken).exp!, decodeJwt(fresh.idToken).exp!) * 1000;
    expect(newExpiry).toBeGreaterThan(Date.now());
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ user: { username: 'alice@example.com' }, expiresAt: newExpiry });
      expect(cookieOf(r.setCookies)).not.toBe('');
      expect(r.headers.get('cache-control')).toBe('private, no-store');
      expectNoTokenIn(r, tokenNeedles(old, fresh));
    }
    // The new cookie is a session of its own: read again, no further refresh.
    const again = await session(makeRuntime(), cookieOf(results[0]!.setCookies));
    expect(again.body).toMatchObject({ user: { username: 'alice@example.com' }, expiresAt: newExpiry });
    expect(again.setCookies).toEqual([]);
    expect(refreshCalls()).toBe(1);
  });

  it('a refresh token revoked at the IdP: { user: null } and the session cookie cleared', async () => {
    const runtime = makeRuntime();
    const tokens = await tokensFor();
    const revoke = await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const expired = await expire(tokens);
    const r = await session(runtime, await sealedCookieHeader(runtime, expired));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ user: null });
    expect(r.setCookies.map((l) => l.split('=')[0])).toEqual(['nsa.session']);
    expect(r.setCookies[0]).toMatch(/Max-Age=0/);
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    expectNoTokenIn(r, tokenNeedles(expired));
  });

  it('the IdP down when a refresh is due: 503 JSON idp_unavailable with Retry-After, the cookie kept (never signed out)', async () => {
    // An IdP of its own, so stopping it leaves the others' running.
    const options: DevIdpOptions = { ...idpOptions, stateFile: join(stateDir, 'idp-down.json') };
    const down = await startDevIdp(options);
    const runtime = createAuthRuntime({ oidc: { issuer: down.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {});
    const t = await signInWithPassword({ issuer: down.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, ...ALICE });
    const expired = await expireAccessToken({ idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! }, options.stateFile!);
    const cookie = await sealedCookieHeader(runtime, expired);
    await down.close();
    const r = await session(runtime, cookie);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ error: 'idp_unavailable' });
    expect(r.headers.get('retry-after')).toBe('5');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    expect(r.setCookies).toEqual([]);
    expectNoTokenIn(r, tokenNeedles(expired));
  });

  it('POST (or any method but GET) is 405 with Allow: GET, and reads no session', async () => {
    const runtime = makeRuntime();
    const cookie = await sealedCookieHeader(runtime, await tokensFor());
    const handlers = handlersOf(runtime);
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const request = new Request(SESSION_URL, { method, headers: { cookie, origin: ORIGIN } });
      const response = await handlers.POST(request, { params: Promise.resolve({ slug: 'session' }) });
      expect({ method, status: response.status, allow: response.headers.get('allow') }).toEqual({ method, status: 405, allow: 'GET' });
      expect(response.headers.getSetCookie()).toEqual([]);
      if (method !== 'HEAD') expect(await response.json()).toEqual({ error: 'method_not_allowed' });
    }
  });

  it('a prefetch or background fetch gets the ordinary answer (it starts no sign-in)', async () => {
    const runtime = makeRuntime();
    const cookie = await sealedCookieHeader(runtime, await tokensFor());
    const variants: Array<Record<string, string>> = [{ 'next-router-prefetch': '1' }, { purpose: 'prefetch' }, { 'sec-purpose': 'prefetch' }, { 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' }];
    for (const headers of variants) {
      expect((await session(runtime, cookie, { headers })).body).toMatchObject({ user: { username: 'alice@example.com' } });
      const signedOut = await session(runtime, undefined, { headers });
      expect([signedOut.status, signedOut.body, signedOut.setCookies]).toEqual([200, { user: null }, []]);
    }
  });

  it('getClientSession in a server component ({ cookies }) returns the same object the endpoint answers', async () => {
    const runtime = makeRuntime({ clientSession: { claims: ['email', 'name', 'cognito:username', 'email_verified'] } });
    const tokens = await tokensFor();
    const cookie = await sealedCookieHeader(runtime, tokens);
    const fromEndpoint = (await session(runtime, cookie)).body;
    const fromServerComponent = await createRunWithServerContext(runtime)({ nextServerContext: { cookies: serverComponentCookies(cookie) }, operation: (ctx) => getClientSession(ctx) });
    expect(fromServerComponent).toEqual(fromEndpoint);
    expect(fromServerComponent).toMatchObject({ user: { 'cognito:username': expect.any(String), email_verified: true } });
    const signedOut = await createRunWithServerContext(runtime)({ nextServerContext: { cookies: serverComponentCookies('') }, operation: (ctx) => getClientSession(ctx) });
    expect(signedOut).toEqual({ user: null });
    const publicContext = await createRunWithServerContext(runtime)({ nextServerContext: null, operation: (ctx) => getClientSession(ctx) });
    expect(publicContext).toEqual({ user: null });
  });
});

describe('runtimeOptions.clientSession.claims', () => {
  it('protocol and token claim names in the allowlist fail at start-up with InvalidConfig naming the field', () => {
    for (const claim of ['at_hash', 'sid', 'origin_jti', 'nonce', 'jti', 'aud', 'iss', 'sub', 'exp', 'auth_time', 'token_use', 'client_id', 'c_hash', 'access_token', 'custom:apiToken', 'username', 'groups', '__proto__', '']) {
      let error: unknown;
      try {
        makeRuntime({ clientSession: { claims: ['email', claim] } });
      } catch (err) {
        error = err;
      }
      expect(isAuthError(error, 'InvalidConfig'), `${claim} accepted`).toBe(true);
      expect((error as Error).message).toContain('runtimeOptions.clientSession.claims');
    }
    expect(() => makeRuntime({ clientSession: { claims: 'email' as unknown as string[] } })).toThrow(/runtimeOptions\.clientSession\.claims/);
  });

  it('the default allowlist is email and name; an empty list shows only username, userId and groups', async () => {
    expect(makeRuntime().options.clientSession.claims).toEqual(['email', 'name']);
    const runtime = makeRuntime({ clientSession: { claims: [] } });
    const tokens = await tokensFor();
    const r = await session(runtime, await sealedCookieHeader(runtime, tokens));
    expect(r.body).toEqual({ user: { username: 'alice@example.com', userId: decodeJwt(tokens.idToken).sub, groups: ['ADMINS'] }, expiresAt: expect.any(Number) });
  });

  it('protocol claims (origin_jti, auth_time, token_use, aud, iss, exp, iat, …) never reach the browser even when a runtime is built around the config check', async () => {
    const tokens = await tokensFor();
    const id = decodeJwt(tokens.idToken);
    // The ID token really has protocol claims to leak.
    const present = ['at_hash', 'sid', 'nonce', 'origin_jti', 'jti', 'aud', 'iss', 'exp', 'iat', 'auth_time', 'token_use'].filter((c) => c in id);
    expect(present).toEqual(expect.arrayContaining(['origin_jti', 'aud', 'iss', 'exp', 'iat', 'auth_time', 'token_use']));
    const built = makeRuntime();
    const runtime: AuthRuntime = { ...built, options: { ...built.options, clientSession: { claims: ['email', ...present] } } };
    const r = await session(runtime, await sealedCookieHeader(runtime, tokens));
    expect(Object.keys((r.body as { user: object }).user).sort()).toEqual(['email', 'groups', 'userId', 'username']);
    for (const claim of present) expect(r.text).not.toContain(`"${claim}"`);
    expectNoTokenIn(r, tokenNeedles(tokens));
  });

  it('only string, number and boolean claim values pass; a JWT-shaped value or an object never does', () => {
    const runtime = makeRuntime({ clientSession: { claims: ['email', 'count', 'verified', 'address', 'list', 'nested_jwt', 'nan', 'absent'] } });
    const jwtLike = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const id = { sub: 'u-1', email: 'a@example.com', count: 3, verified: true, address: { street: 'x' }, list: ['a'], nested_jwt: jwtLike, nan: Number.NaN, 'cognito:groups': ['G'] };
    const fake = { idToken: { payload: id }, accessToken: { payload: { sub: 'u-1', username: 'alice' } }, expiresAt: 1_900_000_000_000, tokens: {} } as unknown as Session;
    expect(toClientSession(fake, runtime)).toEqual({ user: { username: 'alice', userId: 'u-1', groups: ['G'], email: 'a@example.com', count: 3, verified: true }, expiresAt: 1_900_000_000_000 });
    // Inherited properties are not claims.
    const inherited = { ...fake, idToken: { payload: Object.create({ email: 'proto@example.com' }) as Record<string, unknown> } as JWT };
    expect(toClientSession({ ...inherited, accessToken: { payload: { sub: 'u-2' } } as JWT } as Session, runtime)).toEqual({ user: { username: 'u-2', userId: 'u-2', groups: [] }, expiresAt: 1_900_000_000_000 });
  });
});

describe('GET /api/auth/session over HTTP after a real sign-in', () => {
  for (const adapter of ['app', 'pages'] as const) {
    it(`${adapter} router: signed in after the IdP login, { user: null } after sign-out, and no token in anything it sent`, async () => {
      const app: AuthApp = await startAuthApp({
        adapter,
        runner: (devIdp, origin) => ({
          config: { oidc: { issuer: devIdp.issuer, clientId: TEST_CLIENT_ID, flavor: 'cognito', redirectSignIn: [`${origin}/api/auth/sign-in-callback`], redirectSignOut: [`${origin}/api/auth/sign-out-callback`] } },
          runtimeOptions: { secret: TEST_SECRET, origin },
        }),
      });
      try {
        const browser = new BrowserLike(app.origin);
        await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
        const signedIn = await browser.jar.fetch(new URL('/api/auth/session', app.origin));
        const text = await signedIn.text();
        expect(signedIn.status).toBe(200);
        expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
        expect(signedIn.headers.get('vary')).toBe('Cookie');
        expect(JSON.parse(text)).toMatchObject({ user: { username: 'alice@example.com', email: 'alice@example.com', groups: ['ADMINS'] }, expiresAt: expect.any(Number) });
        expect(text).not.toMatch(/eyJ/);
        const signOut = await browser.jar.fetch(new URL('/api/auth/sign-out', app.origin), { method: 'POST', headers: { origin: app.origin }, redirect: 'manual' });
        await signOut.body?.cancel();
        const after = await browser.jar.fetch(new URL('/api/auth/session', app.origin));
        expect([after.status, await after.json()]).toEqual([200, { user: null }]);
        expect(app.statuses).not.toContain(500);
      } finally {
        await app.close();
      }
    });
  }
});

describe("GET /api/auth/session with session.codec 'server' (real Redis)", () => {
  const prefix = `nsa-session-endpoint-${process.pid}`;
  function serverRuntime(): AuthRuntime {
    const store = createRedisStore({ url: redis!.url, prefix, timeoutMs: 250 });
    stores.push(store);
    return makeRuntime({ store, session: { codec: 'server' } });
  }

  async function signInServer(runtime: AuthRuntime, tokens: TokenSet): Promise<string> {
    const response = new Response(null);
    await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/auth/sign-in-callback`), response },
      operation: (ctx) => writeSession(getContextState(ctx), tokens),
    });
    return response.headers
      .getSetCookie()
      .map((l) => l.split(';')[0]!)
      .join('; ');
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  it('signed in, refreshed through the record (one IdP call, the cookie unchanged, the new expiresAt), and no token in the answer', async () => {
    const runtime = serverRuntime();
    const old = await expire(await tokensFor());
    const cookie = await signInServer(runtime, old);
    expect(cookie).toMatch(/^nsa\.sid=/);
    idp.resetStats();
    // Another instance (cold cache, its own refresher) answers the browser.
    const other = serverRuntime();
    const results = await Promise.all(Array.from({ length: 10 }, () => session(other, cookie)));
    expect(refreshCalls()).toBe(1);
    const fresh = await tokensInCookie(other, cookie);
    const newExpiry = Math.min(decodeJwt(fresh.accessToken).exp!, decodeJwt(fresh.idToken).exp!) * 1000;
    expect(newExpiry).toBeGreaterThan(Date.now());
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ user: { username: 'alice@example.com', email: 'alice@example.com', groups: ['ADMINS'] }, expiresAt: newExpiry });
      expect(r.headers.get('vary')).toBe('Cookie');
      // The record took the new tokens under the same id: the browser's cookie stays.
      expect(r.setCookies).toEqual([]);
      expectNoTokenIn(r, tokenNeedles(old, fresh));
    }
    // The first instance sees the refreshed record too, with no second IdP call.
    expect((await session(runtime, cookie)).body).toMatchObject({ expiresAt: newExpiry });
    expect(refreshCalls()).toBe(1);
  });

  it('a copy of the cookie replayed after sign-out reads { user: null }', async () => {
    const runtime = serverRuntime();
    const cookie = await signInServer(runtime, await tokensFor());
    expect((await session(runtime, cookie)).body).toMatchObject({ user: { username: 'alice@example.com' } });
    const signOut = await callRoute(handlersOf(runtime), `${ORIGIN}/api/auth/sign-out`, cookie, { method: 'POST', headers: { origin: ORIGIN } });
    await signOut.body?.cancel();
    expect(signOut.status).toBe(303);
    const replayed = await session(serverRuntime(), cookie);
    expect([replayed.status, replayed.body]).toEqual([200, { user: null }]);
  });

  it('store down: 503 JSON session_store_unavailable with Retry-After, cookie kept; back up: the same cookie is signed in', async () => {
    const runtime = serverRuntime();
    const cookie = await signInServer(runtime, await tokensFor());
    const cold = serverRuntime();
    redis!.freeze();
    try {
      const r = await session(cold, cookie);
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ error: 'session_store_unavailable' });
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.headers.get('cache-control')).toBe('private, no-store');
      expect(r.setCookies).toEqual([]);
      // getClientSession says so too, rather than "signed out".
      const error = await createRunWithServerContext(cold)({ nextServerContext: { cookies: serverComponentCookies(cookie) }, operation: (ctx) => getClientSession(ctx) }).catch((e: unknown) => e);
      expect(isAuthError(error, 'StoreUnavailable')).toBe(true);
    } finally {
      redis!.thaw();
    }
    const back = await session(serverRuntime(), cookie);
    expect(back.body).toMatchObject({ user: { username: 'alice@example.com' } });
  });
});
