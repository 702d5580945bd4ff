import { parseSetCookie } from 'cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmplifyOutputs } from '../config/types.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

const P = `CognitoIdentityServiceProvider.${TEST_CLIENT_ID}`;
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const ALICE_NAMES = ['LastAuthUser', 'alice%40example.com.accessToken', 'alice%40example.com.idToken', 'alice%40example.com.refreshToken'].map((k) => `${P}.${k}`);

/** What `npx ampx generate outputs` writes for a pool with a hosted UI; nothing in it is ever contacted here. */
function outputsFor(origin: string): AmplifyOutputs {
  return {
    version: '1.4',
    auth: {
      user_pool_id: 'us-east-1_DevPool01',
      aws_region: 'us-east-1',
      user_pool_client_id: TEST_CLIENT_ID,
      oauth: {
        domain: 'my-app.auth.us-east-1.amazoncognito.com',
        scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
        redirect_sign_in_uri: [`${origin}/api/auth/sign-in-callback`],
        redirect_sign_out_uri: [`${origin}/api/auth/sign-out-callback`],
        response_type: 'code',
      },
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cookieHeader = (browser: BrowserLike, origin: string): string => browser.jar.header(new URL(origin));

describe.each(['app', 'pages'] as const)('amplify_outputs.json + runtimeOptions.cognito.userPoolEndpoint against the dev IdP (%s router adapter)', (adapter) => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp({
      adapter,
      runner: (idp, origin) => ({
        config: outputsFor(origin),
        runtimeOptions: { secret: TEST_SECRET, origin, session: { codec: 'amplify' }, cognito: { userPoolEndpoint: idp.issuer } },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signs in through the route handlers, reads the session and signs out at the local endpoint', async () => {
    const browser = new BrowserLike(app.origin);
    const signedIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(signedIn.response.status).toBe(200);
    expect(JSON.parse(signedIn.body)).toMatchObject({ username: 'alice@example.com', email: 'alice@example.com', groups: ['ADMINS'] });
    const authorize = signedIn.trail.find((u) => u.origin === app.idp.issuer)!;
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(signedIn.trail.every((u) => u.origin === app.origin || u.origin === app.idp.issuer)).toBe(true);
    expect(browser.appCookies()).toEqual(ALICE_NAMES);
    expect(app.idp.stats().tokenCalls.authorization_code).toBe(1);

    app.idp.resetStats();
    const signedOut = await browser.navigate('/api/auth/sign-out', undefined, { method: 'POST', headers: { origin: app.origin } });
    expect(signedOut.url.href).toBe(`${app.origin}/signed-out`);
    const logout = signedOut.trail.find((u) => u.origin === app.idp.issuer)!;
    expect(logout.pathname).toBe('/logout');
    expect(Object.fromEntries(logout.searchParams)).toEqual({ client_id: TEST_CLIENT_ID, logout_uri: `${app.origin}/api/auth/sign-out-callback` });
    expect(app.idp.stats()).toMatchObject({ revocations: 1, logouts: 1 });
    expect(browser.appCookies()).toEqual([]);
    expect((await browser.navigate('/me')).response.status).toBe(401);
  });

  it("tokens of another issuer (a second IdP that knows the same client) are not accepted: the issuer is the endpoint's, exactly", async () => {
    const other = await startDevIdp({ port: 0, quiet: true, clients: [{ clientId: TEST_CLIENT_ID, redirectUris: [`${app.origin}/cb`], postLogoutRedirectUris: [] }] });
    try {
      const t = await signInWithPassword({ issuer: other.issuer, clientId: TEST_CLIENT_ID, redirectUri: `${app.origin}/cb`, ...ALICE });
      const cookie = [`${P}.LastAuthUser=alice@example.com`, `${P}.alice%40example.com.idToken=${t.idToken}`, `${P}.alice%40example.com.accessToken=${t.accessToken}`].join('; ');
      expect((await fetch(`${app.origin}/me`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it("the amplify codec's cookies live 365 days by default (Amplify's own lifetime): switching signs nobody out early", async () => {
    // The sign-in callback wrote the cookies: read their lifetime from a fresh sign-in's callback.
    const fresh = new BrowserLike(app.origin);
    const trail: Response[] = [];
    const originalFetch = fresh.jar.fetch.bind(fresh.jar);
    fresh.jar.fetch = async (url, init) => {
      const response = await originalFetch(url, init);
      trail.push(response);
      return response;
    };
    await fresh.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    const callback = trail.find((r) => r.headers.getSetCookie().some((l) => l.startsWith(`${P}.LastAuthUser=`)))!;
    const lines = callback.headers.getSetCookie().map((l) => parseSetCookie(l, { decode: (raw) => raw })).filter((c) => c.name.startsWith(P));
    expect(lines.map((c) => c.name).sort()).toEqual(ALICE_NAMES);
    for (const c of lines) expect(c.maxAge).toBe(365 * 24 * 3600);
  });

  it('planted duplicate Amplify cookie reads as signed out where the raw Cookie header is visible', async () => {
    const browser = new BrowserLike(app.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    const cookie = cookieHeader(browser, app.origin);
    expect((await fetch(`${app.origin}/me`, { headers: { cookie } })).status).toBe(200);
    // A sibling subdomain plants its own copy of the ID token cookie (e.g. another user's, validly signed).
    const bob = await signInWithPassword({ issuer: app.idp.issuer, clientId: TEST_CLIENT_ID, redirectUri: `${app.origin}/api/auth/sign-in-callback`, username: 'bob@example.com', password: 'bob-password' });
    const planted = `${P}.alice%40example.com.idToken=${bob.idToken}`;
    expect((await fetch(`${app.origin}/me`, { headers: { cookie: `${planted}; ${cookie}` } })).status).toBe(401);
    expect((await fetch(`${app.origin}/me`, { headers: { cookie: `${cookie}; ${P}.LastAuthUser=alice@example.com` } })).status).toBe(401);
  });

  it('sign-out deletes raw-@ and raw-parenthesis Amplify cookie names (adapter-nextjs 1.6 / 1.8 leftovers)', async () => {
    const browser = new BrowserLike(app.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    const leftovers = [`${P}.alice@example.com.idToken`, `${P}.alice@example.com.clockDrift`, `${P}.user(1)@example.com.refreshToken`, `${P}.user(1)@example.com.signInDetails`];
    const cookie = [cookieHeader(browser, app.origin), ...leftovers.map((n) => `${n}=old`)].join('; ');
    app.idp.resetStats();
    const response = await fetch(`${app.origin}/api/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { origin: app.origin, cookie } });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).pathname).toBe('/logout');
    expect(app.idp.stats().revocations).toBe(1);
    const expired = response.headers.getSetCookie()
      .map((l) => parseSetCookie(l, { decode: (raw) => raw }))
      .filter((c) => c.maxAge === 0 && c.value === '')
      .map((c) => c.name);
    expect(expired.sort()).toEqual([...ALICE_NAMES, ...leftovers].sort());
  });
});

describe('an expired ID token beside a fresh access token (route handlers, amplify codec)', () => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp({
      adapter: 'pages',
      // The access token is good for an hour, the ID token (identity, groups) for two seconds.
      idp: { accessTokenTtl: 3600, idTokenTtl: 2 },
      runner: (idp, origin) => ({
        config: outputsFor(origin),
        runtimeOptions: { secret: TEST_SECRET, origin, session: { codec: 'amplify' }, cognito: { userPoolEndpoint: idp.issuer } },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('expired ID token beside a fresh access token does not authorise: refreshed when there is a refresh token, else signed out', async () => {
    const browser = new BrowserLike(app.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    const cookie = cookieHeader(browser, app.origin);
    await sleep(2100);
    const noRefreshToken = cookie.split('; ').filter((c) => !c.startsWith(`${P}.alice%40example.com.refreshToken=`)).join('; ');
    app.idp.resetStats();
    expect((await fetch(`${app.origin}/me`, { headers: { cookie: noRefreshToken } })).status).toBe(401);
    expect(app.idp.stats().tokenCalls.refresh_token).toBe(0);

    const refreshed = await fetch(`${app.origin}/me`, { headers: { cookie } });
    expect(refreshed.status).toBe(200);
    expect(app.idp.stats().tokenCalls.refresh_token).toBe(1);
    const newId = refreshed.headers.getSetCookie().map((l) => parseSetCookie(l)).find((c) => c.name === `${P}.alice%40example.com.idToken`);
    expect(newId?.value).toMatch(/^eyJ/);
    expect(cookie).not.toContain(newId!.value!);
  });
});
