import { afterEach, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import type { OidcProviderConfig } from '../config/types.js';
import { createAuthRuntime } from '../createServerRunner.js';
import type { DevIdpClient } from '../dev-idp/index.js';
import { BrowserLike } from './__tests__/browserLike.js';
import { callRoute } from './__tests__/signInFlow.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';

const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const SECRET = 'client-auth-test-secret-0123456789abcdef-xyz';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

let app: AuthApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function startClientApp(client: (origin: string) => Partial<DevIdpClient>, oidc: Partial<OidcProviderConfig['oidc']>): Promise<AuthApp> {
  return startAuthApp({
    adapter: 'app',
    idp: { mode: 'oidc' },
    client,
    runner: (idp, origin) => ({ config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, ...oidc } }, runtimeOptions: { secret: TEST_SECRET, origin } }),
  });
}

/** Signs alice in, refreshes once (forceRefresh), signs out: each token-endpoint call must authenticate. */
async function signInRefreshSignOut(current: AuthApp): Promise<void> {
  const browser = new BrowserLike(current.origin);
  const signIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
  expect(signIn.response.status).toBe(200);
  expect(JSON.parse(signIn.body)).toMatchObject({ username: 'alice@example.com' });
  expect(current.idp.stats().tokenCalls.authorization_code).toBe(1);

  current.idp.resetStats();
  const refreshed = await browser.navigate('/me?refresh');
  expect(refreshed.response.status).toBe(200);
  expect(current.idp.stats().tokenCalls.refresh_token).toBe(1);
  // The rotated refresh token was accepted and written back: a second refresh works too.
  expect((await browser.navigate('/me?refresh')).response.status).toBe(200);
  expect(current.idp.stats().tokenCalls.refresh_token).toBe(2);

  // Revocation (RFC 7009) authenticates the same way: the IdP counts only accepted revocations.
  const signOut = await browser.jar.fetch(new URL('/api/auth/sign-out', current.origin), { method: 'POST', headers: { origin: current.origin } });
  await signOut.body?.cancel();
  expect(current.idp.stats().revocations).toBe(1);
  expect(current.statuses).not.toContain(500);
}

