import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthEvents } from '../config/AuthEvents.js';
import { createAuthRuntime, createRuntimeRefresher, idpRefreshGrant } from '../createServerRunner.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getCurrentUser } from './getCurrentUser.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';
import { cookieOf, expireAccessToken, sessionValues } from './__tests__/expiredSession.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'refresh-client';
const SECRET = 'refresh-secret-refresh-secret-refresh-secret-0123';
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-refresh-'));

let idp: DevIdp;
let idpOptions: DevIdpOptions;
const events: Array<{ name: string; event: unknown }> = [];

function makeRuntime(grace = 60): AuthRuntime {
  const record = (name: keyof AuthEvents) => (event: unknown) => void events.push({ name, event });
  return createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
    {
      secret: SECRET,
      origin: ORIGIN,
      refresh: { grace },
      events: { signedIn: record('signedIn'), signedOut: record('signedOut'), tokenRefresh: record('tokenRefresh'), tokenRefresh_failure: record('tokenRefresh_failure') },
    },
    {},
  );
}

async function signIn(username: string, password: string): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}
const signInAlice = () => signIn('alice@example.com', 'alice-password');

/** The runtime with a refresher of its own memory and clock (and optionally another grant): the IdP is still the real one. */
function withRefresher(runtime: AuthRuntime, seams: Parameters<typeof createRuntimeRefresher>[1]): AuthRuntime {
  const state = { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() };
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state, ...seams }) };
}

/** A server component's render: who it shows, or the error code. */
async function serverComponentRender(runtime: AuthRuntime, cookie: string): Promise<unknown> {
  return createRunWithServerContext(runtime)({ nextServerContext: { cookies: serverComponentCookies(cookie) }, operation: (ctx) => getCurrentUser(ctx) }).then(
    (u) => u.username,
    (e: unknown) => (isAuthError(e) ? e.code : e),
  );
}

/** The Set-Cookie lines that give the session cookie a value (not a deletion). */

const expire = (tokens: TokenSet) => expireAccessToken(tokens, idpOptions.stateFile!);

/** A route-handler request with `cookie`; returns what the operation saw and the Set-Cookie lines. */
async function routeHandler(runtime: AuthRuntime, cookie: string) {
  const response = new Response(null);
  const run = createRunWithServerContext(runtime);
  const result = await run({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
    operation: async (ctx) => {
      const user = await getCurrentUser(ctx).catch((e: unknown) => (isAuthError(e) ? e.code : e));
      const session = await fetchAuthSession(ctx);
      return { user, exp: session.tokens?.accessToken.payload.exp };
    },
  });
  return { ...result, setCookies: response.headers.getSetCookie(), cacheControl: response.headers.get('cache-control') };
}

function serverComponentCookies(cookie: string) {
  return async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie })));
}

const refreshCalls = () => idp.stats().tokenCalls.refresh_token;

beforeAll(async () => {
  idpOptions = {
    port: 0,
    quiet: true,
    stateFile: join(stateDir, 'idp.json'),
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  };
  idp = await startDevIdp(idpOptions);
  idpOptions = { ...idpOptions, port: idp.port };
});
afterAll(async () => {
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  idp.resetStats();
  events.length = 0;
});
afterEach(() => {
  events.length = 0;
});

