// A fresh create-next-app 16 app (Cache Components and Partial Prefetching
// on, e2e/apps/create-next-app) wired only with what the README shows: the
// guard, sign-in, a server component reading the session inside <Suspense>,
// a 'use cache' component keyed by the user id, a groups rule, sign-out
// through the IdP, and a server log (next build + next start) free of Next.js
// errors and warnings.
// Run once per dev IdP mode (env.ts): `create-next-app` against the default
// cognito mode (flavor 'cognito': groups from cognito:groups, sign-out through
// Cognito's /logout?client_id&logout_uri) and `create-next-app-oidc` against
// oidc mode (flavor 'generic': groups from `groups`, sign-out through
// discovery's end_session_endpoint with post_logout_redirect_uri).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { subjectForUsername } from '../../src/dev-idp/subjectForUsername.js';
import { nextLogProblems } from '../nextLogProblems.js';
import { cnaStack } from './env.js';
import type { CnaStack } from './env.js';

const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-password' },
  bob: { email: 'bob@example.com', password: 'bob-password' },
} as const;

/** This project's stack (the app and dev IdP it runs against). */
const stack = (): CnaStack => cnaStack(test.info().project.name);
const idpPage = (s: CnaStack) => new RegExp(`^${s.idpUrl.replace(/[.]/g, '\\.')}/`);

/** Signs in from /dashboard with the IdP's form (each test's browser context starts without an IdP session). */
async function signIn(page: Page, user: keyof typeof USERS): Promise<void> {
  const s = stack();
  await page.goto('/dashboard');
  await expect(page).toHaveURL(idpPage(s));
  await page.getByLabel('Email').fill(USERS[user].email);
  await page.getByLabel('Password').fill(USERS[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${s.appUrl}/dashboard`);
}

const authCookies = async (context: BrowserContext) => (await context.cookies(stack().appUrl)).filter((c) => /^(__Host-)?nsa\./.test(c.name));

test('the app is built as create-next-app 16 builds it: Cache Components and Partial Prefetching on', () => {
  const { config } = JSON.parse(readFileSync(`${stack().appDir}/.next/required-server-files.json`, 'utf8')) as { config: Record<string, unknown> };
  expect(config.cacheComponents).toBe(true);
  expect(config.partialPrefetching).toBe(true);
});

test("the dev IdP runs in this project's mode: end_session_endpoint only as a generic OIDC provider", async ({ request }) => {
  const s = stack();
  const discovery = (await (await request.get(`${s.idpUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  if (s.idpMode === 'oidc') expect(discovery.end_session_endpoint).toBe(`${s.idpUrl}/logout`);
  else expect(discovery).not.toHaveProperty('end_session_endpoint');
});

test('guard: a signed-out /dashboard → 307 to sign-in with returnTo; the home page is public', async ({ request }) => {
  const { appUrl } = stack();
  const dashboard = await request.get('/dashboard', { maxRedirects: 0 });
  expect(dashboard.status()).toBe(307);
  expect(new URL(dashboard.headers()['location'] ?? '', appUrl).href).toBe(`${appUrl}/api/auth/sign-in?returnTo=%2Fdashboard`);
  const home = await request.get('/', { maxRedirects: 0 });
  expect(home.status()).toBe(200);
});

test('sign-in: the server component inside <Suspense> shows the email, the user-keyed cached component the user id', async ({ page, context }) => {
  const s = stack();
  const authorize = page.waitForRequest((request) => request.url().startsWith(`${s.idpUrl}/oauth2/authorize?`));
  await signIn(page, 'alice');
  // A generic provider issues a refresh token only for offline_access, which the oidc-mode
  // dev IdP lists in discovery: the generic flavor asks for it ('auto'); Cognito needs none.
  const scopes = new URL((await authorize).url()).searchParams.get('scope')?.split(' ') ?? [];
  expect(scopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
  expect(scopes.includes('offline_access')).toBe(s.idpMode === 'oidc');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  await expect(page.getByTestId('notes-owner')).toHaveText(`Notes of ${subjectForUsername(USERS.alice.email)}`);
  // A plain document request (no client navigation) streams the session read into the HTML.
  const html = await (await context.request.get('/dashboard', { maxRedirects: 0 })).text();
  expect(html).toContain(USERS.alice.email);
});

test("groups come from the flavor's claim (cognito:groups or groups): alice (ADMINS) opens /admin, bob gets 403", async ({ browser }) => {
  const { appUrl } = stack();
  const contexts = await Promise.all([browser.newContext({ baseURL: appUrl }), browser.newContext({ baseURL: appUrl })]);
  try {
    const [alice, bob] = await Promise.all(contexts.map((c) => c.newPage()));
    await signIn(alice!, 'alice');
    await expect(alice!.getByTestId('user-groups')).toHaveText('ADMINS');
    expect((await alice!.goto('/admin'))?.status()).toBe(200);
    await expect(alice!.getByRole('heading', { name: 'Admin' })).toBeVisible();
    await signIn(bob!, 'bob');
    await expect(bob!.getByTestId('user-groups')).toHaveText('none');
    expect((await bob!.goto('/admin'))?.status()).toBe(403);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});

test("a 'use cache' component keyed by the user id never shows one user's cached result to another", async ({ browser }) => {
  const { appUrl } = stack();
  const contexts = await Promise.all([browser.newContext({ baseURL: appUrl }), browser.newContext({ baseURL: appUrl })]);
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

test('sign-out (the README form) clears every auth cookie and ends the IdP session: the next sign-in asks for the password', async ({ page, context }) => {
  const s = stack();
  await signIn(page, 'alice');
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  const idpRequests: URL[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.url().startsWith(`${s.idpUrl}/`)) idpRequests.push(new URL(request.url()));
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${s.appUrl}/`);
  expect(await authCookies(context)).toEqual([]);
  // Through the IdP's sign-out endpoint, the way the flavor says.
  const logout = idpRequests.find((url) => url.pathname === '/logout');
  expect(logout, `IdP navigations: ${idpRequests.map((u) => u.href).join(', ')}`).toBeDefined();
  const callback = `${s.appUrl}/api/auth/sign-out-callback`;
  if (s.idpMode === 'oidc') {
    // Generic: discovery's end_session_endpoint, RP-initiated logout.
    expect(logout!.searchParams.get('post_logout_redirect_uri')).toBe(callback);
    expect(logout!.searchParams.get('id_token_hint')).toBeTruthy();
    expect(logout!.searchParams.has('logout_uri')).toBe(false);
  } else {
    // Cognito: /logout?client_id&logout_uri.
    expect(logout!.searchParams.get('logout_uri')).toBe(callback);
    expect(logout!.searchParams.get('client_id')).toBe('next-server-auth-example');
    expect(logout!.searchParams.has('post_logout_redirect_uri')).toBe(false);
  }
  // The IdP session is gone: /dashboard stops at the IdP's sign-in form instead of coming straight back.
  await page.goto('/dashboard');
  await expect(page).toHaveURL(idpPage(s));
  await expect(page.getByLabel('Password')).toBeVisible();
  await page.getByLabel('Email').fill(USERS.alice.email);
  await page.getByLabel('Password').fill(USERS.alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${s.appUrl}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
});

// Last in this file (tests here run in order): every request above has been served.
test('the server log of next build and next start holds no Next.js error or warning', () => {
  const log = readFileSync(stack().log, 'utf8');
  expect(log).toContain('Cache Components enabled'); // it is the build's log
  expect(log).toMatch(/Ready in/); // and next start's
  const bad = nextLogProblems(log);
  expect(bad, `server log lines:\n${bad.join('\n')}`).toEqual([]);
});
