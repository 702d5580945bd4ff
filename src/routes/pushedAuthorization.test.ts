import { afterEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import type { OidcProviderConfig } from '../config/types.js';
import { createServerRunner } from '../createServerRunner.js';
import { RUNNER_CHECK } from '../runnerCheck.js';
import type { RunnerCheck } from '../runnerCheck.js';
import type { DevIdpClient, DevIdpOptions } from '../dev-idp/index.js';
import { startDevIdp } from '../dev-idp/index.js';
import { CookieJar } from '../dev-idp/CookieJar.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const CLIENT_SECRET = 'par-test-client-secret-0123456789abcdef';

let app: AuthApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function startParApp(input: {
  idp?: Omit<DevIdpOptions, 'port' | 'clients'>;
  client?: (origin: string) => Partial<DevIdpClient>;
  oidc?: Partial<OidcProviderConfig['oidc']>;
}): Promise<AuthApp> {
  return startAuthApp({
    adapter: 'app',
    idp: { mode: 'oidc', ...input.idp },
    ...(input.client ? { client: input.client } : {}),
    runner: (idp, origin) => ({ config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, ...input.oidc } }, runtimeOptions: { secret: TEST_SECRET, origin } }),
  });
}

/** The authorization endpoint request the browser was sent to (the last one, after any re-authentication). */
function authorizeRequestOf(trail: URL[]): URL {
  const found = trail.filter((url) => url.pathname === '/oauth2/authorize');
  expect(found.length).toBeGreaterThan(0);
  return found.at(-1)!;
}

