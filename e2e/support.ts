import { expect } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { subjectForUsername } from '../src/dev-idp/subjectForUsername.js';

export const USERS = {
  alice: { email: 'alice@example.com', password: 'alice-password' },
  bob: { email: 'bob@example.com', password: 'bob-password' },
} as const;

export const IDP_URL = `http://127.0.0.1:${process.env.E2E_IDP_PORT ?? 3300}`;

/** Fills the dev IdP's hosted login form. */
export async function submitIdpLogin(page: Page, email: string, password: string): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`^${IDP_URL.replace(/[.]/g, '\\.')}/`));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in from a guarded page and waits to land back on the app. */
export async function signIn(page: Page, user: keyof typeof USERS, path = '/dashboard'): Promise<void> {
  await page.goto(path);
  await submitIdpLogin(page, USERS[user].email, USERS[user].password);
  await page.waitForURL((url) => url.origin !== new URL(IDP_URL).origin);
}

/** Names of the app's auth cookies in a browser context. */
export async function authCookieNames(context: BrowserContext): Promise<string[]> {
  const cookies = await context.cookies();
  return cookies.map((c) => c.name).filter((n) => /(^|__Host-)nsa\./.test(n)).sort();
}

/** The example app's origin (the config's baseURL). */
export const APP_URL = `http://localhost:${process.env.E2E_APP_PORT ?? 3100}`;

/** The session cookie (`nsa.session` or its chunks) and the per-sign-in transaction cookies (`nsa.tx.<state>`). */
export const SESSION_COOKIE = /^(__Host-)?nsa\.session(\.\d+)?$/;
export const TRANSACTION_COOKIE = /^(__Host-)?nsa\.tx\.[\w-]+$/;

/** The `{ username, userId, email, groups }` that `/api/me` answers for a dev IdP user. */
export const ME = {
  alice: { username: USERS.alice.email, userId: subjectForUsername(USERS.alice.email), email: USERS.alice.email, groups: ['ADMINS'] },
  bob: { username: USERS.bob.email, userId: subjectForUsername(USERS.bob.email), email: USERS.bob.email, groups: [] },
};

/** True when `url` is on the dev IdP. */
export function isIdpUrl(url: string | URL): boolean {
  return new URL(url).origin === new URL(IDP_URL).origin;
}

/** `name=value` of the session cookie (all chunks), to compare a session before and after. */
export async function sessionCookieValues(context: BrowserContext): Promise<string[]> {
  const cookies = await context.cookies(APP_URL);
  return cookies
    .filter((c) => SESSION_COOKIE.test(c.name))
    .map((c) => `${c.name}=${c.value}`)
    .sort();
}

/** A new browser context (own cookies, own IdP session) with `user` signed in on /dashboard. */
export async function newSignedInContext(browser: Browser, user: keyof typeof USERS): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: APP_URL });
  const page = await context.newPage();
  await signIn(page, user);
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS[user].email);
  return { context, page };
}

/** Clicks the header's "Sign out" button (a form POST) and waits to land on the home page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${APP_URL}/`);
}

/**
 * Starts a sign-in through the context's request API (so the transaction
 * cookie lands in the context's jar) without following the redirect, and
 * returns the `state` the app sent to the IdP.
 */
export async function startSignIn(context: BrowserContext, returnTo?: string): Promise<{ state: string; authorizeUrl: URL }> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const response = await context.request.get(`${APP_URL}/api/auth/sign-in${query}`, { maxRedirects: 0 });
  expect(response.status()).toBe(302);
  const authorizeUrl = new URL(response.headers()['location'] ?? '');
  expect(isIdpUrl(authorizeUrl)).toBe(true);
  const state = authorizeUrl.searchParams.get('state') ?? '';
  expect(state).toMatch(/^[\w-]{16,128}$/);
  expect(await authCookieNames(context)).toContain(`nsa.tx.${state}`);
  return { state, authorizeUrl };
}
