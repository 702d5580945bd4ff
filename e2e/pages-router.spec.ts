import { expect, test } from '@playwright/test';
import { ME, signIn, submitIdpLogin, USERS } from './support.js';

test('Pages Router page: signed out it redirects to sign-in and back; signed in getServerSideProps shows the user', async ({ page }) => {
  await page.goto('/legacy/profile');
  await submitIdpLogin(page, USERS.bob.email, USERS.bob.password);
  await expect(page).toHaveURL('/legacy/profile');
  await expect(page.getByTestId('user-email')).toHaveText(USERS.bob.email);
  await expect(page.getByTestId('username')).toHaveText(USERS.bob.email);
});

test('Pages Router API route: 401 JSON signed out, the same JSON as /api/me signed in', async ({ page }) => {
  const signedOut = await page.request.get('/api/legacy/me');
  expect(signedOut.status()).toBe(401);
  expect(await signedOut.json()).toEqual({ error: 'unauthenticated' });
  expect(signedOut.headers()['cache-control']).toBe('private, no-store');

  await signIn(page, 'alice');
  const legacy = await page.request.get('/api/legacy/me');
  expect(legacy.status()).toBe(200);
  expect(await legacy.json()).toEqual(ME.alice);
  const app = await page.request.get('/api/me');
  expect(await app.json()).toEqual(await legacy.json());
});