describe('pushed authorization requests (RFC 9126)', () => {
  it('an IdP whose discovery requires PAR: the sign-in is pushed automatically, the browser carries only client_id and request_uri, and the session refreshes', async () => {
    app = await startParApp({ idp: { requirePushedAuthorizationRequests: true } });
    const browser = new BrowserLike(app.origin);
    const { response, body, trail } = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ username: 'alice@example.com', email: 'alice@example.com' });
    const authorize = authorizeRequestOf(trail);
    expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(authorize.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(authorize.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    // Nothing of the request (PKCE challenge, nonce, state, scope) went through the browser.
    for (const url of trail.filter((u) => u.origin === app!.idp.issuer)) {
      for (const name of ['code_challenge', 'nonce', 'scope', 'redirect_uri']) expect(url.searchParams.has(name)).toBe(false);
    }
    // offline_access survived the push: the IdP issued a refresh token, and it works.
    app.idp.resetStats();
    const refreshed = await browser.navigate('/me?refresh');
    expect(refreshed.response.status).toBe(200);
    expect(app.idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(app.statuses).not.toContain(500);
  });

  it('a plain (non-pushed) authorization request to an IdP that requires PAR is refused by the IdP', async () => {
    const idp = await startDevIdp({
      port: 0,
      quiet: true,
      mode: 'oidc',
      requirePushedAuthorizationRequests: true,
      clients: [{ clientId: 'plain', redirectUris: ['http://127.0.0.1:9/cb'], postLogoutRedirectUris: [] }],
    });
    try {
      const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(discovery.require_pushed_authorization_requests).toBe(true);
      expect(discovery.pushed_authorization_request_endpoint).toBe(`${idp.issuer}/request`);
      const url = new URL(`${idp.issuer}/oauth2/authorize`);
      for (const [k, v] of Object.entries({ client_id: 'plain', response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1:9/cb', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })) {
        url.searchParams.set(k, v);
      }
      const response = await new CookieJar().fetch(url);
      const location = new URL(response.headers.get('location') ?? 'http://none/');
      expect(response.status).toBe(303);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/Pushed Authorization Request must be used/i);
    } finally {
      await idp.close();
    }
  });

  it('a client that must use PAR (not said by discovery) is refused without pushedAuthorizationRequests and signs in with it', async () => {
    const client = () => ({ requirePushedAuthorizationRequests: true });
    app = await startParApp({ client });
    const plain = await new BrowserLike(app.origin).navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    // The IdP's refusal comes back to the callback: a clear 400 page, no session.
    expect(plain.response.status).toBe(400);
    expect(plain.body).toContain('data-testid="auth-error-code">idp_error<');
    expect(plain.trail.some((url) => url.pathname === '/api/auth/sign-in-callback' && url.searchParams.get('error') === 'invalid_request')).toBe(true);
    await app.close();

    app = await startParApp({ client, oidc: { pushedAuthorizationRequests: true } });
    const pushed = await new BrowserLike(app.origin).navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(pushed.response.status).toBe(200);
    expect(JSON.parse(pushed.body)).toMatchObject({ username: 'alice@example.com' });
    expect([...authorizeRequestOf(pushed.trail).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(app.statuses).not.toContain(500);
  });

  it('a confidential client pushes with its client authentication (client_secret_basic)', async () => {
    app = await startParApp({
      idp: { requirePushedAuthorizationRequests: true },
      client: () => ({ clientSecret: CLIENT_SECRET }),
      oidc: { clientSecret: CLIENT_SECRET },
    });
    const { response, trail } = await new BrowserLike(app.origin).navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(200);
    expect([...authorizeRequestOf(trail).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  });

  it('a private_key_jwt client pushes with a signed client assertion (the IdP fetches our JWKS route) and signs in', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    app = await startParApp({
      idp: { requirePushedAuthorizationRequests: true },
      client: (origin) => ({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${origin}/api/auth/jwks` }),
      oidc: { clientPrivateKey: await exportJWK(privateKey) },
    });
    const { response, trail } = await new BrowserLike(app.origin).navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(200);
    expect([...authorizeRequestOf(trail).searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(app.statuses).not.toContain(500);
  });

  it('a PAR the IdP refuses (wrong client secret: invalid_client) is a clear 400 page with no cookie set, never a 500', async () => {
    app = await startParApp({
      idp: { requirePushedAuthorizationRequests: true },
      client: () => ({ clientSecret: CLIENT_SECRET }),
      oidc: { clientSecret: 'not-the-secret-the-idp-knows-0123456789' },
    });
    const response = await fetch(`${app.origin}/api/auth/sign-in?returnTo=/me`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data-testid="auth-error-code">authorization_request_refused<');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('location')).toBeNull();
    expect(app.statuses).not.toContain(500);
  });

  it('a PAR signed with a private key the IdP does not know is refused (invalid_client): 400, no cookie, never a 500', async () => {
    const registered = await generateKeyPair('ES256', { extractable: true });
    const other = await generateKeyPair('ES256', { extractable: true });
    const registeredJwk = (await exportJWK(registered.publicKey)) as JsonWebKey;
    app = await startParApp({
      idp: { requirePushedAuthorizationRequests: true },
      client: () => ({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [registeredJwk] } }),
      oidc: { clientPrivateKey: await exportJWK(other.privateKey) },
    });
    const response = await fetch(`${app.origin}/api/auth/sign-in?returnTo=/me`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('authorization_request_refused');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(app.statuses).not.toContain(500);
  });

  it('a PAR endpoint that cannot be reached is a 503 idp_unavailable page, never a 500', async () => {
    app = await startParApp({ idp: { requirePushedAuthorizationRequests: true } });
    // Discovery is cached by the first sign-in; then the IdP goes away.
    const first = await fetch(`${app.origin}/api/auth/sign-in?returnTo=/me`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    await app.idp.close();
    const response = await fetch(`${app.origin}/api/auth/sign-in?returnTo=/me`, { redirect: 'manual' });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('idp_unavailable');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(app.statuses).not.toContain(500);
  });

  it('pushedAuthorizationRequests: true against an IdP that offers no PAR endpoint fails the start-up check naming the option', async () => {
    // Cognito mode: no PAR (as Cognito).
    const idp = await startDevIdp({ port: 0, quiet: true });
    try {
      const runner = createServerRunner({
        config: { oidc: { issuer: idp.issuer, clientId: 'next-server-auth-example', pushedAuthorizationRequests: true } },
        runtimeOptions: { secret: TEST_SECRET, origin: 'http://localhost:3000' },
      });
      const check = (runner.runWithServerContext as unknown as { [RUNNER_CHECK]: RunnerCheck })[RUNNER_CHECK];
      await expect(check({ discovery: true })).rejects.toMatchObject({ code: 'InvalidConfig', message: expect.stringContaining('oidc.pushedAuthorizationRequests') });
    } finally {
      await idp.close();
    }
  });
});
