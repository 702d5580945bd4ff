// The client page (/client): useSession hydrated from the server, tabs kept
// in step, and the API proxy to the example's resource server. Tokens must
// never reach the page's JavaScript: the spec unseals the session cookie
// (it knows the stack's AUTH_SECRET, as the server does) to learn the token
// strings, then searches everything a script can read for them.
// The tests read and reset the resource server's counters: they run one after
// another in one worker (one file, fullyParallel off), and no other spec calls it.
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { unsealData } from 'iron-session';
import { ACCESS_TOKEN_TTL, CLIENT_APP_URL, CLIENT_IDP_URL, CLIENT_RESOURCE_URL, startClientStack } from './clientStack.js';
import type { ClientStack } from './clientStack.js';
import { RESOURCE_URL, resetResourceStats, resourceStats } from './resourceServer.js';
import { APP_URL, SESSION_COOKIE, USERS, signIn } from './support.js';

// playwright.config.ts gives the chromium stack this secret.
const AUTH_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-secret';
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The token strings in the browser's session cookie, unsealed as the server does. */
async function sessionTokens(context: BrowserContext, origin = APP_URL, secret = AUTH_SECRET): Promise<{ idToken: string; accessToken: string; refreshToken: string }> {
  const chunks = (await context.cookies(origin))
    .filter((c) => SESSION_COOKIE.test(c.name))
    .sort((a, b) => Number(a.name.split('.').pop()) - Number(b.name.split('.').pop()));
  expect(chunks.length).toBeGreaterThan(0);
  const sealed = chunks.length === 1 ? chunks[0]!.value : chunks.map((c) => c.value).join('');
  const data = await unsealData<{ id: string; at: string; rt?: string }>(sealed, { password: { 1: secret }, ttl: 0 });
  expect(typeof data.at).toBe('string');
  expect(typeof data.rt).toBe('string');
  return { idToken: data.id, accessToken: data.at, refreshToken: data.rt! };
}

/** Signs alice in from /client and waits for the page with her notes. */
async function openClientSignedIn(page: Page): Promise<void> {
  await signIn(page, 'alice', '/client');
  await expect(page).toHaveURL(`${APP_URL}/client`);
  await expect(page.getByTestId('client-user-email')).toHaveText(USERS.alice.email);
  await expect(page.getByTestId('proxy-data')).toContainText('Groceries');
}

