// Amplify's own flow, offline: the real aws-amplify browser library signs in
// on /amplify against the dev IdP (USER_SRP_AUTH, `ssr: true` cookies,
// `userPoolEndpoint`), and the server reads that session through the amplify
// codec (example-app/amplify-auth.ts) behind its guard, with the identity
// pool's identityId. Runs on the `amplify` project's stack (20-second tokens).
import { expect, test } from '@playwright/test';
import type { BrowserContext, Cookie, Page, Request } from '@playwright/test';
import { AMPLIFY_APP_URL, AMPLIFY_IDP_URL, AMPLIFY_TOKEN_TTL } from './amplifyEnv.js';
import { USERS } from './support.js';

const CLIENT_ID = 'amplifyexample';
const AMPLIFY_COOKIE_PREFIX = `CognitoIdentityServiceProvider.${CLIENT_ID}.`;
const SEALED_SESSION_COOKIE = /^(__Host-)?nsa\.session(\.\d+)?$/;
const IDENTITY_ID = /^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALICE = USERS.alice;

interface IdpStats {
  tokenCalls: { refresh_token: number };
  identityCalls: { GetId: number; GetCredentialsForIdentity: number };
}

async function idpStats(): Promise<IdpStats> {
  const response = await fetch(`${AMPLIFY_IDP_URL}/dev/stats`);
  return (await response.json()) as IdpStats;
}

/** Fills the page's form (Amplify's `signIn`) once React has hydrated it (the button is disabled before). */
async function signInWithAmplify(page: Page, password: string = ALICE.password): Promise<void> {
  await page.getByTestId('amplify-username').fill(ALICE.email);
  await page.getByTestId('amplify-password').fill(password);
  await page.getByTestId('amplify-sign-in').click();
}

async function signedInOnAmplifyPage(page: Page): Promise<void> {
  await page.goto('/amplify');
  await signInWithAmplify(page);
  await expect(page.getByTestId('amplify-server-email')).toHaveText(ALICE.email);
  // Both sides agree on the token: the browser library wrote it, the server read it.
  await expect(page.getByTestId('browser-token-jti')).toHaveText(await textOf(page, 'server-token-jti'));
}

async function textOf(page: Page, testId: string): Promise<string> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  expect(text).not.toBe('–');
  return text;
}

async function amplifyCookies(context: BrowserContext): Promise<Cookie[]> {
  return (await context.cookies(AMPLIFY_APP_URL)).filter((c) => decodeURIComponent(c.name).startsWith(AMPLIFY_COOKIE_PREFIX));
}

function cookieNamed(cookies: Cookie[], key: string): Cookie | undefined {
  return cookies.find((c) => decodeURIComponent(c.name) === `${AMPLIFY_COOKIE_PREFIX}${key}`);
}

