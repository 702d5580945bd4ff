import { afterEach, describe, expect, it } from 'vitest';
import type { OidcProviderConfig } from '../config/types.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

// The dev IdP in oidc mode behaves like a standard provider: a refresh token
// only for offline_access. Access tokens live ACCESS_TTL seconds.
const ACCESS_TTL = 3;
const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let app: AuthApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function startGenericApp(extra: Partial<OidcProviderConfig['oidc']> = {}): Promise<AuthApp> {
  return startAuthApp({
    adapter: 'app',
    idp: { mode: 'oidc', accessTokenTtl: ACCESS_TTL },
    // No flavor: a non-Cognito issuer is generic.
    runner: (idp, origin) => ({ config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, ...extra } }, runtimeOptions: { secret: TEST_SECRET, origin } }),
  });
}

/** Signs alice in through the app's routes; returns the scope the app asked the IdP for. */
async function signIn(browser: BrowserLike): Promise<{ scope: string | null; signedInAt: number }> {
  const { response, body, trail } = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
  expect(response.status).toBe(200);
  expect(JSON.parse(body)).toMatchObject({ username: 'alice@example.com', email: 'alice@example.com' });
  const authorize = trail.find((url) => url.pathname === '/oauth2/authorize');
  return { scope: authorize?.searchParams.get('scope') ?? null, signedInAt: Date.now() };
}

/** Waits until an access token issued before `issuedBy` (epoch ms) has certainly expired (`exp` ≤ issue time + TTL). */
async function untilExpired(issuedBy: number): Promise<void> {
  const after = issuedBy + ACCESS_TTL * 1000 + 1;
  while (Date.now() < after) await new Promise((resolve) => setTimeout(resolve, after - Date.now()));
}

describe('refresh with a generic OIDC provider', () => {
  it('a generic-OIDC session refreshes when its access token expires: offline_access asked, one refresh call at the IdP', async () => {
    app = await startGenericApp();
    const browser = new BrowserLike(app.origin);
    const { scope, signedInAt } = await signIn(browser);
    expect(scope).toBe('openid email profile offline_access');

    await untilExpired(signedInAt);
    app.idp.resetStats();
    const read = await browser.navigate('/me');
    expect(read.response.status).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ username: 'alice@example.com' });
    expect(app.idp.stats().tokenCalls.refresh_token).toBe(1);

    // The refreshed session was written back: the next read uses it, no second refresh.
    const again = await browser.navigate('/me');
    expect(again.response.status).toBe(200);
    expect(app.idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(app.statuses).not.toContain(500);
  });

  it('without offline_access (offlineAccess: false) the IdP issues no refresh token and the session ends at expiry: signed out, no 500', async () => {
    app = await startGenericApp({ offlineAccess: false });
    const browser = new BrowserLike(app.origin);
    const { scope, signedInAt } = await signIn(browser);
    expect(scope).toBe('openid email profile');

    await untilExpired(signedInAt);
    app.idp.resetStats();
    const read = await browser.navigate('/me');
    expect(read.response.status).toBe(401);
    expect(read.body).toBe('UserUnAuthenticated');
    expect(app.idp.stats().tokenCalls.total).toBe(0);
    expect(app.statuses).not.toContain(500);
  });
});