describe('private_key_jwt (RFC 7523, OIDC Core §9)', () => {
  it('a private_key_jwt client (EC P-256 JWK, no kid) signs in, refreshes and revokes; the IdP fetches its keys from our /api/auth/jwks', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    app = await startClientApp(
      (origin) => ({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${origin}/api/auth/jwks` }),
      { clientPrivateKey: await exportJWK(privateKey) },
    );
    await signInRefreshSignOut(app);
  });

  it.each([
    ['RS256', 'a PKCS#8 PEM'],
    ['PS256', 'a JWK with alg PS256'],
    ['EdDSA', 'JWK JSON text (as kept in an environment variable)'],
  ] as const)('a private_key_jwt client with an %s key given as %s signs in, refreshes and revokes; the IdP uses inline jwks', async (alg, _form) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
    const publicJwk = await exportJWK(publicKey);
    const clientPrivateKey =
      alg === 'RS256' ? await exportPKCS8(privateKey) : alg === 'PS256' ? { ...(await exportJWK(privateKey)), alg: 'PS256' } : JSON.stringify(await exportJWK(privateKey));
    const kid = await calculateJwkThumbprint(publicJwk);
    app = await startClientApp(
      () => ({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...publicJwk, kid } as JsonWebKey] } }),
      { clientPrivateKey: clientPrivateKey as JsonWebKey | string },
    );
    await signInRefreshSignOut(app);
  });

  it('a private_key_jwt client presenting a key the IdP does not know gets invalid_client: the sign-in ends on a clear 400 page, no session, never a 500', async () => {
    const registered = await generateKeyPair('ES256', { extractable: true });
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const registeredJwk = (await exportJWK(registered.publicKey)) as JsonWebKey;
    app = await startClientApp(
      () => ({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [registeredJwk] } }),
      { clientPrivateKey: await exportJWK(attacker.privateKey) },
    );
    const browser = new BrowserLike(app.origin);
    const { response, body } = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(400);
    expect(body).toContain('data-testid="auth-error-code">token_exchange_failed<');
    expect(app.idp.stats().tokenCalls.authorization_code).toBe(1);
    expect(browser.appCookies().filter((name) => name.includes('session'))).toEqual([]);
    expect((await browser.navigate('/me')).response.status).toBe(401);
    expect(app.statuses).not.toContain(500);
  });
});

describe('client secrets', () => {
  it('a client_secret_jwt client signs in, refreshes and revokes (HS256 assertion, enforced by the IdP)', async () => {
    app = await startClientApp(() => ({ clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_jwt' }), { clientSecret: SECRET, clientAuthentication: 'client_secret_jwt' });
    await signInRefreshSignOut(app);
  });

  it('a client_secret_jwt assertion signed with a wrong secret gets invalid_client: a clear 400 page, no session', async () => {
    app = await startClientApp(() => ({ clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_jwt' }), {
      clientSecret: 'a-different-secret-of-enough-length-0123456789',
      clientAuthentication: 'client_secret_jwt',
    });
    const browser = new BrowserLike(app.origin);
    const { response, body } = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(400);
    expect(body).toContain('token_exchange_failed');
    expect((await browser.navigate('/me')).response.status).toBe(401);
    expect(app.statuses).not.toContain(500);
  });

  it('a client_secret_post client signs in, refreshes and revokes', async () => {
    app = await startClientApp(() => ({ clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_post' }), { clientSecret: SECRET, clientAuthentication: 'client_secret_post' });
    await signInRefreshSignOut(app);
  });

  it('an app authenticating with another method than the one registered is refused by the IdP (client_secret_basic to a client_secret_jwt client): 400, no session', async () => {
    app = await startClientApp(() => ({ clientSecret: SECRET, tokenEndpointAuthMethod: 'client_secret_jwt' }), { clientSecret: SECRET });
    const browser = new BrowserLike(app.origin);
    const { response } = await browser.navigate('/api/auth/sign-in?returnTo=/me', ALICE);
    expect(response.status).toBe(400);
    expect((await browser.navigate('/me')).response.status).toBe(401);
    expect(app.statuses).not.toContain(500);
  });
});

describe('GET /api/auth/jwks', () => {
  function jwksHandlers(oidc: Partial<OidcProviderConfig['oidc']>) {
    const runtime = createAuthRuntime({ oidc: { issuer: 'https://idp.example.com', clientId: 'web', ...oidc } }, { secret: TEST_SECRET, origin: 'https://app.example.com' });
    return createAuthRouteHandlersFor(runtime)();
  }

  it.each([
    ['RS256', 'PEM'],
    ['ES256', 'JWK'],
    ['EdDSA', 'JWK'],
  ] as const)('the JWKS route never serves a private member (%s key given as %s): public members, kid = RFC 7638 thumbprint, alg, use sig, cacheable', async (alg, form) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
    const privateJwk = await exportJWK(privateKey);
    const handlers = jwksHandlers({ clientPrivateKey: form === 'PEM' ? await exportPKCS8(privateKey) : (privateJwk as JsonWebKey) });
    const response = await callRoute(handlers, 'https://app.example.com/api/auth/jwks');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.getSetCookie()).toEqual([]);
    const text = await response.text();
    const { keys } = JSON.parse(text) as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    const published = keys[0]!;
    for (const member of PRIVATE_MEMBERS) expect(published).not.toHaveProperty(member);
    // Not even the value under another name.
    expect(text).not.toContain(privateJwk.d);
    const expected = await exportJWK(publicKey);
    expect(published).toEqual({ ...expected, kid: await calculateJwkThumbprint(expected), alg, use: 'sig' });
  });

  it("keeps a configured kid and an RSA JWK's alg", async () => {
    const { privateKey } = await generateKeyPair('PS256', { extractable: true });
    const handlers = jwksHandlers({ clientPrivateKey: { ...(await exportJWK(privateKey)), kid: 'app-2026', alg: 'PS256' } as JsonWebKey });
    const { keys } = (await (await callRoute(handlers, 'https://app.example.com/api/auth/jwks')).json()) as { keys: JWK[] };
    expect(keys[0]).toMatchObject({ kty: 'RSA', kid: 'app-2026', alg: 'PS256', use: 'sig' });
    expect(Object.keys(keys[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('answers 404 when no private key is configured (a client_secret_jwt secret is never published)', async () => {
    const response = await callRoute(jwksHandlers({ clientSecret: SECRET, clientAuthentication: 'client_secret_jwt' }), 'https://app.example.com/api/auth/jwks');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(SECRET);
  });
});
