// private_key_jwt on the refresh paths that do not go through the auth
// routes: the guard (proxy.ts / edge middleware) and the refresh coordinated
// across instances through a shared store. The IdP authenticates every
// refresh_token call against the client's registered public key.
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { captureCallback, callRoute } from '../routes/__tests__/signInFlow.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { getCurrentUser } from './getCurrentUser.js';
import { cookieOf, sessionValues } from './__tests__/expiredSession.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'pkjwt-refresh-client';
const SECRET = 'pkjwt-refresh-secret-pkjwt-refresh-secret-012345';
const ACCESS_TTL = 2;
const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let idp: DevIdp;
let redis: StartedRedis;
let store: AuthStore;
let clientPrivateKey: JWK;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  clientPrivateKey = await exportJWK(privateKey);
  const publicJwk = await exportJWK(publicKey);
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    accessTokenTtl: ACCESS_TTL,
    clients: [
      {
        clientId: CLIENT_ID,
        redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`],
        postLogoutRedirectUris: [`${ORIGIN}/`],
        tokenEndpointAuthMethod: 'private_key_jwt',
        // With the kid our assertions carry (the RFC 7638 thumbprint, as /api/auth/jwks publishes it).
        jwks: { keys: [{ ...publicJwk, kid: await calculateJwkThumbprint(publicJwk) } as JsonWebKey] },
      },
    ],
  });
  redis = await startRedis();
  store = createRedisStore({ url: redis.url, prefix: `nsa-pkjwt-${process.pid}` });
});
afterAll(async () => {
  await store?.close();
  await redis?.stop();
  await idp?.close();
});
beforeEach(() => idp.resetStats());

function runtimeOf(withStore: boolean): AuthRuntime {
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, clientPrivateKey: clientPrivateKey as JsonWebKey } },
    { secret: SECRET, origin: ORIGIN, ...(withStore ? { store } : {}) },
    {},
  );
  // Each runtime its own refresher memory, as separate instances have.
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
}

/** Signs alice in through the auth routes (code exchange with a client assertion); waits until her access token has expired. */
async function expiredSessionCookie(runtime: AuthRuntime): Promise<string> {
  const handlers = createAuthRouteHandlersFor(runtime)();
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  const signedInAt = Date.now();
  const callback = await callRoute(handlers, callbackUrl.href, cookie);
  expect(callback.status).toBe(303);
  expect(idp.stats().tokenCalls.authorization_code).toBe(1);
  const after = signedInAt + ACCESS_TTL * 1000 + 1000;
  while (Date.now() < after) await new Promise((resolve) => setTimeout(resolve, after - Date.now()));
  return cookieOf(callback.headers.getSetCookie());
}

describe('private_key_jwt refreshes outside the auth routes', () => {
  it('the guard refreshes an expired private_key_jwt session: one refresh_token call the IdP accepts, new session cookies on the response and the request', async () => {
    const runtime = runtimeOf(false);
    const cookie = await expiredSessionCookie(runtime);
    const guard = createAuthGuardFor(runtime)({ rules: [{ path: '/dashboard' }] });
    idp.resetStats();
    const response = await guard(new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie } }));
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    const written = sessionValues(response.headers.getSetCookie());
    expect(written.length).toBeGreaterThan(0);
    expect(cookieOf(written)).not.toBe(cookie);
    // Forwarded on the request too, so the same request's server components see the refreshed session.
    expect(response.headers.get('x-middleware-request-cookie')).toContain(cookieOf(written).split('; ')[0]);
  });

  it('a store-coordinated refresh of a private_key_jwt session across three instances: one refresh_token call the IdP accepts, alice everywhere', async () => {
    const instances = [runtimeOf(true), runtimeOf(true), runtimeOf(true)];
    const cookie = await expiredSessionCookie(instances[0]!);
    idp.resetStats();
    const users = await Promise.all(
      instances.flatMap((runtime) =>
        [1, 2, 3].map(() =>
          createRunWithServerContext(runtime)({
            nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
            operation: async (ctx) => (await getCurrentUser(ctx)).username,
          }),
        ),
      ),
    );
    expect(users).toEqual(Array(9).fill('alice@example.com'));
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });
});
