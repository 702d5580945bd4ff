// DPoP (RFC 9449) on the refresh paths outside the auth routes: the guard
// (proxy.ts / edge middleware) and the refresh coordinated across instances
// through a shared store, and server-side sessions. The dev IdP refuses any
// token request without a proof (dpop_bound_access_tokens) and its userinfo
// refuses a bound token without a proof of its key, so a refreshed session
// whose key got lost on the way cannot read userinfo.
import { decodeJwt } from 'jose';
import { NextRequest } from 'next/server.js';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import type { AnyRedisClient } from '../redis/RedisStoreOptions.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { captureCallback, callRoute } from '../routes/__tests__/signInFlow.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { TokenSet } from '../session/TokenSet.js';
import { importDPoPKey } from '../tokens/importDPoPKey.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchUserAttributes } from './fetchUserAttributes.js';
import { cookieOf, sessionValues } from './__tests__/expiredSession.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'dpop-refresh-client';
const SECRET = 'dpop-refresh-secret-dpop-refresh-secret-0123456';
const ACCESS_TTL = 2;
const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let idp: DevIdp;
let redis: StartedRedis;
let store: AuthStore;
let raw: AnyRedisClient;
const prefix = `nsa-dpop-${process.pid}`;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    dpop: true,
    accessTokenTtl: ACCESS_TTL,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix });
  raw = createClient({ url: redis.url }) as unknown as AnyRedisClient;
  await raw.connect();
});
afterAll(async () => {
  await (raw as unknown as { quit(): Promise<unknown> } | undefined)?.quit();
  await store?.close();
  await redis?.stop();
  await idp?.close();
});
beforeEach(() => idp.resetStats());

function runtimeOf(options: { store?: boolean; server?: boolean } = {}): AuthRuntime {
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'offline_access'], dpop: true } },
    { secret: SECRET, origin: ORIGIN, ...(options.store || options.server ? { store } : {}), ...(options.server ? { session: { codec: 'server' as const } } : {}) },
    {},
  );
  // Each runtime its own refresher memory, as separate instances have.
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
}

/** Every value in Redis, as text. */
async function redisValues(): Promise<string[]> {
  const out: string[] = [];
  for (const key of (await raw.keys('*')) as string[]) {
    const type = String(await raw.type(key));
    out.push(key, type === 'set' ? ((await raw.sMembers(key)) as string[]).join(',') : type === 'string' ? String(await raw.get(key)) : type);
  }
  return out;
}

/** Signs alice in through the auth routes (a DPoP code exchange); waits until her access token has expired. */
async function expiredSessionCookie(runtime: AuthRuntime): Promise<string> {
  const handlers = createAuthRouteHandlersFor(runtime)();
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  const signedInAt = Date.now();
  const callback = await callRoute(handlers, callbackUrl.href, cookie);
  expect(callback.status).toBe(303);
  const after = signedInAt + ACCESS_TTL * 1000 + 1000;
  while (Date.now() < after) await new Promise((resolve) => setTimeout(resolve, after - Date.now()));
  // The sealed codec's chunks, or the server codec's session id.
  return cookieOf(callback.headers.getSetCookie()) || callback.headers.getSetCookie().filter((l) => /^nsa\.sid=[^;]/.test(l)).map((l) => l.split(';')[0]).join('; ');
}

async function tokensOf(runtime: AuthRuntime, cookie: string): Promise<TokenSet | undefined> {
  return (await runtime.codec.read(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: { cookie } }), new Response(null))))?.tokens;
}

describe('DPoP refreshes outside the auth routes', () => {
  it('the guard refreshes an expired DPoP session with a proof: one refresh_token call the IdP accepts, the new tokens bound to the same key', async () => {
    const runtime = runtimeOf();
    const cookie = await expiredSessionCookie(runtime);
    const before = (await tokensOf(runtime, cookie))!;
    const guard = createAuthGuardFor(runtime)({ rules: [{ path: '/dashboard' }] });
    idp.resetStats();
    const response = await guard(new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie } }));
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    const written = sessionValues(response.headers.getSetCookie());
    expect(written.length).toBeGreaterThan(0);
    const after = (await tokensOf(runtime, cookieOf(written)))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.dpopKey).toBe(before.dpopKey);
    expect((decodeJwt(after.accessToken).cnf as { jkt: string }).jkt).toBe((await importDPoPKey(before.dpopKey!)).jkt);
  });

  it('a store-coordinated refresh of a DPoP session across three instances: one refresh_token call, and every instance gets the key with the result (userinfo with a proof works on each)', async () => {
    const instances = [runtimeOf({ store: true }), runtimeOf({ store: true }), runtimeOf({ store: true })];
    const cookie = await expiredSessionCookie(instances[0]!);
    idp.resetStats();
    const emails = await Promise.all(
      instances.flatMap((runtime) =>
        [1, 2, 3].map(() =>
          createRunWithServerContext(runtime)({
            nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
            operation: async (ctx) => (await fetchUserAttributes(ctx)).email,
          }),
        ),
      ),
    );
    expect(emails).toEqual(Array(9).fill('alice@example.com'));
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });

  it('server-side sessions (codec "server") keep the key only sealed in the store: the cookie is an id, Redis holds no key member, and refresh + userinfo work', async () => {
    const runtime = runtimeOf({ server: true });
    const cookie = await expiredSessionCookie(runtime);
    expect(cookie.length).toBeLessThan(200);
    const tokens = (await tokensOf(runtime, cookie))!;
    const [, x, y, d] = tokens.dpopKey!.split('.');
    const values = await redisValues();
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) for (const member of [x!, y!, d!]) expect(value).not.toContain(member);
    idp.resetStats();
    const email = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
      operation: async (ctx) => (await fetchUserAttributes(ctx)).email,
    });
    expect(email).toBe('alice@example.com');
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });
});
