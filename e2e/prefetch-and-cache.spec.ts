// Prefetches never start a sign-in; cookie-carrying responses are never cacheable.
import { expect, test } from '@playwright/test';
import type { APIResponse, Response } from '@playwright/test';
import { APP_URL, authCookieNames, IDP_URL, signIn, signOut, startSignIn } from './support.js';

const NO_STORE = 'private, no-store';
// Sec-Purpose (browser prefetch / speculation rules) and Next's router header, each alone.
const PREFETCH_HEADERS: Record<string, string>[] = [{ 'Sec-Purpose': 'prefetch' }, { 'Next-Router-Prefetch': '1' }];
// What reaches the proxy of a router prefetch: Next strips its own router headers
// (and `_rsc`) before middleware runs, so the guard tells it by Sec-Fetch-Dest.
const GUARD_PREFETCH_HEADERS: Record<string, string>[] = [
  { 'Sec-Purpose': 'prefetch' },
  { 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'cors', 'Next-Router-Prefetch': '1' },
];

function setCookieLines(response: APIResponse): string[] {
  return response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
}

/** The cookies a browser response writes: each name, and whether the write deletes it. */
async function cookieWrites(response: Response): Promise<{ name: string; deleted: boolean }[]> {
  const lines = await response.headerValues('set-cookie');
  return lines
    .flatMap((header) => header.split('\n'))
    .map((line) => {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const deleted = value === '' || attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=.*1970/i.test(a));
      return { name, deleted };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

test('a prefetch of /api/auth/sign-in is 204 and sets no cookie', async ({ context }) => {
  for (const headers of PREFETCH_HEADERS) {
    const response = await context.request.get('/api/auth/sign-in?returnTo=/dashboard', { headers, maxRedirects: 0 });
    expect(response.status(), JSON.stringify(headers)).toBe(204);
    expect(response.headers()['location']).toBeUndefined();
    expect(setCookieLines(response)).toEqual([]);
  }
  expect(await authCookieNames(context)).toEqual([]);
});

test('a signed-out prefetch of /dashboard is 204, not a redirect to sign-in, and leaves no transaction cookie', async ({ context }) => {
  for (const headers of GUARD_PREFETCH_HEADERS) {
    const response = await context.request.get('/dashboard', { headers, maxRedirects: 0 });
    expect(response.status(), JSON.stringify(headers)).toBe(204);
    expect(response.headers()['location']).toBeUndefined();
    expect(setCookieLines(response)).toEqual([]);
  }
  expect(await authCookieNames(context)).toEqual([]);
  // A router prefetch header alone is hidden from the proxy: the redirect it
  // gets is answered 204 by the sign-in route, so no sign-in starts either.
  const hidden = await context.request.get('/dashboard', { headers: { 'Next-Router-Prefetch': '1' } });
  expect(hidden.status()).toBe(204);
  expect(await authCookieNames(context)).toEqual([]);
  // A document navigation does redirect to sign-in.
  const navigation = await context.request.get('/dashboard', { headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' }, maxRedirects: 0 });
  expect(navigation.status()).toBe(307);
  expect(new URL(navigation.headers()['location'] ?? '', APP_URL).href).toBe(`${APP_URL}/api/auth/sign-in?returnTo=%2Fdashboard`);
});

test('the router\'s own prefetches of the guarded header links, signed out, are not redirects to sign-in and set no cookie', async ({ page, context }) => {
  const prefetchOf = (path: string) =>
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().headers()['next-router-prefetch'] === '1');
  const prefetches = Promise.all([prefetchOf('/dashboard'), prefetchOf('/admin')]);
  await page.goto('/');
  await expect(page.getByTestId('home-status')).toContainText('You are not signed in.');
  for (const response of await prefetches) {
    expect(response.status(), response.url()).toBe(204);
    expect(await response.headerValues('set-cookie')).toEqual([]);
  }
  expect(await authCookieNames(context)).toEqual([]);
});

test('sign-in start, callback and sign-out responses carry Cache-Control: private, no-store with their cookies', async ({ page, context }) => {
  const start = page.waitForResponse((r) => r.url().startsWith(`${APP_URL}/api/auth/sign-in?`));
  const callback = page.waitForResponse((r) => r.url().startsWith(`${APP_URL}/api/auth/sign-in-callback?`));
  await signIn(page, 'alice');

  const started = await start;
  expect(started.status()).toBe(302);
  expect(started.headers()['cache-control']).toBe(NO_STORE);
  const [transaction] = await cookieWrites(started);
  expect(transaction?.name).toMatch(/^nsa\.tx\.[\w-]+$/);
  expect(transaction?.deleted).toBe(false);

  const completed = await callback;
  expect(completed.status()).toBe(303);
  expect(completed.headers()['cache-control']).toBe(NO_STORE);
  expect(await cookieWrites(completed)).toEqual([
    { name: 'nsa.session', deleted: false },
    { name: transaction?.name, deleted: true },
  ]);

  const signOutResponse = page.waitForResponse((r) => r.url() === `${APP_URL}/api/auth/sign-out`);
  await signOut(page);
  const signedOut = await signOutResponse;
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers()['cache-control']).toBe(NO_STORE);
  expect(await cookieWrites(signedOut)).toEqual([{ name: 'nsa.session', deleted: true }]);

  // A failed callback still deletes its transaction cookie, and is not cacheable either.
  const { state } = await startSignIn(context);
  const failed = await page.goto(`/api/auth/sign-in-callback?error=access_denied&state=${state}`);
  expect(failed?.status()).toBe(400);
  expect(failed?.headers()['cache-control']).toBe(NO_STORE);
  expect(await cookieWrites(failed!)).toEqual([{ name: `nsa.tx.${state}`, deleted: true }]);
});

test('signed out, clicking a guarded link (a client-side navigation) still ends on the IdP login', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('home-status')).toContainText('You are not signed in.');
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL((url) => url.port === new URL(IDP_URL).port);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});