/** One raw HTTP request (the path exactly as given: browsers and fetch would normalise `..` and `%2e`). */
function rawRequest(url: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string; location?: string }> {
  const { hostname, port, host } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path, method, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test.describe('the client page on the chromium stack', () => {
  test('useSession shows the user on first paint, rendered by the server, with no request to /api/auth/session', async ({ page }) => {
    await openClientSignedIn(page);

    const requests: string[] = [];
    page.on('request', (req) => requests.push(new URL(req.url()).pathname));
    const response = await page.goto('/client');
    expect(response?.status()).toBe(200);
    // The server's HTML already holds the email inside the client component: no flash, no fetch.
    expect(await response!.text()).toMatch(new RegExp(`data-testid="client-user-email"[^>]*>${USERS.alice.email.replace('.', '\\.')}<`));
    await expect(page.getByTestId('client-status')).toHaveText('authenticated');
    await expect(page.getByTestId('client-user-email')).toHaveText(USERS.alice.email);
    await expect(page.getByTestId('proxy-data')).toContainText('Groceries');
    await expect(page.getByTestId('proxy-data')).toHaveAttribute('data-username', USERS.alice.email);
    await page.waitForLoadState('networkidle');
    expect(requests).toContain('/api/proxy/notes');
    expect(requests.filter((p) => p === '/api/auth/session')).toEqual([]);
  });

  test('signing out in tab A signs tab B out without a reload', async ({ page, context }) => {
    await openClientSignedIn(page);
    const tabB = await context.newPage();
    await tabB.goto('/client');
    await expect(tabB.getByTestId('client-user-email')).toHaveText(USERS.alice.email);
    await tabB.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // Tab A: the client component's sign-out button (a same-origin POST; the IdP logout, then `/`).
    await page.getByTestId('client-sign-out').click();
    await page.waitForURL(`${APP_URL}/`);

    await expect(tabB.getByTestId('client-status')).toHaveText('unauthenticated');
    await expect(tabB.getByTestId('client-user-email')).toHaveCount(0);
    await expect(tabB.getByTestId('proxy-data')).toHaveCount(0);
    await expect(tabB.getByTestId('client-signed-out')).toBeVisible();
    expect(await tabB.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(tabB.url()).toBe(`${APP_URL}/client`);
  });

  test('no token reaches the page: not in document.cookie, storage, globals, the HTML, the hook value or /api/auth/session', async ({ page, context }) => {
    await resetResourceStats();
    await openClientSignedIn(page);
    const tokens = await sessionTokens(context);
    // The proxy sent the resource server exactly the access token the cookie holds: the right string is searched for.
    expect((await resourceStats()).lastTokenSha256).toBe(sha256(tokens.accessToken));

    const serverHtml = await (await page.goto('/client'))!.text();
    await expect(page.getByTestId('proxy-data')).toContainText('Groceries');
    // What useSession() returns, as the page shows it.
    const hookValue = JSON.parse((await page.getByTestId('client-session-json').textContent()) ?? '{}') as { status: string; user: { email?: string } };
    expect(hookValue.status).toBe('authenticated');
    expect(hookValue.user.email).toBe(USERS.alice.email);

    const haystack = await page.evaluate(async () => {
      const found: string[] = [document.cookie, document.documentElement.outerHTML];
      for (const storage of [localStorage, sessionStorage]) {
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i)!;
          found.push(key, storage.getItem(key) ?? '');
        }
      }
      // Every global a script could have put on window (RSC payload included), serialised where possible.
      for (const name of Object.getOwnPropertyNames(window)) {
        try {
          const value = (window as unknown as Record<string, unknown>)[name];
          if (typeof value === 'string') found.push(value);
          else if (value && typeof value === 'object') found.push(JSON.stringify(value) ?? '');
        } catch {
          /* not serialisable (cycles, DOM objects) */
        }
      }
      // What update() would receive.
      found.push(await (await fetch('/api/auth/session', { cache: 'no-store' })).text());
      return found;
    });
    const everything = [...haystack, serverHtml, JSON.stringify(hookValue)].join('\n');
    expect(everything).toContain(USERS.alice.email); // the search does see the page's data

    const secrets = {
      accessToken: tokens.accessToken,
      idToken: tokens.idToken,
      refreshToken: tokens.refreshToken,
      // A JWT's signature alone (a token split or re-encoded would still carry it).
      accessTokenSignature: tokens.accessToken.split('.')[2]!,
      idTokenSignature: tokens.idToken.split('.')[2]!,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(20);
      expect(everything.includes(secret), `${name} found in the page`).toBe(false);
    }
    // Nor any other JWT-shaped string.
    expect(everything.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/g) ?? []).toEqual([]);
  });

  test('the resource server takes only access tokens of this client: an ID token signed by the same keys, a bad signature or none is 401 invalid_token', async ({ page, context }) => {
    await openClientSignedIn(page);
    const tokens = await sessionTokens(context);
    const call = async (authorization?: string) => {
      const res = await fetch(`${RESOURCE_URL}/notes`, { headers: authorization ? { authorization } : {} });
      return { status: res.status, challenge: res.headers.get('www-authenticate'), body: (await res.json()) as Record<string, unknown> };
    };
    const ok = await call(`Bearer ${tokens.accessToken}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: USERS.alice.email });
    const [header, payload, signature] = tokens.accessToken.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (const authorization of [`Bearer ${tokens.idToken}`, `Bearer ${tampered}`, `Bearer ${tokens.refreshToken}`, 'Basic YWxpY2U6eA==', undefined]) {
      const res = await call(authorization);
      expect(res.status, authorization ?? 'no Authorization').toBe(401);
      expect(res.challenge).toBe('Bearer error="invalid_token"');
      expect(res.body).toEqual({ error: 'invalid_token' });
    }
  });

  test('a cross-site POST through the proxy is refused with 403 and the resource server sees nothing', async ({ page, context }) => {
    await openClientSignedIn(page);
    // Control: the same POST from the app's own origin reaches the resource server (which answers 404 for POST /notes).
    await resetResourceStats();
    const sameOrigin = await context.request.post('/api/proxy/notes', { headers: { origin: APP_URL, 'sec-fetch-site': 'same-origin' }, data: { title: 'x' } });
    expect(sameOrigin.status()).toBe(404);
    expect((await resourceStats()).requests).toBe(1);

    await resetResourceStats();
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:9' },
    ];
    for (const headers of crossSite) {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        const res = await context.request[method]('/api/proxy/notes', { headers, data: { title: 'pwned' } });
        expect(res.status(), `${method} ${JSON.stringify(headers)}`).toBe(403);
        expect(res.headers()['set-cookie']).toBeUndefined();
      }
    }

    // A real cross-site form post from another site's page: the browser sends no session
    // cookie (SameSite=Lax) and the proxy's origin check refuses it anyway.
    await page.route('http://evil.example/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form id="f" method="post" action="${APP_URL}/api/proxy/notes"><input name="title" value="pwned"></form><script>document.getElementById('f').submit()</script>`,
      }),
    );
    const posted = page.waitForResponse((r) => r.url() === `${APP_URL}/api/proxy/notes` && r.request().method() === 'POST');
    await page.goto('http://evil.example/');
    expect([401, 403]).toContain((await posted).status());

    expect((await resourceStats()).requests).toBe(0);
  });

  test('an upstream outside the allowlist is unreachable through any path spelling', async ({ page, context }) => {
    await openClientSignedIn(page);
    const cookie = (await context.cookies(APP_URL)).map((c) => `${c.name}=${c.value}`).join('; ');
    // A server the proxy must never call, whatever the path says.
    let evilHits = 0;
    const evil: Server = createServer((_req, res) => {
      evilHits += 1;
      res.end('evil');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilPort = (evil.address() as { port: number }).port;
    const evilHost = `127.0.0.1:${evilPort}`;
    try {
      // Control: the allowed path works with this cookie.
      await resetResourceStats();
      const ok = await rawRequest(APP_URL, '/api/proxy/notes', { cookie });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ username: USERS.alice.email });
      expect((await resourceStats()).byPath).toEqual({ '/notes': 1 });

      await resetResourceStats();
      const attacks = [
        '/api/proxy/notes/../stats',
        '/api/proxy/notes/../../x',
        '/api/proxy/notes/..',
        '/api/proxy/notes/./../stats',
        '/api/proxy/notes/%2e%2e/stats',
        '/api/proxy/notes/%2E%2E/%2E%2E/x',
        '/api/proxy/notes/.%2e/stats',
        '/api/proxy/notes/%2e%2e%2fstats',
        '/api/proxy/notes%2f..%2fstats',
        '/api/proxy/notes/..%2fstats',
        '/api/proxy/notes/%252e%252e/stats',
        '/api/proxy/notes//evil.example/x',
        `/api/proxy/notes//${evilHost}/x`,
        `/api/proxy/notes/%2f%2f${evilHost}/x`,
        '/api/proxy/notes/..\\stats',
        '/api/proxy/notes\\..\\stats',
        '/api/proxy/notes/%5c..%5cstats',
        `/api/proxy/notes/http://${evilHost}/x`,
        `/api/proxy/notes/http:%2f%2f${evilHost}/x`,
        `/api/proxy/http://${evilHost}/x`,
        `/api/proxy/http%3a%2f%2f${evilHost}/x`,
        `/api/proxy//${evilHost}/x`,
        `/api/proxy/notes@${evilHost}/x`,
        `/api/proxy/notes/@${evilHost}`,
        `/api/proxy/notes%40${evilHost}/x`,
        '/api/proxy/notes/%00',
        '/api/proxy/notes/%0d%0aHost:%20evil',
        '/api/proxy/stats',
        '/api/proxy/notesx',
        '/api/proxy/',
        '/api/proxy/notes%2e%2e/stats',
      ];
      const outcomes: Record<string, string> = {};
      for (const path of attacks) {
        // Next answers some spellings with its own 308 to the normalised path; the browser would
        // follow it (same origin) and meet the proxy's checks there: follow it the same way.
        let res = await rawRequest(APP_URL, path, { cookie });
        const chain = [String(res.status)];
        for (let hop = 0; hop < 3 && res.status >= 300 && res.status < 400 && res.location; hop++) {
          const next = new URL(res.location, APP_URL);
          expect(next.origin, `${path} redirects off the app`).toBe(APP_URL);
          res = await rawRequest(APP_URL, `${next.pathname}${next.search}`, { cookie });
          chain.push(`${next.pathname} ${res.status}`);
        }
        outcomes[path] = chain.join(' → ');
        // Refused (400), unknown prefix (404), or Next's own 4xx for a malformed URL: never a 2xx or 5xx.
        expect(res.status, outcomes[path]).toBeGreaterThanOrEqual(400);
        expect(res.status, outcomes[path]).toBeLessThan(500);
        expect(res.body, path).not.toContain('Groceries');
        expect(res.body, path).not.toBe('evil');
      }
      console.log(`[client.spec] path spellings → status: ${JSON.stringify(outcomes)}`);
      // Only the allowed prefix was ever called upstream (Next's redirects turn `//host/x` into
      // the harmless `/notes/host/x`, which the resource server answers 404); nothing else.
      const { byPath } = await resourceStats();
      expect(Object.keys(byPath).filter((p) => p !== '/notes' && !p.startsWith('/notes/')), JSON.stringify(byPath)).toEqual([]);
      expect(evilHits).toBe(0);
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});

test.describe('the client page with 5-second access tokens', () => {
  test.describe.configure({ mode: 'serial' });
  let stack: ClientStack;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    stack = await startClientStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('the page stays signed in across expiry, and the proxy call after expiry succeeds with one refresh at the IdP', async ({ page }) => {
    await page.goto(`${CLIENT_APP_URL}/client`);
    await expect(page).toHaveURL(new RegExp(`^${CLIENT_IDP_URL.replace(/[.]/g, '\\.')}/`));
    await page.getByLabel('Email').fill(USERS.alice.email);
    await page.getByLabel('Password').fill(USERS.alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${CLIENT_APP_URL}/client`);
    await expect(page.getByTestId('client-user-email')).toHaveText(USERS.alice.email);
    await expect(page.getByTestId('proxy-data')).toContainText('Groceries');
    const firstToken = (await resourceStats(CLIENT_RESOURCE_URL)).lastTokenSha256;
    expect(firstToken).not.toBeNull();
    const expiresAt = Date.parse((await page.getByTestId('client-expires').textContent()) ?? '');
    expect(expiresAt).toBeGreaterThan(Date.now());
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(ACCESS_TOKEN_TTL * 1000);
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    stack.idp.resetStats();
    await resetResourceStats(CLIENT_RESOURCE_URL);

    // Past the first access token's expiry (the behaviour under test), not past the next one's refresh window.
    await page.waitForTimeout(Math.max(0, expiresAt - Date.now()) + 500);
    await expect(page.getByTestId('client-status')).toHaveText('authenticated');
    await expect(page.getByTestId('client-user-email')).toHaveText(USERS.alice.email);

    const notes = page.waitForResponse((r) => r.url() === `${CLIENT_APP_URL}/api/proxy/notes`);
    await page.getByTestId('proxy-reload').click();
    expect((await notes).status()).toBe(200);
    await expect(page.getByTestId('proxy-data')).toContainText('Groceries');

    const stats = await resourceStats(CLIENT_RESOURCE_URL);
    expect(stats).toMatchObject({ requests: 1, authorized: 1, rejected: 0 });
    // The upstream got a new access token, and the IdP was asked once for it.
    expect(stats.lastTokenSha256).not.toBe(firstToken);
    expect(stack.idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expect(page.getByTestId('client-status')).toHaveText('authenticated');
    // The hook re-checked around expiry and holds the refreshed session's expiry (no reload, no sign-in).
    await expect
      .poll(async () => Date.parse((await page.getByTestId('client-expires').textContent()) ?? ''), { timeout: 3_000 })
      .toBeGreaterThan(expiresAt);
  });
});
