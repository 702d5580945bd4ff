// Passwords and new accounts at the dev IdP's hosted pages.
import { expect, test } from '@playwright/test';
import { APP_URL, authCookieNames, isIdpUrl, signOut, submitIdpLogin, TRANSACTION_COOKIE, USERS } from './support.js';

test('a wrong password stays on the IdP login page with its error, and the app sets no session cookie', async ({ page, context }) => {
  await page.goto('/dashboard');
  const rejected = page.waitForResponse((r) => r.request().method() === 'POST' && isIdpUrl(r.url()));
  await submitIdpLogin(page, USERS.alice.email, 'not-alice-password');
  expect((await rejected).status()).toBe(401);

  expect(isIdpUrl(page.url())).toBe(true);
  await expect(page.getByRole('alert')).toHaveText('Incorrect username or password.');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // Only the sign-in in flight (its transaction cookie), no session.
  const names = await authCookieNames(context);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(TRANSACTION_COOKIE);
  expect((await page.request.get('/api/me')).status()).toBe(401);

  // The same sign-in still completes with the right password.
  await submitIdpLogin(page, USERS.alice.email, USERS.alice.password);
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
  expect(await authCookieNames(context)).toEqual(['nsa.session']);
});

test('sign-up of a new user from the "Sign up" link, sign-out, then sign-in again with that user', async ({ page, context }) => {
  const email = `new-user-${Date.now()}-${test.info().workerIndex}@example.com`;
  const password = 'new-user-password';

  await page.goto('/');
  await page.getByRole('link', { name: 'Sign up', exact: true }).click();
  await expect(page).toHaveURL((url) => isIdpUrl(url));
  await expect(page.getByRole('heading', { name: 'Sign up' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill('New User');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();

  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(email);
  await expect(page.getByTestId('username')).toHaveText(email);
  await expect(page.getByTestId('groups')).toHaveText('none');
  const userId = await page.getByTestId('user-id').textContent();
  expect(await authCookieNames(context)).toEqual(['nsa.session']);

  await signOut(page);
  expect(await authCookieNames(context)).toEqual([]);

  await page.goto('/dashboard');
  await submitIdpLogin(page, email, password);
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(email);
  await expect(page.getByTestId('user-id')).toHaveText(userId ?? '');
  expect(await page.request.get('/api/me').then((r) => r.json())).toEqual({ username: email, userId, email, groups: [] });
});

test('signing up with an email that already has an account stays on the IdP with its error and no session', async ({ page, context }) => {
  await page.goto('/api/auth/sign-up');
  await expect(page).toHaveURL((url) => isIdpUrl(url));
  await page.getByLabel('Email').fill(USERS.bob.email);
  await page.getByLabel('Name').fill('Another Bob');
  await page.getByLabel('Password').fill('another-password');
  const rejected = page.waitForResponse((r) => r.request().method() === 'POST' && isIdpUrl(r.url()));
  await page.getByRole('button', { name: 'Sign up' }).click();
  expect((await rejected).status()).toBe(409);
  await expect(page.getByRole('alert')).toHaveText('An account with this email already exists.');
  expect(isIdpUrl(page.url())).toBe(true);
  expect((await authCookieNames(context)).filter((n) => !TRANSACTION_COOKIE.test(n))).toEqual([]);
});
