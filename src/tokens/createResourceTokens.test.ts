import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { cookieOf } from '../context/__tests__/expiredSession.js';
import type { TokenSet } from '../session/TokenSet.js';
import { createResourceTokens } from './createResourceTokens.js';
import { resourceTokenGrant } from './resourceTokenGrant.js';

// The cache's clock is injected (`now`); the tokens are the dev IdP's real ones.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'resource-cache-client';
const ORDERS = 'https://orders.example.test';
const BILLING = 'https://billing.example.test';
const TTL = 300;

let idp: DevIdp;
let runtime: AuthRuntime;
let session: TokenSet & { refreshToken: string };
let sub: string;

beforeAll(async () => {
  // No rotation: the same refresh token is presented each time, so only the cache decides.
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    rotateRefreshToken: false,
    resources: { [ORDERS]: { scope: 'orders:read', accessTokenTtl: TTL }, [BILLING]: { scope: 'billing:read', accessTokenTtl: TTL } },
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'orders:read', 'billing:read'], resources: [ORDERS, BILLING] } },
    { secret: 'resource-cache-secret-resource-cache-secret-0123', origin: ORIGIN },
    {},
  );
  const handlers = createAuthRouteHandlersFor(runtime)({});
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, { username: 'alice@example.com', password: 'alice-password' });
  const done = await callRoute(handlers, callbackUrl.href, cookie);
  const read = await runtime.codec.read(createCookieStoreFromFetchApi(new Request(ORIGIN, { headers: { cookie: cookieOf(done.headers.getSetCookie()) } }), new Response()));
  session = read!.tokens as TokenSet & { refreshToken: string };
  sub = read!.idToken.payload.sub as string;
});
afterAll(() => idp?.close());
beforeEach(() => idp.resetStats());

function tokens(clock: { t: number }, maxEntries = 100) {
  const refresher = createRuntimeRefresher(runtime, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } });
  return createResourceTokens({
    refresher,
    grant: async (rt, request, who) => resourceTokenGrant(runtime.config, await runtime.endpoints(), runtime.verifier, rt, request, { timeoutMs: 5000, sub: who }),
    secrets: { 1: 'resource-cache-secret-resource-cache-secret-0123' },
    leewayMs: 30_000,
    maxEntries,
    now: () => clock.t,
  });
}

const calls = () => idp.stats().tokenCalls.refresh_token;
const tokenOf = (value: unknown) => (value as { token: string }).token;

describe('createResourceTokens (cache)', () => {
  it('a token is reused until its leeway before expiry, then renewed with one grant', async () => {
    const clock = { t: Date.now() };
    const cache = tokens(clock);
    const first = await cache.get(session, { resource: ORDERS }, sub);
    const { expiresAt } = first.value as { expiresAt: number };
    expect(calls()).toBe(1);
    clock.t = expiresAt - 31_000;
    expect(tokenOf((await cache.get(session, { resource: ORDERS }, sub)).value)).toBe(tokenOf(first.value));
    expect(calls()).toBe(1);
    clock.t = expiresAt - 29_000;
    const renewed = await cache.get(session, { resource: ORDERS }, sub);
    expect(calls()).toBe(2);
    expect(decodeJwt(tokenOf(renewed.value)).aud).toBe(ORDERS);
  });

  it('scopes are part of the key: a narrower request is its own token, never the broader one', async () => {
    const clock = { t: Date.now() };
    const cache = tokens(clock);
    const broad = await cache.get(session, { resource: ORDERS }, sub);
    const narrow = await cache.get(session, { resource: ORDERS, scope: 'orders:read' }, sub);
    expect(calls()).toBe(2);
    expect(tokenOf(narrow.value)).not.toBe(tokenOf(broad.value));
  });

  it('memory is bounded: past maxEntries the oldest token goes (and is fetched again when asked)', async () => {
    const clock = { t: Date.now() };
    const cache = tokens(clock, 1);
    await cache.get(session, { resource: ORDERS }, sub);
    await cache.get(session, { resource: BILLING }, sub);
    await cache.get(session, { resource: BILLING }, sub);
    expect(calls()).toBe(2);
    await cache.get(session, { resource: ORDERS }, sub);
    expect(calls()).toBe(3);
  });

  it('another user’s grant never reads this cache: a different refresh token is a different key', async () => {
    const clock = { t: Date.now() };
    const cache = tokens(clock);
    await cache.get(session, { resource: ORDERS }, sub);
    // A made-up refresh token (another session): not served from the cache, the IdP refuses it.
    await expect(cache.get({ ...session, refreshToken: 'not-this-users-token' }, { resource: ORDERS }, sub)).rejects.toMatchObject({ code: 'RefreshTokenRejected' });
    expect(calls()).toBe(2);
  });
});
