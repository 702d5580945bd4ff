// Sign-out: same-origin POST only; clears every auth cookie and the IdP session.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { APP_URL, authCookieNames, isIdpUrl, sessionCookieValues, signIn, signOut, TRANSACTION_COOKIE, USERS } from './support.js';

test('sign-out clears every auth cookie, lands on /, and ends the IdP session', async ({ page, context }) => {
  await signIn(page, 'alice');
  // A sign-up started in another tab leaves a transaction cookie: sign-out clears it too.
  const pending = await context.request.get('/api/auth/sign-up', { maxRedirects: 0 });
  expect(pending.status()).toBe(302);
  const before = await authCookieNames(context);
  expect(before).toHaveLength(2);
  expect(before[0]).toBe('nsa.session');
  expect(before[1]).toMatch(TRANSACTION_COOKIE);

  const signOutResponse = page.waitForResponse((r) => r.url() === `${APP_URL}/api/auth/sign-out`);
  await signOut(page);
  const response = await signOutResponse;
  expect(response.request().method()).toBe('POST');
  expect(response.status()).toBe(303);
  const logout = new URL(response.headers()['location'] ?? '');
  expect(isIdpUrl(logout)).toBe(true);
  expect(logout.pathname).toBe('/logout');

  await expect(page).toHaveURL(`${APP_URL}/`);
  expect(await authCookieNames(context)).toEqual([]);
  await expect(page.getByTestId('home-status')).toContainText('You are not signed in.');
  expect((await page.request.get('/api/me')).status()).toBe(401);

  // The IdP session is gone too: no silent sign-in, the login form again.
  await page.goto('/dashboard');
  await expect(page).toHaveURL((url) => isIdpUrl(url));
  await expect(page.getByLabel('Email')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect((await authCookieNames(context)).filter((n) => !TRANSACTION_COOKIE.test(n))).toEqual([]);
});

test('a cross-site form POST to sign-out is refused with 403 and the user stays signed in', async ({ page, context }) => {
  await signIn(page, 'alice');
  const before = await sessionCookieValues(context);
  expect(before).toHaveLength(1);

  // 127.0.0.1 and localhost are different sites.
  const attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${APP_URL}/api/auth/sign-out"><input type="hidden" name="x" value="1"></form>
<script>document.getElementById('f').submit();</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = attacker.address() as AddressInfo;
    const signOutResponse = page.waitForResponse((r) => r.url() === `${APP_URL}/api/auth/sign-out`);
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'commit' });
    const response = await signOutResponse;
    expect(response.request().method()).toBe('POST');
    expect(response.status()).toBe(403);
    expect(await response.headerValues('set-cookie')).toEqual([]);
    await expect(page.getByTestId('auth-error-code')).toHaveText('cross_site');
  } finally {
    attacker.closeAllConnections();
    await new Promise((resolve) => attacker.close(resolve));
  }

  expect(await sessionCookieValues(context)).toEqual(before);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  expect(await sessionCookieValues(context)).toEqual(before);
});

test('sign-out requests from another origin, or with no origin at all, are refused; the app\'s own origin is accepted', async ({ request }) => {
  const refusedHeaders: Record<string, string>[] = [{ Origin: 'https://evil.example' }, { Origin: 'null' }, {}, { Origin: APP_URL, 'Sec-Fetch-Site': 'cross-site' }];
  for (const headers of refusedHeaders) {
    const refused = await request.post('/api/auth/sign-out', { headers, maxRedirects: 0 });
    expect(refused.status(), JSON.stringify(headers)).toBe(403);
    expect(refused.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie')).toEqual([]);
    expect(await refused.text()).toContain('data-testid="auth-error-code">cross_site<');
  }
  const accepted = await request.post('/api/auth/sign-out', { headers: { Origin: APP_URL }, maxRedirects: 0 });
  expect(accepted.status()).toBe(303);
  expect(isIdpUrl(accepted.headers()['location'] ?? '')).toBe(true);
  expect((await request.get('/api/auth/sign-out', { maxRedirects: 0 })).status()).toBe(405);
});
