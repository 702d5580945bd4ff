import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { subjectForUsername } from './subjectForUsername.js';
import {
  alice,
  bob,
  CLIENT_ID,
  exchangeCode,
  formAction,
  LOGOUT_URI,
  postPage,
  refresh,
  sortedKeys,
  startAuthorization,
  userInfo,
  verifyJwt,
} from './__tests__/helpers.js';

let idp: DevIdp;
const OFFLINE_SCOPE = 'openid email profile offline_access';

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', groupsClaim: 'roles' });
});
afterAll(async () => {
  await idp.close();
});

describe('oidc mode', () => {
  it('advertises end_session_endpoint', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.end_session_endpoint).toBe(`${idp.issuer}/logout`);
    expect(discovery.userinfo_endpoint).toBe(`${idp.issuer}/oauth2/userInfo`);
  });

  it('issues standard ID token claims with the configured groups claim', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer, { nonce: 'n-1' }));
    const { payload } = await verifyJwt(idp.issuer, tokens.idToken);
    expect(sortedKeys(payload)).toEqual(
      ['aud', 'auth_time', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'nonce', 'preferred_username', 'roles', 'sub'].sort(),
    );
    expect(payload).toMatchObject({
      sub: subjectForUsername('alice@example.com'),
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      preferred_username: 'alice@example.com',
      roles: ['ADMINS'],
    });
  });

  it('issues RFC 9068 style access tokens without Cognito claims', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer));
    const { payload } = await verifyJwt(idp.issuer, tokens.accessToken, 'at+jwt');
    expect(sortedKeys(payload)).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'roles', 'scope', 'sub'].sort());
    expect(payload).toMatchObject({ client_id: CLIENT_ID, aud: CLIENT_ID, scope: 'openid email profile', roles: ['ADMINS'] });

    const bobs = await signInWithPassword(bob(idp.issuer));
    expect((await verifyJwt(idp.issuer, bobs.accessToken, 'at+jwt')).payload).not.toHaveProperty('roles');
  });

  it('serves standard userInfo claims', async () => {
    const { accessToken } = await signInWithPassword(alice(idp.issuer));
    const response = await userInfo(idp.issuer, accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sub: subjectForUsername('alice@example.com'),
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      preferred_username: 'alice@example.com',
      roles: ['ADMINS'],
    });
  });

  it('ends the session via RP-initiated logout without a confirm page', async () => {
    const jar = new CookieJar();
    const tokens = await runAuthorizationCodeFlow(jar, alice(idp.issuer, { scope: OFFLINE_SCOPE }));
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const url = new URL(`${idp.issuer}/logout`);
    url.searchParams.set('id_token_hint', tokens.idToken);
    url.searchParams.set('post_logout_redirect_uri', LOGOUT_URI);
    url.searchParams.set('state', 'st-42');
    const response = await jar.fetch(url);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${LOGOUT_URI}?state=st-42`);
    const { response: page } = await startAuthorization(jar, idp.issuer);
    expect(await page.text()).toContain('<button type="submit">Sign in</button>');
    expect((await refresh(idp.issuer, tokens.refreshToken!)).body.error).toBe('invalid_grant');
  });

  it('rejects an id_token_hint this IdP did not sign, and unregistered redirect URIs', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer));
    const [header, payload] = tokens.idToken.split('.');
    const unsigned = `${header}.${payload}.AAAA`;
    const bad = await fetch(`${idp.issuer}/logout?id_token_hint=${unsigned}`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    const unregistered = await fetch(
      `${idp.issuer}/logout?client_id=${CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      { redirect: 'manual' },
    );
    expect(unregistered.status).toBe(400);
    expect(unregistered.headers.get('location')).toBeNull();
  });

  it('issues a refresh token only when the client asks for offline_access, with no consent screen', async () => {
    const without = await signInWithPassword(alice(idp.issuer));
    expect(without.refreshToken).toBeUndefined();

    const withOffline = await signInWithPassword(alice(idp.issuer, { scope: OFFLINE_SCOPE }));
    expect(withOffline.refreshToken).toEqual(expect.any(String));
    const refreshed = await refresh(idp.issuer, withOffline.refreshToken!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    // offline_access is an OpenID scope: it never reaches the access token.
    expect((await verifyJwt(idp.issuer, withOffline.accessToken, 'at+jwt')).payload.scope).toBe('openid email profile');
  });

  it.each([
    ['prompt=consent sent by the client (oidc-provider\'s own rule)', { prompt: 'consent' }, 'signin'],
    ['no prompt', {}, 'signin'],
    ['prompt=create (sign-up)', { prompt: 'create' }, 'signup'],
  ] as const)('issues a refresh token for offline_access with %s, and no consent screen', async (_label, prompt, screen) => {
    const jar = new CookieJar();
    const { request, response, url } = await startAuthorization(jar, idp.issuer, { scope: OFFLINE_SCOPE, ...prompt });
    const form: Record<string, string> =
      screen === 'signup'
        ? { email: `offline-${Date.now()}@example.com`, name: 'Offline', password: 'offline-password' }
        : { username: 'alice@example.com', password: 'alice-password' };
    const done = await postPage(jar, new URL(formAction(await response.text()), url), form);
    expect(done.callback).toBeDefined();
    const tokens = await exchangeCode(idp.issuer, done.callback!, request);
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
  });

  it('signs out without a redirect target with a 200 page', async () => {
    const response = await fetch(`${idp.issuer}/logout`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You have been signed out');
  });
});
