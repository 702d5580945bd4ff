// The example app's /sessions page with the default sealed cookie (the
// `chromium` stack: `npm start`, one process, no store): no device list, but
// "sign out everywhere" still ends the user's other browsers.
import { expect, test } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { APP_URL, isIdpUrl, sessionCookieValues, submitIdpLogin } from './support.js';

/** A fresh account (sign-up at the dev IdP): the cut-off this spec records touches no other spec's user. */
async function signUpNewUser(browser: Browser): Promise<{ email: string; password: string }> {
  const email = `sessions-${Date.now()}-${test.info().workerIndex}@example.com`;
  const password = 'sessions-page-password';
  const context = await browser.newContext({ baseURL: APP_URL });
  const page = await context.newPage();
  await page.goto('/api/auth/sign-up');
  await expect(page).toHaveURL((url) => isIdpUrl(url));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('Sessions Page');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await context.close();
  return { email, password };
}

test('/sessions with cookie sessions explains there is no device list, and "sign out everywhere" signs out another browser of the user', async ({ browser }) => {
  const user = await signUpNewUser(browser);
  const signedIn = async () => {
    const context = await browser.newContext({ baseURL: APP_URL });
    const page = await context.newPage();
    await page.goto('/dashboard');
    await submitIdpLogin(page, user.email, user.password);
    await expect(page).toHaveURL(`${APP_URL}/dashboard`);
    await expect(page.getByTestId('user-email')).toHaveText(user.email);
    return { context, page };
  };
  const a = await signedIn();
  const b = await signedIn();
  const cookieB = (await sessionCookieValues(b.context)).join('; ');
  const meWithB = async () => (await fetch(`${APP_URL}/api/me`, { headers: { cookie: cookieB } })).status;
  expect(await meWithB()).toBe(200);

  await a.page.getByRole('link', { name: 'Sessions' }).click();
  await expect(a.page).toHaveURL(`${APP_URL}/sessions`);
  await expect(a.page.getByRole('heading', { name: 'Your sessions' })).toBeVisible();
  await expect(a.page.getByTestId('sessions-cookie-mode')).toContainText('SESSION_MODE=server');
  await expect(a.page.getByTestId('session-row')).toHaveCount(0);

  await a.page.getByTestId('sign-out-everywhere').click();
  await a.page.waitForURL(`${APP_URL}/`);
  await expect(a.page.getByTestId('home-status')).toContainText('You are not signed in.');
  expect(await sessionCookieValues(a.context)).toEqual([]);

  // B, signed in before the cut-off: its cookie (also replayed by a plain client) is signed out.
  await expect.poll(meWithB).toBe(401);
  await b.page.goto('/');
  await expect(b.page.getByTestId('home-status')).toContainText('You are not signed in.');
  // B's IdP session is still on, and an SSO sign-in would bring back B's
  // pre-cut-off auth_time: the app asks the IdP for a fresh login instead of looping.
  await b.page.goto('/dashboard');
  await expect(b.page).toHaveURL((url) => isIdpUrl(url));
  await expect(b.page.getByLabel('Password')).toBeVisible();
  // A's IdP session ended too: signing in again asks for the password (an SSO
  // sign-in would bring back an auth_time before the cut-off and be refused, in a loop).
  await a.page.goto('/dashboard');
  await expect(a.page).toHaveURL((url) => isIdpUrl(url));
  await expect(a.page.getByLabel('Password')).toBeVisible();
  await a.context.close();
  await b.context.close();
});

test('/sessions is guarded: signed out, it redirects to sign-in', async ({ request }) => {
  const response = await request.get('/sessions', { maxRedirects: 0, headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' } });
  expect(response.status()).toBe(307);
  const location = new URL(response.headers()['location'] ?? '', APP_URL);
  expect(location.pathname).toBe('/api/auth/sign-in');
  expect(location.searchParams.get('returnTo')).toBe('/sessions');
});