describe('refresh', () => {
  it('a refresh storm: 50 parallel requests with one expired session make exactly one token-endpoint call', async () => {
    const runtime = makeRuntime();
    const cookie = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    idp.resetStats();
    const results = await Promise.all(Array.from({ length: 50 }, () => routeHandler(runtime, cookie)));
    expect(refreshCalls()).toBe(1);
    for (const r of results) {
      expect(r.user).toMatchObject({ username: 'alice@example.com' });
      expect(r.exp).toBeGreaterThan(Date.now() / 1000);
      // Every response carries the new session cookie.
      expect(r.setCookies.some((l) => l.startsWith('nsa.session=') && !/Max-Age=0/.test(l))).toBe(true);
      // A response carrying a session cookie is never cacheable by a CDN.
      expect(r.cacheControl).toBe('private, no-store');
    }
    expect(events.filter((e) => e.name === 'tokenRefresh')).toEqual([{ name: 'tokenRefresh', event: { user: expect.objectContaining({ username: 'alice@example.com' }) } }]);
    expect(JSON.stringify(events)).not.toContain('eyJ'); // no token ever reaches an event
  });

  it('a stale cookie after rotation, within the grace window, gets the new session without calling the IdP', async () => {
    const runtime = makeRuntime();
    const stale = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    const first = await routeHandler(runtime, stale);
    expect(first.user).toMatchObject({ username: 'alice@example.com' });
    expect(refreshCalls()).toBe(1);
    const again = await routeHandler(runtime, stale);
    expect(again.user).toMatchObject({ username: 'alice@example.com' });
    expect(again.exp).toBe(first.exp);
    expect(refreshCalls()).toBe(1);
  });

  it('after the grace window a rotated-out token never reaches the IdP again (which would revoke the whole grant)', async () => {
    const runtime = makeRuntime(0);
    const tokens = await signInAlice();
    const stale = await sealedCookieHeader(runtime, await expire(tokens));
    const first = await routeHandler(runtime, stale);
    expect(first.user).toMatchObject({ username: 'alice@example.com' });
    const fresh = first.setCookies.filter((l) => !/Max-Age=0/.test(l)).map((l) => l.split(';')[0]).join('; ');
    const replay = await routeHandler(runtime, stale);
    expect(replay.user).toBe('UserUnAuthenticated');
    expect(refreshCalls()).toBe(1);
    // The session the browser actually holds now is still alive at the IdP.
    const current = await routeHandler(runtime, fresh);
    expect(current.user).toMatchObject({ username: 'alice@example.com' });
  });

  it('a refresh token revoked at the IdP signs the user out and clears every session cookie', async () => {
    const runtime = makeRuntime();
    const tokens = await signInAlice();
    const revoke = await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const result = await routeHandler(runtime, await sealedCookieHeader(runtime, await expire(tokens)));
    expect(result.user).toBe('UserUnAuthenticated');
    expect(result.exp).toBeUndefined();
    expect(result.setCookies.map((l) => l.split('=')[0])).toEqual(['nsa.session']);
    expect(result.setCookies[0]).toMatch(/Max-Age=0/);
    expect(events).toEqual([{ name: 'tokenRefresh_failure', event: { user: expect.objectContaining({ username: 'alice@example.com' }), reason: 'rejected' } }]);
  });

  it('the IdP down during refresh: IdpUnavailable, cookies intact; back up: signed in again without a new login', async () => {
    const runtime = makeRuntime();
    const cookie = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    await idp.close();
    try {
      const response = new Response(null);
      const err = await createRunWithServerContext(runtime)({
        nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
        operation: (ctx) => fetchAuthSession(ctx),
      }).catch((e: unknown) => e);
      expect(isAuthError(err) ? err.code : err).toBe('IdpUnavailable');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(events).toEqual([{ name: 'tokenRefresh_failure', event: { user: expect.objectContaining({ username: 'alice@example.com' }), reason: 'unavailable' } }]);
    } finally {
      idp = await startDevIdp(idpOptions);
    }
    const result = await routeHandler(runtime, cookie);
    expect(result.user).toMatchObject({ username: 'alice@example.com' });
    expect(result.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('server components: an expired session still renders the user; nothing is persisted; repeated renders do not call the IdP again', async () => {
    const runtime = makeRuntime();
    const cookie = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    const run = createRunWithServerContext(runtime);
    for (let render = 0; render < 3; render++) {
      const user = await run({ nextServerContext: { cookies: serverComponentCookies(cookie) }, operation: (ctx) => getCurrentUser(ctx) });
      expect(user.username).toBe('alice@example.com');
    }
    expect(refreshCalls()).toBe(1);
  });

  it('forceRefresh refreshes a valid session, and later reads in the operation see the new tokens', async () => {
    const runtime = makeRuntime();
    const tokens = await signInAlice();
    const cookie = await sealedCookieHeader(runtime, tokens);
    const response = new Response(null);
    const [before, forced, after] = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie } }), response },
      operation: async (ctx) => [await fetchAuthSession(ctx), await fetchAuthSession(ctx, { forceRefresh: true }), await fetchAuthSession(ctx)],
    });
    expect(refreshCalls()).toBe(1);
    expect(forced!.tokens!.accessToken.toString()).not.toBe(before!.tokens!.accessToken.toString());
    expect(after!.tokens!.accessToken.toString()).toBe(forced!.tokens!.accessToken.toString());
    expect(response.headers.getSetCookie().some((l) => l.startsWith('nsa.session='))).toBe(true);
  });

  it('a stolen, already-rotated cookie is signed out once the window has passed, even when server components keep reading it', async () => {
    let clock = Date.now();
    const runtime = withRefresher(makeRuntime(60), { now: () => clock });
    const stolen = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    idp.resetStats();
    // Server components cannot store the refreshed cookie: the old one keeps coming back.
    for (let render = 0; render < 3; render++) expect(await serverComponentRender(runtime, stolen)).toBe('alice@example.com');
    clock += 59_000; // still inside the window that opened with the first refresh
    expect(await serverComponentRender(runtime, stolen)).toBe('alice@example.com');
    expect(refreshCalls()).toBe(1);

    clock += 2_000; // 61 s after its first use: spent, whatever the renders before did
    for (let render = 0; render < 3; render++) expect(await serverComponentRender(runtime, stolen)).toBe('UserUnAuthenticated');
    // Where cookies can be written it is cleared.
    const replay = await routeHandler(runtime, stolen);
    expect(replay.user).toBe('UserUnAuthenticated');
    expect(replay.exp).toBeUndefined();
    expect(replay.setCookies.map((l) => l.split('=')[0])).toEqual(['nsa.session']);
    expect(replay.setCookies[0]).toMatch(/Max-Age=0/);
    // Never sent to the IdP again.
    expect(refreshCalls()).toBe(1);
  });

  it('25 replays of a rejected cookie make 1 IdP call (the dead token is remembered)', async () => {
    const runtime = makeRuntime();
    const tokens = await signInAlice();
    const revoke = await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const dead = await sealedCookieHeader(runtime, await expire(tokens));
    idp.resetStats();
    for (let replay = 0; replay < 25; replay++) {
      const result = await routeHandler(runtime, dead);
      expect(result.user).toBe('UserUnAuthenticated');
      expect(result.setCookies).toHaveLength(1);
      expect(result.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    }
    expect(await serverComponentRender(runtime, dead)).toBe('UserUnAuthenticated');
    expect(refreshCalls()).toBe(1);
    expect(events).toEqual([{ name: 'tokenRefresh_failure', event: { user: expect.objectContaining({ username: 'alice@example.com' }), reason: 'rejected' } }]);
  });

  it('sign-out ends the chain in this process: the stale predecessor, the signed-out cookie and a copy of it get no session, and none reaches the IdP', async () => {
    const runtime = withRefresher(makeRuntime(60), {});
    const stale = await sealedCookieHeader(runtime, await expire(await signInAlice()));
    const refreshed = await routeHandler(runtime, stale); // rotates the stale cookie's refresh token
    expect(refreshed.user).toMatchObject({ username: 'alice@example.com' });
    const current = cookieOf(refreshed.setCookies);
    expect(current).not.toBe('');

    const { POST } = createAuthRouteHandlersFor(runtime)({ redirectOnSignOutComplete: '/' });
    const signOut = await POST(new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie: current, origin: ORIGIN } }), {
      params: Promise.resolve({ slug: 'sign-out' }),
    });
    expect(signOut.status).toBe(303);
    expect(sessionValues(signOut.headers.getSetCookie())).toEqual([]);

    idp.resetStats();
    // The stale cookie was inside its grace window: the mapping went with the sign-out.
    expect((await routeHandler(runtime, stale)).user).toBe('UserUnAuthenticated');
    // A copy of the signed-out cookie (its access token still valid) reads as signed out here, and is cleared.
    const copy = await routeHandler(runtime, current);
    expect(copy.user).toBe('UserUnAuthenticated');
    expect(copy.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    expect(await serverComponentRender(runtime, current)).toBe('UserUnAuthenticated');
    expect(refreshCalls()).toBe(0);
  });

  it("a refresh that answers with another user's tokens (sub swap) drops the session: signed out, cookies cleared, tokenRefresh_failure, nothing remembered", async () => {
    const base = makeRuntime();
    const alice = await signInAlice();
    const bob = await signIn('bob@example.com', 'bob-password');
    const real = idpRefreshGrant(base);
    // A real token endpoint answering for the wrong grant: asked for alice's refresh, it returns bob's tokens.
    const runtime = withRefresher(base, { grant: (rt) => real(rt === alice.refreshToken ? bob.refreshToken! : rt) });
    const cookie = await sealedCookieHeader(runtime, await expire(alice));
    idp.resetStats();
    events.length = 0;
    const result = await routeHandler(runtime, cookie);
    expect(result.user).toBe('UserUnAuthenticated');
    expect(result.exp).toBeUndefined();
    expect(result.setCookies).toHaveLength(1);
    expect(result.setCookies[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
    expect(refreshCalls()).toBe(1); // bob's grant really was refreshed at the IdP…
    expect(events).toEqual([{ name: 'tokenRefresh_failure', event: { user: expect.objectContaining({ username: 'alice@example.com' }), reason: 'rejected' } }]);
    // …but his tokens are mapped to nobody: replays are refused here.
    expect((await routeHandler(runtime, cookie)).user).toBe('UserUnAuthenticated');
    expect(await serverComponentRender(runtime, cookie)).toBe('UserUnAuthenticated');
    expect(refreshCalls()).toBe(1);
    expect(runtime.refresher.stats().recent).toBe(0);
  });
});
