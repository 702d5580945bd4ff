// Server-side sessions across the example app's cluster (three `next start`
// instances behind a round-robin proxy, one Redis, the dev IdP): sign-out,
// "sign out this device", "sign out everywhere", the IdP's back-channel
// logout and a Redis outage, each checked on every instance.
// Every test signs in its own user, so a session list holds only its own
// sessions. The tests of this file run one after another (one worker): the
// outage test freezes the Redis all of them share.
import { expect, test } from '@playwright/test';
import { CLUSTER_IDP_URL, CLUSTER_INSTANCE_PORTS, CLUSTER_REDIS_PORT, CLUSTER_URL } from './env.js';
import { freezeRedis } from './redis.js';
import {
  AUTH_COOKIE,
  CLUSTER_USERS,
  copyAuthCookies,
  isClusterIdpUrl,
  meOnEveryInstance,
  newClusterContext,
  onInstance,
  sessionCookie,
  SID_COOKIE,
  touchesSession,
} from './support.js';

/** The example app's client at the dev IdP (example-app/auth.ts). */
const CLIENT_ID = 'next-server-auth-example';
const ALL_401 = CLUSTER_INSTANCE_PORTS.map(() => 401);
const everyInstance = (email: string) => CLUSTER_INSTANCE_PORTS.map(() => email);
/** `name=value` of the session cookie. */
const SID_COOKIE_PAIR = new RegExp(`^${SID_COOKIE.source.slice(1, -1)}=[^;]+$`);
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

test('the session is one small cookie: nsa.sid, httpOnly, under 200 bytes, the only auth cookie the browser sends', async ({ browser }) => {
  const { context, page } = await newClusterContext(browser, 'eve');
  const cookies = (await context.cookies(CLUSTER_URL)).filter((c) => AUTH_COOKIE.test(c.name));
  expect(cookies.map((c) => c.name)).toEqual(['nsa.sid']);
  const [sid] = cookies;
  expect(`${sid!.name}=${sid!.value}`.length).toBeLessThan(200);
  expect(sid!.httpOnly).toBe(true);
  expect(sid!.sameSite).toBe('Lax');
  expect(sid!.path).toBe('/');

  // What a request really carries: one auth cookie, no session chunks.
  const request = page.waitForRequest((r) => r.url() === `${CLUSTER_URL}/dashboard`);
  await page.goto('/dashboard');
  const sent = ((await (await request).allHeaders())['cookie'] ?? '').split('; ').filter((pair) => AUTH_COOKIE.test(pair));
  expect(sent).toEqual([`${sid!.name}=${sid!.value}`]);
  await expect(page.getByTestId('user-email')).toHaveText(CLUSTER_USERS.eve.email);
  await context.close();
});

test('/client with server sessions: the client component shows the user, and every instance proxies /api/proxy/notes with the token from the store', async ({ browser }) => {
  const { context, page } = await newClusterContext(browser, 'eve');
  await page.goto('/client');
  await expect(page.getByTestId('client-user-email')).toHaveText(CLUSTER_USERS.eve.email);
  await expect(page.getByTestId('proxy-data')).toHaveAttribute('data-username', CLUSTER_USERS.eve.email);
  const cookie = await copyAuthCookies(context);
  for (const port of CLUSTER_INSTANCE_PORTS) {
    const notes = await onInstance(port, '/api/proxy/notes', cookie);
    expect(notes.status, `instance on ${port}`).toBe(200);
    expect((JSON.parse(notes.body) as { username: string }).username).toBe(CLUSTER_USERS.eve.email);
    // The browser's cookie is never rewritten by the proxy: the token came from the record.
    expect(notes.setCookie).toEqual([]);
  }
  await context.close();
});

