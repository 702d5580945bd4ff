// Token refresh against a running `next start`: the proxy guard, route
// handlers and server components, with 5-second access tokens and an IdP
// the tests stop and restart. Runs its own stack (see refreshStack.ts).
import { expect, test } from '@playwright/test';
import type { Cookie } from '@playwright/test';
import { subjectForUsername } from '../src/dev-idp/subjectForUsername.js';
import {
  CLIENT_ID,
  cookieHeader,
  REFRESH_APP_URL as APP,
  REFRESH_IDP_URL as IDP,
  SESSION_COOKIE,
  SIGN_OUT_CALLBACK,
  sessionCookies,
  signInOnRefreshStack,
  startRefreshStack,
  waitPastExpiry,
} from './refreshStack.js';
import type { RefreshStack } from './refreshStack.js';
import { USERS } from './support.js';

test.describe.configure({ mode: 'serial' });

const ALICE_ME = { username: USERS.alice.email, userId: subjectForUsername(USERS.alice.email), email: USERS.alice.email, groups: ['ADMINS'] };
const IDP_ORIGIN = new RegExp(`^${IDP.replace(/[.]/g, '\\.')}/`);

let stack: RefreshStack;
const refreshCalls = () => stack.idp.stats().tokenCalls.refresh_token;
const values = (cookies: readonly Cookie[]) => cookies.map((c) => `${c.name}=${c.value}`);

