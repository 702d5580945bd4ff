// A fresh create-next-app 16 app (Cache Components and Partial Prefetching
// on, e2e/apps/create-next-app) wired only with what the README shows: the
// guard, sign-in, a server component reading the session inside <Suspense>,
// a 'use cache' component keyed by the user id, sign-out, and a server log
// (next build + next start) free of Next.js errors and warnings.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { subjectForUsername } from '../../src/dev-idp/subjectForUsername.js';
import { CNA_APP_DIR, CNA_APP_URL as APP, CNA_IDP_URL as IDP, CNA_LOG } from './env.js';

const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-password' },
  bob: { email: 'bob@example.com', password: 'bob-password' },
} as const;
const IDP_ORIGIN = new RegExp(`^${IDP.replace(/[.]/g, '\\.')}/`);

async function signIn(page: Page, user: keyof typeof USERS): Promise<void> {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(IDP_ORIGIN);
  await page.getByLabel('Email').fill(USERS[user].email);
  await page.getByLabel('Password').fill(USERS[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${APP}/dashboard`);
}

const authCookies = async (context: BrowserContext) => (await context.cookies(APP)).filter((c) => /^(__Host-)?nsa\./.test(c.name));

test('the app is built as create-next-app 16 builds it: Cache Components and Partial Prefetching on', () => {
  const { config } = JSON.parse(readFileSync(`${CNA_APP_DIR}/.next/required-server-files.json`, 'utf8')) as { config: Record<string, unknown> };
  expect(config.cacheComponents).toBe(true);
  expect(config.partialPrefetching).toBe(true);
});

test('guard: a signed-out /dashboard → 307 to sign-in with returnTo; the home page is public', async ({ request }) => {
  const dashboard = await request.get('/dashboard', { maxRedirects: 0 });
  expect(dashboard.status()).toBe(307);
  expect(new URL(dashboard.headers()['location'] ?? '', APP).href).toBe(`${APP}/api/auth/sign-in?returnTo=%2Fdashboard`);
  const home = await request.get('/', { maxRedirects: 0 });
  expect(home.status()).toBe(200);
});

test('sign-in: the server component inside <Suspense> shows the email, the user-keyed cached component the user id', async ({ page, context }) => {
  await signIn(page, 'alice');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  await expect(page.getByTestId('notes-owner')).toHaveText(`Notes of ${subjectForUsername(USERS.alice.email)}`);
  // A plain document request (no client navigation) streams the session read into the HTML.
  const html = await (await context.request.get('/dashboard', { maxRedirects: 0 })).text();
  expect(html).toContain(USERS.alice.email);
});

test("a 'use cache' component keyed by the user id never shows one user's cached result to another", async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext({ baseURL: APP }), browser.newContext({ baseURL: APP })]);
  try {
    const [alice, bob] = await Promise.all(contexts.map((c) => c.newPage()));
    await signIn(alice!, 'alice');
    await signIn(bob!, 'bob');
    await alice!.reload();
    await expect(alice!.getByTestId('user-email')).toHaveText(USERS.alice.email);
    await expect(alice!.getByTestId('notes-owner')).toHaveText(`Notes of ${subjectForUsername(USERS.alice.email)}`);
    await expect(bob!.getByTestId('user-email')).toHaveText(USERS.bob.email);
    await expect(bob!.getByTestId('notes-owner')).toHaveText(`Notes of ${subjectForUsername(USERS.bob.email)}`);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test('sign-out (the README form) clears every auth cookie; /dashboard then asks to sign in again', async ({ page, context }) => {
  await signIn(page, 'alice');
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${APP}/`);
  expect(await authCookies(context)).toEqual([]);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(IDP_ORIGIN);
});

// Last in this file (tests here run in order): every request above has been served.
test('the server log of next build and next start holds no Next.js error or warning', () => {
  const log = readFileSync(CNA_LOG, 'utf8');
  expect(log).toContain('Cache Components enabled'); // it is the build's log
  expect(log).toMatch(/Ready in/); // and next start's
  const bad = log.split('\n').filter((line) => /Error|⨯|⚠|Warning|warn|encountered the unstable value|\bIssues?\b|uncached or runtime data/.test(line));
  expect(bad, `server log lines:\n${bad.join('\n')}`).toEqual([]);
});
