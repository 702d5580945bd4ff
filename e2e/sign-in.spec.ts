import { expect, test } from '@playwright/test';
import { authCookieNames, signIn, submitIdpLogin, USERS } from './support.js';

test('signed-out visit to /dashboard → IdP login → back on /dashboard with the email from the server component', async ({ page, context }) => {
  await page.goto('/dashboard');
  await submitIdpLogin(page, USERS.alice.email, USERS.alice.password);
  await expect(page).toHaveURL('/dashboard');
  await expect(page.getByTestId('user-email')).toHaveText('alice@example.com');
  expect(await authCookieNames(context)).toEqual(['nsa.session']);
});

test('a deep link keeps its path and query through sign-in (returnTo)', async ({ page }) => {
  await page.goto('/dashboard?tab=settings#ignored');
  await submitIdpLogin(page, USERS.bob.email, USERS.bob.password);
  await expect(page).toHaveURL('/dashboard?tab=settings');
  await expect(page.getByTestId('user-email')).toHaveText('bob@example.com');
});

test('signing in again while signed in goes straight to the target', async ({ page }) => {
  await signIn(page, 'alice');
  await page.goto('/api/auth/sign-in?returnTo=/admin');
  await expect(page).toHaveURL('/admin');
  await expect(page.getByTestId('admin-heading')).toBeVisible();
});
