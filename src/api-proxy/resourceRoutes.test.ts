import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { cookieOf } from '../context/__tests__/expiredSession.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import type { ApiProxy } from './ApiProxy.js';
import { createApiProxyFor } from './createApiProxy.js';
import { startUpstream } from './__tests__/startUpstream.js';
import type { TestUpstream } from './__tests__/startUpstream.js';

// createApiProxy routes with `resource` (RFC 8707): each upstream gets a
// token of its own audience, from the real dev IdP (resource indicators
// enforced, rotation on), sent to a real loopback upstream.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'proxy-resource-client';
const SECRET = 'proxy-resource-secret-proxy-resource-secret-01234';
const ORDERS = 'https://orders.example.test';
const BILLING = 'https://billing.example.test';

let idp: DevIdp;
let upstream: TestUpstream;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    resources: { [ORDERS]: { scope: 'orders:read orders:write' }, [BILLING]: { scope: 'billing:read' } },
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream?.close();
  await idp?.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
  upstream.rejectTokens.clear();
  idp.resetStats();
});

function app(): { runtime: AuthRuntime; proxy: ApiProxy } {
  const base = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'orders:read', 'orders:write', 'billing:read'], resources: [ORDERS, BILLING] } },
    { secret: SECRET, origin: ORIGIN },
    {},
  );
  const runtime = { ...base, refresher: createRuntimeRefresher(base, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
  const proxy = createApiProxyFor(runtime)({
    routes: {
      '/api/proxy/orders': { url: `${upstream.origin}/v1/orders`, resource: ORDERS },
      '/api/proxy/orders-ro': { url: `${upstream.origin}/v1/orders`, resource: ORDERS, scopes: ['orders:read'] },
      '/api/proxy/billing': { url: `${upstream.origin}/v1/billing`, resource: BILLING },
      '/api/proxy/own': `${upstream.origin}/v1/own`,
    },
  });
  return { runtime, proxy };
}

async function signIn(runtime: AuthRuntime): Promise<string> {
  const handlers = createAuthRouteHandlersFor(runtime)({});
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, { username: 'alice@example.com', password: 'alice-password' });
  return cookieOf((await callRoute(handlers, callbackUrl.href, cookie)).headers.getSetCookie());
}

const get = (proxy: ApiProxy, path: string, cookie: string) => proxy.GET(new Request(`${ORIGIN}${path}`, { headers: { cookie } }));
const audSeen = () => upstream.seen.map((s) => decodeJwt(s.token!).aud);

describe('createApiProxy routes with a resource (RFC 8707)', () => {
  it('token confusion: each upstream gets a token of its own audience; the orders API never sees the billing token, nor the session token', async () => {
    const { runtime, proxy } = app();
    let cookie = await signIn(runtime);
    for (const path of ['/api/proxy/orders/1', '/api/proxy/billing/2', '/api/proxy/own/3', '/api/proxy/orders-ro/4']) {
      const answer = await get(proxy, path, cookie);
      expect(answer.status).toBe(200);
      const written = cookieOf(answer.headers.getSetCookie());
      if (written) cookie = written;
    }
    expect(audSeen()).toEqual([ORDERS, BILLING, CLIENT_ID, ORDERS]);
    expect(decodeJwt(upstream.seen[3]!.token!).scope).toBe('orders:read');
    expect(new Set(upstream.seen.map((s) => s.token)).size).toBe(4);
  });

  it('an upstream 401 gets one new resource token (never the refused one) and one retry', async () => {
    const { runtime, proxy } = app();
    const cookie = await signIn(runtime);
    const first = await get(proxy, '/api/proxy/orders/1', cookie);
    const refused = upstream.seen[0]!.token!;
    upstream.rejectTokens.add(refused);
    upstream.seen.length = 0;
    idp.resetStats();
    const answer = await get(proxy, '/api/proxy/orders/1', cookieOf(first.headers.getSetCookie()) || cookie);
    expect(answer.status).toBe(200);
    expect(upstream.seen.map((s) => s.token === refused)).toEqual([true, false]);
    expect(decodeJwt(upstream.seen[1]!.token!).aud).toBe(ORDERS);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
  });

  it('a resource the session was not granted at sign-in → 403 resource_not_granted JSON, the upstream never called, not a 500', async () => {
    const REPORTS = 'https://reports.example.test';
    // No rotation: oidc-provider 9 rotates before it checks the resource (see getAccessToken's tests).
    const keep = await startDevIdp({
      port: 0,
      quiet: true,
      mode: 'oidc',
      rotateRefreshToken: false,
      resources: { [ORDERS]: { scope: 'orders:read' }, [REPORTS]: { scope: 'reports:read' } },
      clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
    });
    try {
      const runtimeFor = (resources: string[]) => {
        const base = createAuthRuntime({ oidc: { issuer: keep.issuer, clientId: CLIENT_ID, scopes: ['openid', 'orders:read', 'reports:read'], resources } }, { secret: SECRET, origin: ORIGIN }, {});
        return { ...base, refresher: createRuntimeRefresher(base, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
      };
      const cookie = await signIn(runtimeFor([ORDERS]));
      // The app added REPORTS after this user signed in.
      const later = createApiProxyFor(runtimeFor([ORDERS, REPORTS]))({ routes: { '/api/proxy/reports': { url: `${upstream.origin}/v1/reports`, resource: REPORTS } } });
      const answer = await get(later, '/api/proxy/reports/1', cookie);
      expect(answer.status).toBe(403);
      expect(answer.headers.get('cache-control')).toBe('private, no-store');
      expect(await answer.json()).toEqual({ error: 'resource_not_granted' });
      expect(answer.headers.getSetCookie()).toEqual([]);
      expect(upstream.seen).toEqual([]);
    } finally {
      await keep.close();
    }
  });

  it('signed out → 401 JSON, the upstream never called', async () => {
    const { proxy } = app();
    const answer = await get(proxy, '/api/proxy/orders/1', '');
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: 'unauthenticated' });
    expect(upstream.seen).toEqual([]);
  });

  it('a route resource not in oidc.resources, or scopes without a resource, is InvalidConfig naming the route', () => {
    const { runtime } = app();
    const make = createApiProxyFor(runtime);
    expect(() => make({ routes: { '/api/x': { url: 'https://x.example.test', resource: 'https://other.example.test' } } })).toThrow(
      expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining("createApiProxy.routes['/api/x'].resource") }),
    );
    expect(() => make({ routes: { '/api/x': { url: 'https://x.example.test', scopes: ['a'] } } })).toThrow(/routes\['\/api\/x'\]\.scopes needs a resource/);
    expect(() => make({ routes: { '/api/x': { url: 'https://x.example.test', resource: ORDERS, scopes: [] } } })).toThrow(/scopes must be/);
    expect(() => make({ routes: { '/api/x': { url: 'http://x.example.test', resource: ORDERS } } })).toThrow(/https/);
  });
});