test.describe('/amplify: Amplify signs in in the browser, the server reads the session', () => {
  test('SRP sign-in through Amplify: the server shows the email and a stable identityId; Amplify cookies, no sealed cookie, no password on the wire', async ({ page, context }) => {
    const toIdp: Request[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(AMPLIFY_IDP_URL)) toIdp.push(request);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/amplify');
    await expect(page.getByTestId('amplify-server-status')).toHaveText('signed out');
    await expect(page.getByTestId('identity-id')).toHaveText('–');

    await signInWithAmplify(page);
    await expect(page.getByTestId('amplify-server-status')).toHaveText('signed in');
    await expect(page.getByTestId('amplify-server-email')).toHaveText(ALICE.email);
    await expect(page.getByTestId('identity-id')).toHaveText(IDENTITY_ID);
    const identityId = await textOf(page, 'identity-id');
    await expect(page.getByTestId('identity-credentials')).toHaveText(/^until \d{4}-/);
    await expect(page.getByTestId('browser-username')).toHaveText(ALICE.email);

    // Amplify's SRP flow: InitiateAuth USER_SRP_AUTH, then the PASSWORD_VERIFIER answer; the password never leaves the browser.
    const calls = toIdp.filter((r) => r.method() === 'POST').map((r) => ({ target: r.headers()['x-amz-target'], body: r.postData() ?? '' }));
    expect(calls.map((c) => c.target)).toEqual(
      expect.arrayContaining(['AWSCognitoIdentityProviderService.InitiateAuth', 'AWSCognitoIdentityProviderService.RespondToAuthChallenge']),
    );
    expect(JSON.parse(calls.find((c) => c.target?.endsWith('.InitiateAuth'))!.body)).toMatchObject({ AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID });
    for (const call of calls) expect(call.body).not.toContain(ALICE.password);

    // The stable identity of this user, across reloads.
    for (let i = 0; i < 2; i++) {
      await page.reload();
      await expect(page.getByTestId('amplify-server-email')).toHaveText(ALICE.email);
      await expect(page.getByTestId('identity-id')).toHaveText(identityId);
    }

    // Amplify's cookies (JavaScript-readable, as Amplify needs), and none of the sealed session.
    const cookies = await amplifyCookies(context);
    expect(cookies.map((c) => decodeURIComponent(c.name).slice(AMPLIFY_COOKIE_PREFIX.length)).sort()).toEqual(
      expect.arrayContaining(['LastAuthUser', `${ALICE.email}.accessToken`, `${ALICE.email}.idToken`, `${ALICE.email}.refreshToken`]),
    );
    expect(cookieNamed(cookies, `${ALICE.email}.accessToken`)?.httpOnly).toBe(false);
    expect((await context.cookies(AMPLIFY_APP_URL)).filter((c) => SEALED_SESSION_COOKIE.test(c.name))).toEqual([]);
    // The two runners do not mix: the rest of the app (sealed-cookie runner) does not take Amplify's cookies as a session.
    expect((await page.request.get('/api/me')).status()).toBe(401);

    // The guarded page of this runner lets the Amplify user in.
    await page.goto('/amplify/private');
    await expect(page.getByTestId('amplify-private-email')).toHaveText(ALICE.email);
    expect(pageErrors).toEqual([]);
  });

  test('a refresh done by the browser library (forceRefresh) is the session the server reads next', async ({ page }) => {
    await signedInOnAmplifyPage(page);
    const before = await textOf(page, 'server-token-jti');
    const identityId = await textOf(page, 'identity-id');
    const refreshes = (await idpStats()).tokenCalls.refresh_token;

    await page.getByTestId('amplify-force-refresh').click();
    await expect(page.getByTestId('browser-token-jti')).not.toHaveText(before);
    const refreshed = await textOf(page, 'browser-token-jti');
    // router.refresh(): the server reads the cookies Amplify just wrote.
    await expect(page.getByTestId('server-token-jti')).toHaveText(refreshed);
    await page.reload();
    await expect(page.getByTestId('server-token-jti')).toHaveText(refreshed);
    await expect(page.getByTestId('identity-id')).toHaveText(identityId);
    // One refresh, the browser's (GetTokensFromRefreshToken): the server did not refresh again.
    expect((await idpStats()).tokenCalls.refresh_token).toBe(refreshes + 1);
  });

  test("a refresh done by the server (access token expired) is what the browser library reads, without refreshing itself", async ({ page, context }) => {
    await signedInOnAmplifyPage(page);
    const before = await textOf(page, 'server-token-jti');
    const iatBefore = Number(await textOf(page, 'server-token-iat'));
    const identityId = await textOf(page, 'identity-id');
    const accessCookieBefore = cookieNamed(await amplifyCookies(context), `${ALICE.email}.accessToken`)?.value;

    // Nothing runs in the page meanwhile: the browser library only refreshes when asked.
    await page.waitForTimeout((AMPLIFY_TOKEN_TTL + 1) * 1000);
    const refreshes = (await idpStats()).tokenCalls.refresh_token;
    // The guard refreshes, writes Amplify's cookies on the response and hands the new tokens to this render.
    await page.reload();
    await expect(page.getByTestId('server-token-jti')).not.toHaveText(before);
    const serverJti = await textOf(page, 'server-token-jti');
    expect(Number(await textOf(page, 'server-token-iat'))).toBeGreaterThan(iatBefore);
    // The browser library reads the server's new token from the cookies: same jti, so not one of its own.
    await expect(page.getByTestId('browser-token-jti')).toHaveText(serverJti);
    expect((await idpStats()).tokenCalls.refresh_token).toBe(refreshes + 1);
    await expect(page.getByTestId('identity-id')).toHaveText(identityId);

    const accessCookie = cookieNamed(await amplifyCookies(context), `${ALICE.email}.accessToken`);
    expect(accessCookie?.value).not.toBe(accessCookieBefore);
    expect(accessCookie?.httpOnly).toBe(false);
  });

  test("a wrong password shows Amplify's NotAuthorizedException and leaves everyone signed out", async ({ page, context }) => {
    await page.goto('/amplify');
    await signInWithAmplify(page, 'not-the-password');
    await expect(page.getByTestId('amplify-error')).toHaveText('NotAuthorizedException: Incorrect username or password.');
    await expect(page.getByTestId('amplify-server-status')).toHaveText('signed out');
    expect(await amplifyCookies(context)).toEqual([]);
  });

  test('Amplify signOut: the server shows signed out, the cookies are gone, the guarded page sends back to the form', async ({ page, context }) => {
    await signedInOnAmplifyPage(page);
    const refreshToken = cookieNamed(await amplifyCookies(context), `${ALICE.email}.refreshToken`)!.value;
    const revoked = page.waitForResponse((r) => r.url().startsWith(AMPLIFY_IDP_URL) && r.request().headers()['x-amz-target'] === 'AWSCognitoIdentityProviderService.RevokeToken');
    await page.getByTestId('amplify-sign-out').click();
    expect((await revoked).status()).toBe(200);
    await expect(page.getByTestId('amplify-server-status')).toHaveText('signed out');
    await expect(page.getByTestId('amplify-server-email')).toHaveText('–');
    await expect(page.getByTestId('identity-id')).toHaveText('–');
    await expect(page.getByTestId('browser-username')).toHaveText('signed out');
    const tokenCookies = (await amplifyCookies(context)).filter((c) => /\.(idToken|accessToken|refreshToken)$/.test(decodeURIComponent(c.name)));
    expect(tokenCookies).toEqual([]);
    // Amplify's signOut revoked the refresh token at the dev IdP: a copy of it no longer refreshes.
    const reuse = await fetch(`${AMPLIFY_IDP_URL}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken' },
      body: JSON.stringify({ ClientId: CLIENT_ID, RefreshToken: decodeURIComponent(refreshToken) }),
    });
    expect(reuse.status).toBe(400);
    expect(reuse.headers.get('x-amzn-errortype')).toMatch(/^NotAuthorizedException/);

    await page.goto('/amplify/private');
    await expect(page).toHaveURL(`${AMPLIFY_APP_URL}/amplify?returnTo=%2Famplify%2Fprivate`);
    // An encoded spelling reaches the same guard (proxy.ts dispatches on the decoded path).
    for (const path of ['/amplify/%70rivate', '/%61mplify/private']) {
      const response = await page.request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(307);
      expect(new URL(response.headers()['location'] ?? '', AMPLIFY_APP_URL).pathname, path).toBe('/amplify');
    }
    // Signing in again from there lands on the guarded page.
    await signInWithAmplify(page);
    await page.waitForURL(`${AMPLIFY_APP_URL}/amplify/private`);
    await expect(page.getByTestId('amplify-private-email')).toHaveText(ALICE.email);
  });
});
