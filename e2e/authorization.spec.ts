// Who sees what: groups, the JSON API, server actions, two users at once.
import { expect, test } from '@playwright/test';
import { APP_URL, ME, newSignedInContext, signIn, USERS } from './support.js';

test('alice (group ADMINS) reaches /admin', async ({ page }) => {
  await signIn(page, 'alice');
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(`${APP_URL}/admin`);
  await expect(page.getByTestId('admin-heading')).toHaveText('Admin');
  await expect(page.getByTestId('forbidden')).toHaveCount(0);
});

test('bob (no group) gets a 403 page on /admin: status 403 and the forbidden page', async ({ page }) => {
  await signIn(page, 'bob');
  const response = await page.goto('/admin');
  await expect(page).toHaveURL(`${APP_URL}/admin`);
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('admin-heading')).toHaveCount(0);
  expect(response?.status()).toBe(403);
});

test('bob (no group) gets 403 JSON, not a page or redirect, for a server action on /admin', async ({ page }) => {
  await signIn(page, 'bob');
  const action = await page.request.post('/admin', { headers: { 'Next-Action': 'x' }, maxRedirects: 0 });
  expect(action.status()).toBe(403);
  expect(action.headers()['location']).toBeUndefined();
  expect(action.headers()['content-type']).toContain('application/json');
  expect((await action.json()).error).toBe('forbidden');
});

test('/api/me: 401 JSON signed out, the user\'s own { username, userId, email, groups } signed in', async ({ page }) => {
  const signedOut = await page.request.get('/api/me');
  expect(signedOut.status()).toBe(401);
  expect(signedOut.headers()['content-type']).toContain('application/json');
  expect((await signedOut.json()).error).toBe('unauthenticated');

  await signIn(page, 'alice');
  const signedIn = await page.request.get('/api/me');
  expect(signedIn.status()).toBe(200);
  expect(await signedIn.json()).toEqual(ME.alice);
});

test('a server-action request (Next-Action) signed out gets 401 JSON, not a redirect', async ({ request }) => {
  const response = await request.post('/dashboard', { headers: { 'Next-Action': 'x' }, maxRedirects: 0 });
  expect(response.status()).toBe(401);
  expect(response.headers()['location']).toBeUndefined();
  expect(response.headers()['content-type']).toContain('application/json');
  expect((await response.json()).error).toBe('unauthenticated');
});

test('alice and bob signed in at once in two browser contexts each only ever see themselves', async ({ browser }) => {
  const [alice, bob] = await Promise.all([newSignedInContext(browser, 'alice'), newSignedInContext(browser, 'bob')]);
  const sessions = [['alice', alice.page], ['bob', bob.page]] as const;
  try {
    for (let round = 0; round < 3; round++) {
      for (const [user, page] of sessions) {
        await page.goto('/dashboard');
        await expect(page.getByTestId('user-email')).toHaveText(USERS[user].email);
        await expect(page.getByTestId('user-id')).toHaveText(ME[user].userId);
        await expect(page.getByTestId('nav-user')).toHaveText(USERS[user].email);
        expect(await page.request.get('/api/me').then((r) => r.json())).toEqual(ME[user]);
      }
    }
    // Interleaved in flight at the same time.
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sessions[i % 2]![1].request.get('/api/me').then(async (r) => ({ user: sessions[i % 2]![0], body: await r.json() }))),
    );
    for (const { user, body } of burst) expect(body).toEqual(ME[user]);
    await Promise.all(sessions.map(([, page]) => page.goto('/dashboard')));
    for (const [user, page] of sessions) await expect(page.getByTestId('user-email')).toHaveText(USERS[user].email);
  } finally {
    await Promise.all([alice.context.close(), bob.context.close()]);
  }
});

test('a forged session cookie reads as signed out, and a real sign-in replaces it', async ({ page, context }) => {
  await context.addCookies([{ name: 'nsa.session', value: 'Fe26.2**forged**', url: APP_URL }]);
  const me = await page.request.get('/api/me');
  expect(me.status()).toBe(401);
  expect((await me.json()).error).toBe('unauthenticated');

  await signIn(page, 'bob');
  await expect(page).toHaveURL(`${APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.bob.email);
  const cookies = (await context.cookies(APP_URL)).filter((c) => c.name === 'nsa.session');
  expect(cookies).toHaveLength(1);
  expect(cookies[0]?.value).not.toBe('Fe26.2**forged**');
  expect(await page.request.get('/api/me').then((r) => r.json())).toEqual(ME.bob);
});
