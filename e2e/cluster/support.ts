// Helpers for the `cluster` project: the example app's cluster in
// server-session mode (scripts/start-cluster.mjs, SESSION_MODE=server).
import { expect } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { CLUSTER_IDP_URL, CLUSTER_INSTANCE_PORTS, CLUSTER_URL } from './env.js';

/** This stack's dev IdP users (e2e/cluster/users.json): one per test. */
export const CLUSTER_USERS = {
  ann: { email: 'ann@example.com', password: 'ann-password' },
  ben: { email: 'ben@example.com', password: 'ben-password' },
  cat: { email: 'cat@example.com', password: 'cat-password' },
  dan: { email: 'dan@example.com', password: 'dan-password' },
  eve: { email: 'eve@example.com', password: 'eve-password' },
  fay: { email: 'fay@example.com', password: 'fay-password' },
  gus: { email: 'gus@example.com', password: 'gus-password' },
} as const;
export type ClusterUser = keyof typeof CLUSTER_USERS;

/** The server-mode session cookie (one cookie, never chunked). */
export const SID_COOKIE = /^(__Host-|__Secure-)?nsa\.sid$/;
/** Any auth cookie of the app. */
export const AUTH_COOKIE = /^(__Host-|__Secure-)?nsa\./;

export function isClusterIdpUrl(url: string | URL): boolean {
  return new URL(url).origin === new URL(CLUSTER_IDP_URL).origin;
}

/**
 * A new browser context (own cookies, own IdP session) with `user` signed in
 * through the round-robin proxy, on /dashboard.
 */
export async function newClusterContext(
  browser: Browser,
  user: ClusterUser,
  options: { userAgent?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: CLUSTER_URL, ...options });
  const page = await context.newPage();
  await page.goto('/dashboard');
  await expect(page).toHaveURL((url) => isClusterIdpUrl(url));
  await page.getByLabel('Email').fill(CLUSTER_USERS[user].email);
  await page.getByLabel('Password').fill(CLUSTER_USERS[user].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${CLUSTER_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(CLUSTER_USERS[user].email);
  return { context, page };
}

/** The context's auth cookies as a Cookie header: what a thief who copied them would send. */
export async function copyAuthCookies(context: BrowserContext): Promise<string> {
  const cookies = (await context.cookies(CLUSTER_URL)).filter((c) => AUTH_COOKIE.test(c.name));
  expect(cookies.length).toBeGreaterThan(0);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** The context's session cookie as `name=value`, or undefined. */
export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  const cookie = (await context.cookies(CLUSTER_URL)).find((c) => SID_COOKIE.test(c.name));
  return cookie && `${cookie.name}=${cookie.value}`;
}

export interface InstanceResponse {
  status: number;
  location: string | null;
  contentType: string;
  retryAfter: string | null;
  setCookie: string[];
  body: string;
}

/**
 * A request with `cookie` straight to one instance (its own port, no proxy),
 * as a plain client replaying a copied cookie would send it. `navigate`: sent
 * as a top-level document navigation (the guard redirects those to sign-in).
 */
export async function onInstance(port: number, path: string, cookie: string, { navigate = false } = {}): Promise<InstanceResponse> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    redirect: 'manual',
    headers: { cookie, ...(navigate ? { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate', accept: 'text/html' } : { accept: 'application/json' }) },
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    contentType: res.headers.get('content-type') ?? '',
    retryAfter: res.headers.get('retry-after'),
    setCookie: res.headers.getSetCookie(),
    body: await res.text(),
  };
}

/** The email `/api/me` on `port` answers for `cookie`, or its status when not 200. */
export async function meOn(port: number, cookie: string): Promise<string | number> {
  const res = await onInstance(port, '/api/me', cookie);
  return res.status === 200 ? (JSON.parse(res.body) as { email: string }).email : res.status;
}

/** Each instance's answer to `/api/me` for `cookie`, in instance order. */
export async function meOnEveryInstance(cookie: string): Promise<(string | number)[]> {
  return Promise.all(CLUSTER_INSTANCE_PORTS.map((port) => meOn(port, cookie)));
}

/** Set-Cookie lines that delete (or overwrite) the session cookie. */
export function touchesSession(setCookie: string[]): string[] {
  return setCookie.filter((line) => SID_COOKIE.test(line.slice(0, line.indexOf('='))));
}
