import { expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';

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
