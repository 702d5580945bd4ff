import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthEvents } from '../config/AuthEvents.js';
import { createAuthRuntime } from '../createServerRunner.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getCurrentUser } from './getCurrentUser.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

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

async function signInAlice(): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

/**
 * The same tokens with the access token made expired. It is re-signed by a
 * throwaway key: sealed sessions are authenticated by their seal, so the
 * library reads it exactly as it would a genuinely expired token.
 */
async function expire(tokens: TokenSet): Promise<TokenSet> {
  const payload = { ...decodeJwt(tokens.accessToken), exp: Math.floor(Date.now() / 1000) - 5 };
  const { privateKey } = await generateKeyPair('RS256');
  const kid = decodeProtectedHeader(tokens.accessToken).kid;
  const accessToken = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) }).sign(privateKey);
  return { ...tokens, accessToken };
}

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
});
