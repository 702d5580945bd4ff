import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { alice, CLIENT_ID, LOGOUT_URI, refresh, startAuthorization } from './__tests__/helpers.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true });
});
afterAll(async () => {
  await idp.close();
});

function logoutUrl(params: Record<string, string>): URL {
  const url = new URL(`${idp.issuer}/logout`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

describe('/logout (Cognito)', () => {
  it('ends the IdP session, revokes its refresh tokens and redirects to the registered logout_uri', async () => {
    const jar = new CookieJar();
    const first = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    expect(first.promptedForPassword).toBe(true);
    // The IdP session signs the user in again without a password...
    const second = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    expect(second.promptedForPassword).toBe(false);
    expect(jar.names(idp.issuer)).toContain('_session');

    idp.resetStats();
    const response = await jar.fetch(logoutUrl({ client_id: CLIENT_ID, logout_uri: LOGOUT_URI }));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LOGOUT_URI);
    expect(jar.names(idp.issuer)).not.toContain('_session');
    expect(idp.stats().logouts).toBe(1);

    // ...but after logout a new authorize shows the login form again.
    const { response: page, url } = await startAuthorization(jar, idp.issuer);
    expect(page.status).toBe(200);
    expect(url.pathname).toMatch(/^\/login\//);
    expect(await page.text()).toContain('<button type="submit">Sign in</button>');

    // The session's grant is revoked: its refresh tokens are dead.
    const dead = await refresh(idp.issuer, second.refreshToken!);
    expect(dead.body.error).toBe('invalid_grant');
  });

  it('ends the session server-side even if the browser kept the old cookie', async () => {
    const jar = new CookieJar();
    await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    const cookie = jar.header(new URL(`${idp.issuer}/oauth2/authorize`));
    const response = await fetch(logoutUrl({ client_id: CLIENT_ID, logout_uri: LOGOUT_URI }), {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    // Replaying the pre-logout cookie does not resurrect the session.
    const { response: page } = await startAuthorization(jar, idp.issuer);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign in');
  });

  it.each([
    ['an unregistered logout_uri', { client_id: CLIENT_ID, logout_uri: 'https://evil.example/after' }],
    ['an unknown client', { client_id: 'nope', logout_uri: LOGOUT_URI }],
    ['no logout_uri', { client_id: CLIENT_ID }],
    ['no client_id', { logout_uri: LOGOUT_URI }],
  ])('answers 400 without redirect for %s and keeps the session', async (_label, params) => {
    const jar = new CookieJar();
    await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    idp.resetStats();
    const response = await jar.fetch(logoutUrl(params));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(idp.stats().logouts).toBe(0);
    const again = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    expect(again.promptedForPassword).toBe(false);
  });

  it('redirects even without an IdP session (already signed out)', async () => {
    const response = await fetch(logoutUrl({ client_id: CLIENT_ID, logout_uri: LOGOUT_URI }), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LOGOUT_URI);
  });
});
