// The guard end to end in one process: a real runtime against the dev IdP,
// NextRequests as Next hands them to proxy.ts (pathname still percent-encoded).
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import type { AuthGuard } from './createAuthGuard.js';
import { createAuthGuardFor } from './createAuthGuard.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'guard-client';
const SECRET = 'guard-test-secret-guard-test-secret-0123456789';

let idp: DevIdp;
let guard: AuthGuard;
let statefulGuard: AuthGuard;
let alice: string;
let bob: string;

async function cookieFor(runtime: ReturnType<typeof createAuthRuntime>, username: string, password: string): Promise<string> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username, password });
  return sealedCookieHeader(runtime, { idToken: t.idToken, accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) });
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  const runtime = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {});
  const createAuthGuard = createAuthGuardFor(runtime);
  guard = createAuthGuard({ rules: [{ path: '/dashboard' }, { path: '/admin', groups: ['ADMINS'] }, { path: '/api/me' }, { path: /^\/reports\/\d+$/ }] });
  statefulGuard = createAuthGuard({ rules: [{ path: /^\/reports\/\d+$/g }, { path: /^\/ledger\/\d+$/y }] });
  [alice, bob] = await Promise.all([cookieFor(runtime, 'alice@example.com', 'alice-password'), cookieFor(runtime, 'bob@example.com', 'bob-password')]);
});

afterAll(async () => {
  await idp?.close();
});

const request = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  new NextRequest(`${ORIGIN}${path}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
/** Whether the guard let the request through to the page (NextResponse.next()). */
const passed = (response: Response) => response.headers.get('x-middleware-next') === '1';

describe('createAuthGuard: encoded paths', () => {
  it('signed out, /reports/%34%32 (rendered by Next as report 42) is redirected to sign-in like /reports/42', async () => {
    for (const path of ['/reports/42', '/reports/%34%32', '/reports/4%32']) {
      const response = await guard(request(path));
      expect(response.status, path).toBe(307);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${ORIGIN}/api/auth/sign-in`);
      expect(location.searchParams.get('returnTo')).toBe(path);
      expect(passed(response)).toBe(false);
    }
  });

  it('signed out, a percent-encoded static segment (/%64ashboard) is redirected to sign-in, not let through', async () => {
    const response = await guard(request('/%64ashboard'));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location')!).pathname).toBe('/api/auth/sign-in');
  });

  it('signed out, an encoded API path (/api/m%65, /%61pi/me) gets the 401 JSON of /api/me', async () => {
    for (const path of ['/api/m%65', '/%61pi/me']) {
      const response = await guard(request(path));
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ error: 'unauthenticated', message: 'Sign in to access this resource.' });
    }
  });

  it('encoded separators and malformed escapes under a protected rule get a 400 page, even signed in, and the session is not touched', async () => {
    for (const path of ['/reports/42%2F', '/dashboard%2F..', '/dashboard/%zz', '/reports/4%E0%A42', '/reports/42%00', '/reports/42;x', '/admin;x', '/reports/%2534%2532']) {
      for (const cookie of [undefined, alice]) {
        const response = await guard(request(path, cookie));
        expect(response.status, path).toBe(400);
        expect(passed(response)).toBe(false);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(response.headers.get('cache-control')).toBe('private, no-store');
        expect(await response.text()).toContain('data-testid="bad-path"');
      }
    }
  });

  it('an ambiguous API path under a protected rule (/api/me%2F..%2Fme) gets 401 JSON, never the route', async () => {
    for (const cookie of [undefined, alice]) {
      const response = await guard(request('/api/me%2F..%2Fme', cookie));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'unauthenticated' });
    }
  });

  it('an ambiguous path under no protected rule is let through (nothing to protect)', async () => {
    const response = await guard(request('/about%2F..'));
    expect(passed(response)).toBe(true);
  });

  it('signed in, the encoded spellings of a page the user may see are let through', async () => {
    for (const path of ['/reports/%34%32', '/%64ashboard', '/admin']) expect(passed(await guard(request(path, alice))), path).toBe(true);
  });

  it('a user without the group cannot reach /admin through an encoded spelling (/%61dmin): 403', async () => {
    const response = await guard(request('/%61dmin', bob));
    expect(response.status).toBe(403);
    const api = await guard(request('/%61dmin', bob, { 'next-action': 'abc' }));
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: 'forbidden' });
  });

  it('a /g or /y RegExp rule protects the path on every request (lastIndex does not let every other request through)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await statefulGuard(request('/reports/42'))).status);
      statuses.push((await statefulGuard(request('/ledger/7'))).status);
    }
    expect(statuses).toEqual(Array(12).fill(307));
  });
});