test.beforeAll(async () => {
  test.setTimeout(90_000);
  stack = await startRefreshStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

test('an expired session on a guarded page is refreshed once by the guard, and the page renders the user with a new cookie', async ({ page, context }) => {
  await signInOnRefreshStack(page);
  const before = await sessionCookies(context);
  expect(before.length).toBeGreaterThan(0);
  await waitPastExpiry(page);

  stack.idp.resetStats();
  const response = await page.goto(`${APP}/dashboard`);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(`${APP}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  await expect(page.getByTestId('nav-user')).toHaveText(USERS.alice.email);

  const after = await sessionCookies(context);
  expect(after.length).toBeGreaterThan(0);
  expect(values(after)).not.toEqual(values(before));
  // The guard forwarded the new cookie on the request: the layout and the
  // page (server components of the same request) did not refresh again.
  expect(refreshCalls()).toBe(1);
});

test('a refresh storm: 50 parallel /api/me requests with one expired session → all 200 for alice, one refresh at the IdP', async ({ page, context }) => {
  await signInOnRefreshStack(page);
  const cookie = cookieHeader(await sessionCookies(context));
  expect(cookie).toMatch(/^nsa\.session/);
  await waitPastExpiry(page);

  stack.idp.resetStats();
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => fetch(`${APP}/api/me`, { headers: { cookie }, redirect: 'manual' })),
  );
  const results = await Promise.all(
    responses.map(async (res) => ({ status: res.status, body: (await res.json()) as unknown, setCookies: res.headers.getSetCookie() })),
  );
  expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));
  for (const r of results) {
    expect(r.body).toEqual(ALICE_ME);
    // Every response hands the browser the refreshed session.
    expect(r.setCookies.some((l) => /^nsa\.session(\.0)?=[^;]+;/.test(l) && !/Max-Age=0/i.test(l))).toBe(true);
  }
  expect(refreshCalls()).toBe(1);
});

test('a refresh token revoked at the IdP → redirect to sign-in, and every session cookie is cleared', async ({ page, context }) => {
  await signInOnRefreshStack(page);
  const captured = await sessionCookies(context);
  expect(captured.length).toBeGreaterThan(0);

  // Cognito's /logout ends the IdP session and revokes its grants: the refresh token dies.
  stack.idp.resetStats();
  await page.goto(`${IDP}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(SIGN_OUT_CALLBACK)}`);
  await expect(page).toHaveURL(`${APP}/`);
  expect(stack.idp.stats().logouts).toBe(1);
  // The app's cookie is still there: whatever clears it below is the failed refresh.
  expect(values(await sessionCookies(context))).toEqual(values(captured));

  await waitPastExpiry(page);
  stack.idp.resetStats();
  await page.goto(`${APP}/dashboard`);
  await expect(page).toHaveURL(IDP_ORIGIN);
  await expect(page.getByLabel('Email')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(refreshCalls()).toBe(1);
  expect(await sessionCookies(context)).toEqual([]);
  // Only the new sign-in's transaction cookie remains.
  const appCookies = (await context.cookies(APP)).map((c) => c.name).filter((n) => /(^|__Host-)nsa\./.test(n));
  expect(appCookies.length).toBeGreaterThan(0);
  for (const name of appCookies) expect(name).toMatch(/^nsa\.tx\./);

  // The redirect itself, for the copy of the cookie captured before.
  const res = await fetch(`${APP}/dashboard`, { headers: { cookie: cookieHeader(captured) }, redirect: 'manual' });
  expect(res.status).toBe(307);
  // Next.js writes same-origin redirect locations relative.
  expect(new URL(res.headers.get('location') ?? '', `${APP}/dashboard`).href).toBe(`${APP}/api/auth/sign-in?returnTo=%2Fdashboard`);
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  const lines = res.headers.getSetCookie();
  for (const { name } of captured) {
    const line = lines.find((l) => l.startsWith(`${name}=`));
    expect(line, `Set-Cookie for ${name}`).toBeDefined();
    expect(line).toMatch(new RegExp(`^${name.replace(/[.]/g, '\\.')}=;`));
    expect(line).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
  }
  // Nothing sets a session cookie to a value.
  expect(lines.filter((l) => SESSION_COOKIE.test(l.split('=')[0]!) && !/^[^=]+=;/.test(l))).toEqual([]);
});

test('the IdP down when a refresh is due → 503, cookies intact; IdP back → signed in again without a new login', async ({ page, context }) => {
  await signInOnRefreshStack(page);
  const before = await sessionCookies(context);
  expect(before.length).toBeGreaterThan(0);

  await stack.idp.close();
  let restarted = false;
  try {
    await waitPastExpiry(page);
    const response = await page.goto(`${APP}/dashboard`);
    expect(response?.status()).toBe(503);
    await expect(page.getByTestId('auth-unavailable')).toBeVisible();
    expect(values(await sessionCookies(context))).toEqual(values(before));

    const api = await page.request.get(`${APP}/api/me`, { maxRedirects: 0 });
    expect(api.status()).toBe(503);
    expect(((await api.json()) as { error?: unknown }).error).toBe('idp_unavailable');
    expect(values(await sessionCookies(context))).toEqual(values(before));

    await stack.restartIdp();
    restarted = true;
  } finally {
    if (!restarted) await stack.restartIdp();
  }

  stack.idp.resetStats();
  const response = await page.reload();
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(`${APP}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  expect(refreshCalls()).toBe(1);
  expect(stack.idp.stats().tokenCalls.authorization_code).toBe(0);
  expect(values(await sessionCookies(context))).not.toEqual(values(before));
});

test('server components only (/team is outside the proxy matcher): an expired session renders as signed in on every load, with one refresh in total', async ({ page, context }) => {
  await signInOnRefreshStack(page);
  const before = await sessionCookies(context);
  expect(before.length).toBeGreaterThan(0);
  // Only the document requests for /team reach the app: the router's prefetches
  // of /dashboard and /admin would go through the guard, which may set cookies.
  await page.route(`${APP}/**`, (route) => (new URL(route.request().url()).searchParams.has('_rsc') ? route.abort() : route.continue()));
  await waitPastExpiry(page);

  stack.idp.resetStats();
  for (let load = 0; load < 3; load++) {
    const response = await page.goto(`${APP}/team`);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId('team-status')).toContainText('Welcome back, Alice Example.');
    await expect(page.getByTestId('nav-user')).toHaveText(USERS.alice.email);
    if (load === 0) {
      // The guard is another bundle than the pages: it must know the refresh
      // the server components just did, not send the rotated-out refresh token
      // to the IdP again (which revokes the whole grant and signs alice out).
      const guarded = await fetch(`${APP}/dashboard`, { headers: { cookie: cookieHeader(before) }, redirect: 'manual' });
      expect(guarded.status).toBe(200);
      expect(await guarded.text()).toContain(`data-testid="user-email">${USERS.alice.email}<`);
      expect(guarded.headers.getSetCookie().some((l) => /^nsa\.session(\.0)?=[^;]+;/.test(l) && !/Max-Age=0/i.test(l))).toBe(true);
    }
  }
  // Server components cannot set cookies: the old one kept coming back, and
  // every render (and the guard) reused the one refresh.
  expect(refreshCalls()).toBe(1);
  expect(values(await sessionCookies(context))).toEqual(values(before));
});
