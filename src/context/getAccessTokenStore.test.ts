import { decodeJwt } from 'jose';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getAccessToken } from './getAccessToken.js';
import { cookieOf, sessionValues } from './__tests__/expiredSession.js';

// Several instances of one app (each its own runtime and refresher memory,
// hence its own resource-token cache) sharing one Redis, against the dev IdP
// in oidc mode with resource indicators enforced and rotation on.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'resource-store-client';
const SECRET = 'resource-store-secret-resource-store-secret-012345';
const ORDERS = 'https://orders.example.test';
const BILLING = 'https://billing.example.test';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const prefix = `nsa-res-${process.pid}`;

let idp: DevIdp;
let redis: StartedRedis;
let store: AuthStore;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    resources: { [ORDERS]: { scope: 'orders:read' }, [BILLING]: { scope: 'billing:read' } },
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix });
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
  await idp?.close();
});
beforeEach(() => idp.resetStats());

function instance(): AuthRuntime {
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'orders:read', 'billing:read'], resources: [ORDERS, BILLING] } },
    { secret: SECRET, origin: ORIGIN, store },
    {},
  );
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
}

async function signIn(runtime: AuthRuntime): Promise<string> {
  const handlers = createAuthRouteHandlersFor(runtime)({});
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  return cookieOf((await callRoute(handlers, callbackUrl.href, cookie)).headers.getSetCookie());
}

async function route<T>(runtime: AuthRuntime, cookie: string, operation: (ctx: ContextSpec) => Promise<T>) {
  const response = new Response(null);
  let result: T | string;
  try {
    result = await createRunWithServerContext(runtime)({ nextServerContext: { request: new Request(`${ORIGIN}/api/x`, { headers: { cookie } }), response }, operation });
  } catch (err) {
    if (!isAuthError(err)) throw err;
    result = err.code;
  }
  const lines = response.headers.getSetCookie();
  return { result, cookie: sessionValues(lines).length > 0 ? cookieOf(lines) : cookie };
}

const tokenFor = (runtime: AuthRuntime, cookie: string, resource: string) => route(runtime, cookie, (ctx) => getAccessToken(ctx, { resource }));
const tokenOf = (result: unknown) => (result as { token: string }).token;
const refreshCalls = () => idp.stats().tokenCalls.refresh_token;

describe('resource tokens across instances (one Redis)', () => {
  it('60 concurrent calls over 3 instances with one cookie make exactly 1 token-endpoint call; every instance hands out that token', async () => {
    const [a, b, c] = [instance(), instance(), instance()];
    const cookie = await signIn(a);
    // Every instance has read the session once (JWKS fetched, cookie cached): the storm reaches the grant at once.
    for (const warm of [b, c]) expect((await route(warm, cookie, async (ctx) => (await fetchAuthSession(ctx)).userSub)).result).toBeTypeOf('string');
    idp.resetStats();
    const all = await Promise.all(Array.from({ length: 60 }, (_, i) => tokenFor([a, b, c][i % 3]!, cookie, ORDERS)));
    expect(refreshCalls()).toBe(1);
    expect(new Set(all.map((r) => tokenOf(r.result))).size).toBe(1);
    expect(decodeJwt(tokenOf(all[0]!.result)).aud).toBe(ORDERS);
  });

  it('a token one instance obtained is read from the store by another (no IdP call), with the new cookie and with the stale one', async () => {
    const [a, b] = [instance(), instance()];
    const old = await signIn(a);
    const first = await tokenFor(a, old, ORDERS);
    expect(first.cookie).not.toBe(old);
    idp.resetStats();
    expect(tokenOf((await tokenFor(b, first.cookie, ORDERS)).result)).toBe(tokenOf(first.result));
    expect(tokenOf((await tokenFor(instance(), old, ORDERS)).result)).toBe(tokenOf(first.result));
    expect(refreshCalls()).toBe(0);
  });

  it('a rotation caused by a resource grant on one instance maps a stale cookie on another: its session refresh never replays the old refresh token, the grant survives', async () => {
    const [a, b] = [instance(), instance()];
    const old = await signIn(a);
    const granted = await tokenFor(a, old, ORDERS);
    idp.resetStats();
    // Instance b never saw the grant; the old cookie's forced refresh there maps to the rotated token through the store.
    const stale = await route(b, old, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect(stale.result).toBeTypeOf('string');
    // And a resource grant for another API on b with the old cookie continues from the successor.
    const billing = await tokenFor(instance(), old, BILLING);
    expect(decodeJwt(tokenOf(billing.result)).aud).toBe(BILLING);
    // The grant is alive: a fresh instance refreshes with the newest cookie.
    const fresh = await route(instance(), billing.cookie, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect(fresh.result).toBeTypeOf('string');
    expect(await route(instance(), granted.cookie, async (ctx) => (await fetchAuthSession(ctx)).userSub).then((r) => r.result)).toBeTypeOf('string');
  });

  it('Redis never holds a usable resource token: keys are hashes, values are seals', async () => {
    const a = instance();
    const cookie = await signIn(a);
    const { result } = await tokenFor(a, cookie, BILLING);
    const token = tokenOf(result);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const keys = await raw.keys(`${prefix}:*:res:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).toMatch(/^[A-Za-z0-9-]+:rt:[0-9a-f]{64}:res:[0-9a-f]{64}$/);
        expect(key).not.toContain(BILLING);
        const value = (await raw.get(key))!;
        expect(value).toMatch(/^Fe26\.2\*[A-Za-z0-9*_~-]+$/);
        expect(value).not.toMatch(/eyJ[\w-]*\.[\w-]*\./);
        for (const part of token.split('.').filter((p) => p.length >= 16)) expect(value).not.toContain(part);
      }
    } finally {
      await raw.quit();
    }
  });

  it('Redis down: the resource token still comes (per instance), no error, no sign-out', async () => {
    const a = instance();
    const cookie = await signIn(a);
    redis.freeze();
    try {
      const { result } = await tokenFor(a, cookie, ORDERS);
      expect(decodeJwt(tokenOf(result)).aud).toBe(ORDERS);
    } finally {
      redis.thaw();
    }
  });
});
