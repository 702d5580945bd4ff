// The core flows on Next 15 with the guard in an edge-runtime middleware.ts
// (e2e/apps/next15). Passing here means the guard and everything it imports
// build and run on the edge runtime.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { nextLogProblems } from '../nextLogProblems.js';
import { NEXT15_APP_URL as APP, NEXT15_IDP_URL as IDP, NEXT15_LOG, NEXT15_TOKEN_TTL } from './env.js';

const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-password' },
  bob: { email: 'bob@example.com', password: 'bob-password' },
} as const;
const IDP_ORIGIN = new RegExp(`^${IDP.replace(/[.]/g, '\\.')}/`);

async function submitIdpLogin(page: Page, user: keyof typeof USERS): Promise<void> {
  await expect(page).toHaveURL(IDP_ORIGIN);
  await page.getByLabel('Email').fill(USERS[user].email);
  await page.getByLabel('Password').fill(USERS[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signIn(page: Page, user: keyof typeof USERS): Promise<void> {
  await page.goto('/dashboard');
  await submitIdpLogin(page, user);
  await expect(page).toHaveURL(`${APP}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS[user].email);
}

const authCookies = async (context: BrowserContext) => (await context.cookies(APP)).filter((c) => /^(__Host-)?nsa\./.test(c.name));
const sessionCookies = async (context: BrowserContext) => (await authCookies(context)).filter((c) => /^(__Host-)?nsa\.session(\.\d+)?$/.test(c.name));

test('the Next 15 build put middleware.ts on the edge runtime', () => {
  // Edge middleware is listed in middleware-manifest.json; a Node.js
  // middleware (runtime: 'nodejs') would not be.
  const manifest = JSON.parse(readFileSync('e2e/apps/next15/.next/server/middleware-manifest.json', 'utf8')) as {
    middleware: Record<string, { name: string; files: string[] }>;
  };
  expect(manifest.middleware['/']?.name).toBe('middleware');
  expect(manifest.middleware['/']?.files).toContain('server/middleware.js');
});

test('edge guard: signed-out /dashboard → 307 to sign-in with returnTo; /api/me → 401 JSON', async ({ request }) => {
  const page = await request.get('/dashboard?tab=settings', { maxRedirects: 0 });
  expect(page.status()).toBe(307);
  expect(page.headers()['location']).toBe(`${APP}/api/auth/sign-in?returnTo=%2Fdashboard%3Ftab%3Dsettings`);

  const api = await request.get('/api/me', { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  expect(((await api.json()) as { error?: unknown }).error).toBe('unauthenticated');
});

test('edge guard, encoded paths: /%64ashboard and /api/m%65 are protected like the plain paths; /dashboard%2F.. and /dashboard;x are refused (400), never the page', async ({ request }) => {
  const encoded = await request.get(`${APP}/%64ashboard`, { maxRedirects: 0 });
  expect(encoded.status()).toBe(307);
  expect(new URL(encoded.headers()['location'] ?? '').pathname).toBe('/api/auth/sign-in');
  const api = await request.get(`${APP}/api/m%65`, { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  for (const path of ['/dashboard%2F..', '/dashboard;x', '/dashboard/%E0%A4', '/dashboard%00']) {
    const response = await request.get(`${APP}${path}`, { maxRedirects: 0 });
    expect(response.status(), path).toBe(400);
    expect(await response.text(), path).not.toContain('data-testid="user-email"');
  }
});

test('sign-in through the edge guard: deep link → IdP → back on it with the email from the server component; /api/me 401 → 200', async ({ page, context }) => {
  expect((await page.request.get('/api/me', { maxRedirects: 0 })).status()).toBe(401);

  await page.goto('/dashboard?tab=settings');
  await submitIdpLogin(page, 'alice');
  await expect(page).toHaveURL(`${APP}/dashboard?tab=settings`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  expect((await sessionCookies(context)).map((c) => c.name)).toEqual(['nsa.session']);

  const me = await page.request.get('/api/me', { maxRedirects: 0 });
  expect(me.status()).toBe(200);
  const body = (await me.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ username: USERS.alice.email, email: USERS.alice.email, groups: ['ADMINS'] });
  expect(body.userId).toEqual(expect.any(String));
});

test('edge guard groups rule: bob on /admin → 403, alice → the admin page', async ({ page, browser }) => {
  await signIn(page, 'bob');
  const denied = await page.goto('/admin');
  expect(denied?.status()).toBe(403);

  const alice = await browser.newPage();
  try {
    await signIn(alice, 'alice');
    await alice.goto('/admin');
    await expect(alice.getByTestId('admin-heading')).toBeVisible();
  } finally {
    await alice.close();
  }
});

test('sign-out clears every auth cookie and lands on /', async ({ page, context }) => {
  await signIn(page, 'alice');
  await page.goto('/');
  await expect(page.getByTestId('home-status')).toContainText(USERS.alice.email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP}/`);
  await expect(page.getByTestId('home-status')).toContainText('not signed in');
  expect(await authCookies(context)).toEqual([]);
  expect((await page.request.get('/api/me', { maxRedirects: 0 })).status()).toBe(401);
});

test(`refresh on the edge: past the ${NEXT15_TOKEN_TTL}s token lifetime, /dashboard still shows the user and the middleware set a new session cookie`, async ({ page, context }) => {
  await signIn(page, 'alice');
  const before = await sessionCookies(context);
  expect(before.length).toBeGreaterThan(0);
  // The cookie carries no expiry of the access token; wait out its whole lifetime.
  await page.waitForTimeout(NEXT15_TOKEN_TTL * 1000 + 1000);

  const response = await page.goto('/dashboard');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(`${APP}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  const setCookies = (await response!.headersArray()).filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
  expect(setCookies.some((line) => /^nsa\.session(\.0)?=[^;]+;/.test(line))).toBe(true);
  expect(response!.headers()['cache-control']).toBe('private, no-store');

  const after = await sessionCookies(context);
  expect(after.length).toBeGreaterThan(0);
  expect(after.map((c) => c.value)).not.toEqual(before.map((c) => c.value));
  expect((await page.request.get('/api/me', { maxRedirects: 0 })).status()).toBe(200);
});

// Last in this file (tests here run in order): every request above has been served.
// Catches, among others, Next's "Compiled with warnings … A Node.js API is used
// (CompressionStream …) which is not supported in the Edge Runtime" when library
// code imports jose's barrel (its JWE modules) into the edge middleware.
test('the server log of next build and next start holds no Next.js error or warning', () => {
  const log = readFileSync(NEXT15_LOG, 'utf8');
  expect(log).toMatch(/Creating an optimized production build/); // it is the build's log
  expect(log).toMatch(/Ready in/); // and next start's
  const bad = nextLogProblems(log);
  expect(bad, `server log lines:\n${bad.join('\n')}`).toEqual([]);
});