test('a stolen copy of the session cookie, replayed to each instance after sign-out, is signed out everywhere (even where it was cached)', async ({ browser }) => {
  const { context, page } = await newClusterContext(browser, 'ann');
  const copied = await copyAuthCookies(context);
  // The copy works on each instance first (each now holds it in its cache).
  expect(await meOnEveryInstance(copied)).toEqual(everyInstance(CLUSTER_USERS.ann.email));

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${CLUSTER_URL}/`);
  await expect(page.getByTestId('home-status')).toContainText('You are not signed in.');
  expect(await sessionCookie(context)).toBeUndefined();

  // The copy replayed by a plain client, straight to each instance.
  await expect.poll(() => meOnEveryInstance(copied)).toEqual(ALL_401);
  for (const port of CLUSTER_INSTANCE_PORTS) {
    const dashboard = await onInstance(port, '/dashboard', copied, { navigate: true });
    expect(dashboard.status, `instance on ${port}`).toBe(307);
    expect(new URL(dashboard.location ?? '', CLUSTER_URL).pathname).toBe('/api/auth/sign-in');
    expect(dashboard.body).not.toContain(CLUSTER_USERS.ann.email);
  }
  await context.close();
});

test('/sessions lists each browser; "sign out this device" ends that one, "sign out everywhere" ends the others on every instance', async ({ browser }) => {
  const a = await newClusterContext(browser, 'ben');
  const b = await newClusterContext(browser, 'ben');
  const c = await newClusterContext(browser, 'ben', { userAgent: FIREFOX_ON_LINUX });
  const cookieB = await copyAuthCookies(b.context);
  const cookieC = await copyAuthCookies(c.context);

  await a.page.getByRole('link', { name: 'Sessions' }).click();
  await expect(a.page).toHaveURL(`${CLUSTER_URL}/sessions`);
  const rows = a.page.getByTestId('session-row');
  await expect(rows).toHaveCount(3);
  await expect(a.page.getByTestId('this-device')).toHaveCount(1);
  await expect(rows.filter({ has: a.page.getByTestId('this-device') })).toHaveAttribute('data-current', 'true');
  for (const row of await rows.all()) {
    await expect(row.getByTestId('session-created')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await expect(row.getByTestId('session-last-seen')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
  }
  // Each row names its browser: A's and B's the project's Chrome, C's Firefox (full string in the title).
  const chromeAgent = await a.page.evaluate(() => navigator.userAgent);
  await expect(a.page.locator(`[data-testid="session-agent"][title="${chromeAgent}"]`)).toHaveCount(2);
  const firefoxRow = rows.filter({ hasText: 'Firefox on Linux' });
  await expect(firefoxRow).toHaveCount(1);
  await expect(firefoxRow.getByTestId('session-agent')).toHaveAttribute('title', FIREFOX_ON_LINUX);
  await expect(firefoxRow.getByTestId('this-device')).toHaveCount(0);

  // B sees the same three sessions, its own marked.
  await b.page.goto('/sessions');
  await expect(b.page.getByTestId('session-row')).toHaveCount(3);
  await expect(b.page.getByTestId('this-device')).toHaveCount(1);

  // Both copies work on every instance (and sit in every instance's cache).
  expect(await meOnEveryInstance(cookieB)).toEqual(everyInstance(CLUSTER_USERS.ben.email));
  expect(await meOnEveryInstance(cookieC)).toEqual(everyInstance(CLUSTER_USERS.ben.email));

  // "Sign out this device" on C's row (the Firefox one), from A.
  await firefoxRow.getByRole('button', { name: 'Sign out this device' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Firefox on Linux' })).toHaveCount(0);
  await expect.poll(() => meOnEveryInstance(cookieC)).toEqual(ALL_401);
  expect(await meOnEveryInstance(cookieB)).toEqual(everyInstance(CLUSTER_USERS.ben.email));
  await c.page.goto('/');
  await expect(c.page.getByTestId('home-status')).toContainText('You are not signed in.');

  // "Sign out everywhere" from A: A lands on / signed out, B is signed out everywhere.
  await a.page.getByTestId('sign-out-everywhere').click();
  await a.page.waitForURL(`${CLUSTER_URL}/`);
  await expect(a.page.getByTestId('home-status')).toContainText('You are not signed in.');
  await expect.poll(() => meOnEveryInstance(cookieB)).toEqual(ALL_401);
  // A's IdP session ended too (the page's action signs out at the IdP): a new sign-in asks for the password.
  await a.page.goto('/dashboard');
  await expect(a.page).toHaveURL((url) => isClusterIdpUrl(url));
  await expect(a.page.getByLabel('Password')).toBeVisible();
  // B's next navigation, through the proxy: signed out, and its dead cookie is cleared.
  await b.page.goto('/');
  await expect(b.page.getByTestId('home-status')).toContainText('You are not signed in.');
  const dashboard = await b.context.request.get('/dashboard', { maxRedirects: 0, headers: { 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' } });
  expect(dashboard.status()).toBe(307);
  expect(new URL(dashboard.headers()['location'] ?? '', CLUSTER_URL).pathname).toBe('/api/auth/sign-in');
  for (const ctx of [a, b, c]) await ctx.context.close();
});

test('"Sign out this device" on the current row signs this browser out everywhere, the user\'s other browser stays signed in', async ({ browser }) => {
  const p = await newClusterContext(browser, 'fay');
  const q = await newClusterContext(browser, 'fay');
  const cookieP = await copyAuthCookies(p.context);
  const cookieQ = await copyAuthCookies(q.context);
  expect(await meOnEveryInstance(cookieP)).toEqual(everyInstance(CLUSTER_USERS.fay.email));

  await p.page.goto('/sessions');
  const rows = p.page.getByTestId('session-row');
  await expect(rows).toHaveCount(2);
  await rows.filter({ has: p.page.getByTestId('this-device') }).getByRole('button', { name: 'Sign out this device' }).click();
  // Finishes as a sign-out: through the IdP's logout, back on / signed out, no cookie left.
  await p.page.waitForURL(`${CLUSTER_URL}/`);
  await expect(p.page.getByTestId('home-status')).toContainText('You are not signed in.');
  expect(await sessionCookie(p.context)).toBeUndefined();
  await expect.poll(() => meOnEveryInstance(cookieP)).toEqual(ALL_401);

  expect(await meOnEveryInstance(cookieQ)).toEqual(everyInstance(CLUSTER_USERS.fay.email));
  await q.page.goto('/sessions');
  await expect(q.page.getByTestId('session-row')).toHaveCount(1);
  await expect(q.page.getByTestId('this-device')).toHaveCount(1);
  // Leaves fay with no session (a repeated run starts from two rows again).
  await q.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await q.page.waitForURL(`${CLUSTER_URL}/`);
  await p.context.close();
  await q.context.close();
});

test('the IdP ending its session (back-channel logout) signs that session out on every instance: /logout ends one IdP session, the admin sign-out every one of the user', async ({
  browser,
  request,
}) => {
  // Two browsers of cat: two IdP sessions (two `sid`s).
  const x = await newClusterContext(browser, 'cat');
  const y = await newClusterContext(browser, 'cat');
  const cookieX = await copyAuthCookies(x.context);
  const cookieY = await copyAuthCookies(y.context);
  expect(await meOnEveryInstance(cookieX)).toEqual(everyInstance(CLUSTER_USERS.cat.email));
  expect(await meOnEveryInstance(cookieY)).toEqual(everyInstance(CLUSTER_USERS.cat.email));

  // X signs out at the IdP itself (Cognito's /logout), not through the app: the
  // IdP POSTs a logout_token with X's sid to /api/auth/backchannel-logout (through the proxy: one instance).
  const logoutUrl = new URL('/logout', CLUSTER_IDP_URL);
  logoutUrl.searchParams.set('client_id', CLIENT_ID);
  logoutUrl.searchParams.set('logout_uri', `${CLUSTER_URL}/api/auth/sign-out-callback`);
  await x.page.goto(logoutUrl.href);
  await x.page.waitForURL(`${CLUSTER_URL}/`);
  // The app never saw this sign-out: its cookie is still in X's jar, but dead on every instance.
  expect(await sessionCookie(x.context)).toBeDefined();
  await expect.poll(() => meOnEveryInstance(cookieX)).toEqual(ALL_401);
  await x.page.goto('/');
  await expect(x.page.getByTestId('home-status')).toContainText('You are not signed in.');
  // Y's IdP session is another one: still signed in everywhere.
  expect(await meOnEveryInstance(cookieY)).toEqual(everyInstance(CLUSTER_USERS.cat.email));

  // The dev IdP's admin sign-out ends every IdP session of cat: Y's app session ends everywhere too.
  const logout = await request.post(`${CLUSTER_IDP_URL}/dev/users/${encodeURIComponent(CLUSTER_USERS.cat.email)}/logout`);
  expect(logout.status()).toBe(200);
  expect(await logout.json()).toMatchObject({ failed: 0 });
  await expect.poll(() => meOnEveryInstance(cookieY)).toEqual(ALL_401);
  await y.page.goto('/');
  await expect(y.page.getByTestId('home-status')).toContainText('You are not signed in.');
  // The IdP session is gone too: signing in asks for the password again.
  await y.page.goto('/dashboard');
  await expect(y.page).toHaveURL((url) => isClusterIdpUrl(url));
  await expect(y.page.getByLabel('Password')).toBeVisible();
  await x.context.close();
  await y.context.close();
});

test('Redis down: guarded pages answer 503, the API 503 JSON, the cookie is kept; once Redis is back the same browser is signed in without signing in again', async ({
  browser,
}) => {
  const { context, page } = await newClusterContext(browser, 'dan');
  const before = await sessionCookie(context);
  expect(before).toMatch(SID_COOKIE_PAIR);
  const copied = await copyAuthCookies(context);
  expect(await meOnEveryInstance(copied)).toEqual(everyInstance(CLUSTER_USERS.dan.email));
  const idpRequests: string[] = [];
  context.on('request', (r) => {
    if (isClusterIdpUrl(r.url())) idpRequests.push(r.url());
  });

  const redis = await freezeRedis(CLUSTER_REDIS_PORT);
  try {
    // Every instance learns its pub/sub connection dropped and stops trusting
    // its cache: each answers 503, never "signed out".
    for (const port of CLUSTER_INSTANCE_PORTS) {
      await expect.poll(async () => (await onInstance(port, '/api/me', copied)).status, { message: `API on ${port}` }).toBe(503);
      const api = await onInstance(port, '/api/me', copied);
      expect(api.contentType).toContain('application/json');
      expect(JSON.parse(api.body)).toMatchObject({ error: 'session_store_unavailable' });
      expect(api.retryAfter).toMatch(/^\d+$/);
      expect(touchesSession(api.setCookie)).toEqual([]);

      const dashboard = await onInstance(port, '/dashboard', copied, { navigate: true });
      expect(dashboard.status, `page on ${port}`).toBe(503);
      expect(dashboard.contentType).toContain('text/html');
      expect(dashboard.location).toBeNull();
      expect(dashboard.body).toContain('data-testid="session-store-unavailable"');
      expect(touchesSession(dashboard.setCookie)).toEqual([]);
    }
    // Pages without a guard rule and the Pages Router read the session themselves: the app
    // shows "cannot check your session" (public pages) or a 503, never a 500 or "signed out".
    for (const port of CLUSTER_INSTANCE_PORTS) {
      for (const path of ['/', '/team']) {
        const publicPage = await onInstance(port, path, copied, { navigate: true });
        expect(publicPage.status, `${path} on ${port}`).toBe(200);
        expect(publicPage.body).toContain('We cannot check your session right now');
        expect(publicPage.body).toContain('data-testid="nav-unavailable"');
        expect(touchesSession(publicPage.setCookie)).toEqual([]);
      }
      const legacyPage = await onInstance(port, '/legacy/profile', copied, { navigate: true });
      expect(legacyPage.status, `/legacy/profile on ${port}`).toBe(503);
      const legacyApi = await onInstance(port, '/api/legacy/me', copied);
      expect(legacyApi.status, `/api/legacy/me on ${port}`).toBe(503);
      expect(JSON.parse(legacyApi.body)).toEqual({ error: 'session_store_unavailable' });
    }
    // The browser, through the proxy: a 503 page, still on /dashboard, cookie untouched.
    const response = await page.goto('/dashboard');
    expect(response?.status()).toBe(503);
    await expect(page).toHaveURL(`${CLUSTER_URL}/dashboard`);
    expect(await sessionCookie(context)).toBe(before);
  } finally {
    redis.resume();
  }

  // Back: the same cookie reads as dan again on every instance, and in the browser.
  await expect.poll(() => meOnEveryInstance(copied), { timeout: 30_000 }).toEqual(everyInstance(CLUSTER_USERS.dan.email));
  await page.goto('/dashboard');
  await expect(page).toHaveURL(`${CLUSTER_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(CLUSTER_USERS.dan.email);
  expect(await sessionCookie(context)).toBe(before);
  expect(idpRequests).toEqual([]);
  await context.close();
});

test('Redis hung with its connections open: cached sessions keep working; /sessions says it cannot list or end them, and ends nothing', async ({ browser }) => {
  const { context, page } = await newClusterContext(browser, 'gus');
  const copied = await copyAuthCookies(context);
  const before = await sessionCookie(context);
  // Every instance holds the session in its cache (proxy, route handler and page bundles).
  for (const port of CLUSTER_INSTANCE_PORTS) {
    for (const path of ['/dashboard', '/sessions']) expect((await onInstance(port, path, copied, { navigate: true })).status).toBe(200);
  }
  expect(await meOnEveryInstance(copied)).toEqual(everyInstance(CLUSTER_USERS.gus.email));

  const redis = await freezeRedis(CLUSTER_REDIS_PORT, { dropConnections: false });
  try {
    // The push channel looks up, so cached reads stay valid: no store call, no outage for the user.
    expect(await meOnEveryInstance(copied)).toEqual(everyInstance(CLUSTER_USERS.gus.email));
    await page.goto('/dashboard');
    await expect(page.getByTestId('user-email')).toHaveText(CLUSTER_USERS.gus.email);
    // Listing needs the store: a message, not an error page.
    const sessions = await page.goto('/sessions');
    expect(sessions?.status()).toBe(200);
    await expect(page.getByTestId('sessions-unavailable')).toContainText('cannot be listed');
    await expect(page.getByTestId('session-row')).toHaveCount(0);
    // So does ending sessions: back here with "not signed out", the cookie kept.
    await page.getByTestId('sign-out-everywhere').click();
    await expect(page).toHaveURL(`${CLUSTER_URL}/sessions?unavailable=1`);
    await expect(page.getByTestId('sessions-unavailable')).toContainText('were not signed out');
    expect(await sessionCookie(context)).toBe(before);
  } finally {
    redis.resume();
  }

  // Back: the session is still there and listed.
  await expect
    .poll(async () => {
      await page.goto('/sessions');
      return page.getByTestId('session-row').count();
    })
    .toBe(1);
  await expect(page.getByTestId('this-device')).toHaveCount(1);
  expect(await meOnEveryInstance(copied)).toEqual(everyInstance(CLUSTER_USERS.gus.email));
  await context.close();
});
