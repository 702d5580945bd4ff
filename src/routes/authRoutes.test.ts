import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerRunner } from '../createServerRunner.js';
import type { ServerRunner } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpMode } from '../dev-idp/index.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { getCurrentUser } from '../context/getCurrentUser.js';
import { isAuthError } from '../errors/AuthError.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { sendWebResponse } from './sendWebResponse.js';
import { toWebRequest } from './toWebRequest.js';

const SECRET = 'routes-secret-routes-secret-routes-secret-0123';
const CLIENT_ID = 'routes-client';

interface Stack {
  idp: DevIdp;
  /** Auth events the runner emitted, in order. */
  events: Array<{ name: string; event: unknown }>;
  origin: string;
  close(): Promise<void>;
}

/**
 * A real HTTP app on loopback whose auth routes are served either by the
 * Pages Router adapter (`handler(req, res)`) or the App Router one
 * (`GET/POST(request, { params })`), plus `/me`, against a real dev IdP.
 */
async function startStack(mode: DevIdpMode, adapter: 'pages' | 'app', codec: 'sealed' | 'amplify' = 'sealed'): Promise<Stack> {
  // Filled once the port (and so the origin) is known.
  const app: { runner?: ServerRunner; handlers?: ReturnType<ServerRunner['createAuthRouteHandlers']> } = {};
  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', origin);
    const slug = /^\/api\/auth\/([^/]+)$/.exec(url.pathname)?.[1];
    if (slug && adapter === 'pages') return app.handlers!.handler(Object.assign(req, { query: { slug } }), res);
    if (slug) {
      const request = toWebRequest(req, origin);
      const route = request.method === 'POST' ? app.handlers!.POST : app.handlers!.GET;
      return sendWebResponse(await route(request, { params: Promise.resolve({ slug }) }), res);
    }
    if (url.pathname === '/me') {
      try {
        const me = await app.runner!.runWithServerContext({
          nextServerContext: { request: req, response: res },
          operation: async (ctx) => {
            const user = await getCurrentUser(ctx);
            const session = await fetchAuthSession(ctx, { forceRefresh: url.searchParams.has('refresh') });
            const id = session.tokens!.idToken.payload;
            return { ...user, email: id.email, groups: id['cognito:groups'] ?? id.groups ?? [] };
          },
        });
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify(me));
      } catch (err) {
        res.statusCode = isAuthError(err, 'UserUnAuthenticated') ? 401 : 500;
        return res.end(isAuthError(err) ? err.code : 'error');
      }
    }
    res.end(`page ${url.pathname}`);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${origin}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${origin}/api/auth/sign-out-callback`] }],
  });
  const events: Stack['events'] = [];
  const runner = createServerRunner({
    config: { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: mode === 'cognito' ? 'cognito' : 'generic' } },
    runtimeOptions: {
      secret: SECRET,
      origin,
      session: { codec },
      events: {
        signedIn: (event) => void events.push({ name: 'signedIn', event }),
        signedOut: (event) => void events.push({ name: 'signedOut', event }),
      },
    },
  });
  app.runner = runner;
  app.handlers = runner.createAuthRouteHandlers({ redirectOnSignInComplete: '/home', redirectOnSignOutComplete: '/signed-out' });
  return {
    idp,
    events,
    origin,
    async close() {
      server.closeAllConnections();
      server.close();
      await idp.close();
    },
  };
}

describe.each([
  ['cognito', 'pages', 'sealed'],
  ['cognito', 'app', 'sealed'],
  ['oidc', 'pages', 'sealed'],
  ['oidc', 'app', 'sealed'],
  ['cognito', 'app', 'amplify'],
] as const)('sign-in → refresh → sign-out with the dev IdP in %s mode, %s router adapter, %s cookies', (mode, adapter, codec) => {
  let stack: Stack;
  const sessionCookies =
    codec === 'sealed'
      ? ['nsa.session']
      : [
          `CognitoIdentityServiceProvider.${CLIENT_ID}.LastAuthUser`,
          `CognitoIdentityServiceProvider.${CLIENT_ID}.alice%40example.com.accessToken`,
          `CognitoIdentityServiceProvider.${CLIENT_ID}.alice%40example.com.idToken`,
          `CognitoIdentityServiceProvider.${CLIENT_ID}.alice%40example.com.refreshToken`,
        ];
  beforeAll(async () => {
    stack = await startStack(mode, adapter, codec);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('completes the whole session lifecycle', async () => {
    const browser = new BrowserLike(stack.origin);
    const alice = { username: 'alice@example.com', password: 'alice-password' };

    // Signed out: the API says so.
    expect((await browser.navigate('/me')).response.status).toBe(401);

    // Sign in: app → IdP login form → callback → returnTo.
    const signedIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', alice);
    expect(signedIn.url.href).toBe(`${stack.origin}/me`);
    const me = JSON.parse(signedIn.body) as Record<string, unknown>;
    expect(me).toMatchObject({ username: 'alice@example.com', email: 'alice@example.com', groups: ['ADMINS'] });
    expect(browser.appCookies()).toEqual(sessionCookies);
    const aliceUser = { username: 'alice@example.com', userId: me.userId };
    expect(stack.events).toEqual([{ name: 'signedIn', event: { user: aliceUser } }]);
    expect(signedIn.trail.some((u) => u.pathname === '/api/auth/sign-in-callback')).toBe(true);

    // Refresh: new tokens at the IdP, written back through the response.
    const before = browser.jar.header(new URL(stack.origin));
    stack.idp.resetStats();
    const refreshed = await browser.navigate('/me?refresh=1');
    expect(refreshed.response.status).toBe(200);
    expect(stack.idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(browser.jar.header(new URL(stack.origin))).not.toBe(before);
    expect((await browser.navigate('/me')).response.status).toBe(200);

    // Sign out: POST from our origin → refresh token revoked, cookies cleared, IdP session ended.
    const signedOut = await browser.navigate('/api/auth/sign-out', undefined, { method: 'POST', headers: { origin: stack.origin } });
    expect(signedOut.url.href).toBe(`${stack.origin}/signed-out`);
    const idpHop = signedOut.trail.find((u) => u.origin === stack.idp.issuer)!;
    if (mode === 'cognito') {
      expect(idpHop.pathname).toBe('/logout');
      expect(Object.fromEntries(idpHop.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: `${stack.origin}/api/auth/sign-out-callback` });
    } else {
      expect(idpHop.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.origin}/api/auth/sign-out-callback`);
      expect(idpHop.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    }
    expect(browser.appCookies()).toEqual([]);
    expect(stack.events.slice(1)).toEqual([{ name: 'signedOut', event: { user: aliceUser } }]);
    expect(JSON.stringify(stack.events)).not.toContain('eyJ'); // events never carry tokens
    expect(stack.idp.stats().revocations).toBe(1);
    expect((await browser.navigate('/me')).response.status).toBe(401);

    // The IdP session is gone too: signing in again shows the login form.
    const again = await browser.navigate('/api/auth/sign-in');
    expect(again.url.origin).toBe(stack.idp.issuer);
    expect(again.body).toContain('id="sign-in-form"');
  });

  it('refuses a cross-site sign-out and keeps the session', async () => {
    const browser = new BrowserLike(stack.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', { username: 'alice@example.com', password: 'alice-password' });
    const response = await browser.jar.fetch(`${stack.origin}/api/auth/sign-out`, { method: 'POST', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(browser.appCookies()).toEqual(sessionCookies);
    expect((await browser.navigate('/me')).response.status).toBe(200);
  });
});

describe('the Pages Router adapter', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('cognito', 'pages');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('abandoned sign-ins never pile up: at most 3 transaction cookies, the newest kept and still completing', async () => {
    const browser = new BrowserLike(stack.origin);
    const starts: URL[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await browser.jar.fetch(`${stack.origin}/api/auth/sign-in?returnTo=/me`);
      expect(response.status).toBe(302);
      starts.push(new URL(response.headers.get('location')!));
    }
    const stateOf = (url: URL) => `nsa.tx.${url.searchParams.get('state')}`;
    expect(browser.appCookies().filter((n) => n.startsWith('nsa.tx.')).sort()).toEqual(starts.slice(2).map(stateOf).sort());
    // The newest sign-in still completes; an evicted one cannot.
    const done = await browser.navigate(starts[4]!.href, { username: 'bob@example.com', password: 'bob-password' });
    expect(done.url.href).toBe(`${stack.origin}/me`);
    expect(browser.appCookies().filter((n) => n.startsWith('nsa.tx.')).sort()).toEqual(starts.slice(2, 4).map(stateOf).sort());
    const evicted = await browser.navigate(starts[0]!.href);
    expect(evicted.response.status).toBe(400);
    expect(evicted.body).toContain('missing_transaction');
  });

  it('answers methods a Web Request cannot carry (TRACE) with 405, not a 500', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${stack.origin}/api/auth/sign-in`, { method: 'TRACE' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(405);
  });
});
