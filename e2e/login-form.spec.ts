// The example app's own sign-in, sign-up and password-reset forms (/login):
// cognito.* server actions against the dev IdP's Cognito user-pool API, in
// Chromium. The session is the sealed httpOnly cookie; no token may reach the
// page (HTML, RSC payloads, server-action responses, document.cookie).
// Every test that changes or locks a user makes its own (unique per run): the
// other specs share alice and bob.
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page, Response } from '@playwright/test';
import { messageFor } from '../example-app/app/login/messages.js';
import { APP_URL, IDP_URL, SESSION_COOKIE, USERS } from './support.js';
import { OIDC_APP_URL, OIDC_IDP_URL, startOidcLoginStack } from './oidcLoginStack.js';

const CLIENT_ID = 'next-server-auth-example';
// Two base64url JSON segments: a compact JWT's header and payload (also a JWE's first two parts).
const JWT_PARTS = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;

/** A username nobody else uses. */
function freshUsername(label: string): string {
  return `form-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** One call to the dev IdP's Cognito JSON API, as the AWS SDK makes it (for test setup only). */
async function cognitoApi(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${IDP_URL}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify({ ClientId: CLIENT_ID, ...body }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${String(json.__type)}`);
  return json;
}

/** The code the dev IdP "sent" (its /dev routes stand in for the user's inbox). */
async function devCode(username: string, kind: 'confirmation-code' | 'password-reset-code'): Promise<string> {
  const response = await fetch(`${IDP_URL}/dev/users/${encodeURIComponent(username)}/${kind}`);
  expect(response.status, `${kind} of ${username}`).toBe(200);
  const { code } = (await response.json()) as { code: string };
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

/** A confirmed user made through the JSON API, for tests that change or lock it. */
async function createUser(label: string, password = 'first-password-1'): Promise<{ username: string; password: string }> {
  const username = freshUsername(label);
  await cognitoApi('SignUp', { Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: username }] });
  await cognitoApi('ConfirmSignUp', { Username: username, ConfirmationCode: await devCode(username, 'confirmation-code') });
  return { username, password };
}

/**
 * Clicks a form's submit button, waits for its server action (a POST to the
 * page) to answer and for React to finish with it (the form's `aria-busy`
 * drops; it also resets the fields then, so typing earlier would be lost).
 */
async function submit(page: Page, testId: string): Promise<Response> {
  const action = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(APP_URL));
  await page.getByTestId(testId).click();
  const response = await action;
  await expect(page.locator('form[aria-busy="true"]')).toHaveCount(0);
  return response;
}

async function fillSignIn(page: Page, username: string, password: string): Promise<Response> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  return submit(page, 'login-submit');
}

async function sessionCookies(context: BrowserContext) {
  return (await context.cookies(APP_URL)).filter((c) => SESSION_COOKIE.test(c.name));
}

/** The header segments (`eyJ…`) of the dev IdP's ID and access tokens: one signing key, so every token it issues shares them. */
async function tokenHeaders(): Promise<string[]> {
  const { AuthenticationResult } = (await cognitoApi('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: USERS.bob.email, PASSWORD: USERS.bob.password },
  })) as { AuthenticationResult: { IdToken: string; AccessToken: string } };
  return [AuthenticationResult.IdToken, AuthenticationResult.AccessToken].map((token) => token.split('.')[0]!);
}

test.describe('/login: the app\'s own forms on cognito.* server actions', () => {
  test('sign in by the form → /dashboard shows the email; the session is an httpOnly cookie and no token reaches the page', async ({ page, context }) => {
    const postBodies: Promise<string>[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'POST') postBodies.push(response.text().catch(() => ''));
    });
    await page.goto('/login');
    await expect(page.getByTestId('login-error')).toHaveCount(0);
    await fillSignIn(page, USERS.alice.email, USERS.alice.password);
    await expect(page).toHaveURL(`${APP_URL}/dashboard`);
    await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
    await expect(page.getByTestId('nav-user')).toHaveText(USERS.alice.email);

    const cookies = await sessionCookies(context);
    expect(cookies.map((c) => c.name)).toEqual(['nsa.session']);
    for (const cookie of cookies) expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const documentCookie = await page.evaluate(() => document.cookie);
    expect(documentCookie).not.toContain('nsa.session');
    const bodies = await Promise.all(postBodies);
    expect(bodies.length).toBeGreaterThan(0); // the server action's answer (the redirect's RSC payload)
    const headers = await tokenHeaders();
    const texts: [string, string][] = [
      ['document.cookie', documentCookie],
      ['page HTML', await page.content()],
      ...bodies.map((body, i): [string, string] => [`POST response ${i}`, body]),
    ];
    for (const [where, text] of texts) {
      expect(text, where).not.toMatch(JWT_PARTS);
      for (const header of headers) expect(text, where).not.toContain(header);
    }
  });

  test('wrong password and unknown user get the same message and set no session cookie', async ({ page, context }) => {
    await page.goto('/login');
    await fillSignIn(page, USERS.bob.email, 'not-bobs-password');
    await expect(page.getByTestId('login-error')).toHaveText(messageFor('InvalidCredentials'));
    const wrongPassword = await page.getByTestId('login-error').textContent();
    // The form keeps the email (not the password) after an error.
    await expect(page.getByTestId('login-username')).toHaveValue(USERS.bob.email);
    await expect(page.getByTestId('login-password')).toHaveValue('');
    expect(await sessionCookies(context)).toEqual([]);

    await fillSignIn(page, freshUsername('nobody'), 'some-password');
    await expect(page.getByTestId('login-username')).toHaveValue(/^form-nobody-/);
    await expect(page.getByTestId('login-error')).toHaveText(wrongPassword!);
    expect(await sessionCookies(context)).toEqual([]);
    await expect(page).toHaveURL(`${APP_URL}/login`);
    // Still signed out: the guard sends /dashboard to the hosted sign-in.
    const dashboard = await context.request.get('/dashboard', { maxRedirects: 0, headers: { 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' } });
    expect(dashboard.status()).toBe(307);
  });

  test('sign up → sign-in before confirming says so → confirm with the emailed code (a wrong one is a CodeMismatch) → sign in', async ({ page }) => {
    const username = freshUsername('signup');
    const password = 'signup-password-1';
    await page.goto('/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page).toHaveURL(`${APP_URL}/login/sign-up`);
    await page.getByTestId('signup-username').fill(username);
    await page.getByTestId('signup-password').fill(password);
    await submit(page, 'signup-submit');
    await expect(page).toHaveURL(`${APP_URL}/login/confirm?${new URLSearchParams({ username })}`);
    await expect(page.getByTestId('confirm-username')).toHaveValue(username);

    // The same email again: taken.
    await page.goto('/login/sign-up');
    await page.getByTestId('signup-username').fill(username);
    await page.getByTestId('signup-password').fill(password);
    await submit(page, 'signup-submit');
    await expect(page.getByTestId('signup-error')).toHaveText(messageFor('UsernameExists'));

    // Not confirmed yet: the sign-in form says so and links to the confirmation form.
    await page.goto('/login');
    await fillSignIn(page, username, password);
    await expect(page.getByTestId('login-error')).toContainText(messageFor('UserNotConfirmed'));
    await page.getByTestId('login-error').getByRole('link', { name: 'Confirm your account' }).click();
    await expect(page).toHaveURL(`${APP_URL}/login/confirm?${new URLSearchParams({ username })}`);

    const code = await devCode(username, 'confirmation-code');
    await page.getByTestId('confirm-code').fill(code === '000000' ? '111111' : '000000');
    await submit(page, 'confirm-submit');
    await expect(page.getByTestId('confirm-error')).toHaveText(messageFor('CodeMismatch'));
    await expect(page.getByTestId('confirm-username')).toHaveValue(username);

    await page.getByTestId('confirm-code').fill(code);
    await submit(page, 'confirm-submit');
    await expect(page).toHaveURL(`${APP_URL}/login?${new URLSearchParams({ notice: 'confirmed', username })}`);
    await expect(page.getByTestId('login-notice')).toBeVisible();
    await expect(page.getByTestId('login-username')).toHaveValue(username);
    await page.getByTestId('login-password').fill(password);
    await submit(page, 'login-submit');
    await expect(page).toHaveURL(`${APP_URL}/dashboard`);
    await expect(page.getByTestId('user-email')).toHaveText(username);
  });

  test('reset the password with the emailed code (a wrong one is a CodeMismatch) → the new password signs in, the old one no longer does', async ({ page }) => {
    const user = await createUser('reset');
    const newPassword = 'second-password-2';
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(`${APP_URL}/login/reset`);
    await page.getByTestId('reset-username').fill(user.username);
    await submit(page, 'reset-submit');
    await expect(page).toHaveURL(`${APP_URL}/login/reset?${new URLSearchParams({ step: 'code', username: user.username })}`);
    await expect(page.getByTestId('reset-username')).toHaveValue(user.username);

    const code = await devCode(user.username, 'password-reset-code');
    await page.getByTestId('reset-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('reset-new-password').fill(newPassword);
    await submit(page, 'reset-confirm-submit');
    await expect(page.getByTestId('reset-error')).toHaveText(messageFor('CodeMismatch'));

    await page.getByTestId('reset-code').fill(code);
    await page.getByTestId('reset-new-password').fill(newPassword);
    await submit(page, 'reset-confirm-submit');
    await expect(page).toHaveURL(`${APP_URL}/login?${new URLSearchParams({ notice: 'password-changed', username: user.username })}`);
    await expect(page.getByTestId('login-notice')).toBeVisible();

    await fillSignIn(page, user.username, user.password);
    await expect(page.getByTestId('login-error')).toHaveText(messageFor('InvalidCredentials'));
    await fillSignIn(page, user.username, newPassword);
    await expect(page).toHaveURL(`${APP_URL}/dashboard`);
    await expect(page.getByTestId('user-email')).toHaveText(user.username);
  });

  test('a reset requested for an unknown email answers like a known one (no account enumeration)', async ({ page }) => {
    const unknown = freshUsername('unknown-reset');
    await page.goto('/login/reset');
    await page.getByTestId('reset-username').fill(unknown);
    await submit(page, 'reset-submit');
    await expect(page).toHaveURL(`${APP_URL}/login/reset?${new URLSearchParams({ step: 'code', username: unknown })}`);
    await expect(page.getByTestId('reset-error')).toHaveCount(0);
  });

  test('repeated wrong passwords lock the account: the TooManyRequests message, even for the right password, and no session', async ({ page, context }) => {
    const user = await createUser('lockout');
    await page.goto('/login');
    // The dev IdP, like Cognito, locks a user after 5 failures in a row.
    for (let attempt = 1; attempt <= 5; attempt++) {
      await fillSignIn(page, user.username, `wrong-password-${attempt}`);
      await expect(page.getByTestId('login-error'), `attempt ${attempt}`).toHaveText(messageFor('InvalidCredentials'));
    }
    await fillSignIn(page, user.username, 'wrong-password-6');
    await expect(page.getByTestId('login-error')).toHaveText(messageFor('TooManyRequests'));
    await fillSignIn(page, user.username, user.password);
    await expect(page.getByTestId('login-error')).toHaveText(messageFor('TooManyRequests'));
    await expect(page).toHaveURL(`${APP_URL}/login`);
    expect(await sessionCookies(context)).toEqual([]);
  });

  test('returnTo=//evil.example (and other off-site targets) is not followed after a form sign-in; a same-origin path is', async ({ page }) => {
    const offSite: string[] = [];
    page.on('request', (request) => {
      const { origin } = new URL(request.url());
      if (origin !== APP_URL) offSite.push(request.url());
    });
    for (const returnTo of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/.//evil.example']) {
      await page.goto(`/login?${new URLSearchParams({ returnTo })}`);
      await fillSignIn(page, USERS.alice.email, USERS.alice.password);
      await expect(page, returnTo).toHaveURL(`${APP_URL}/dashboard`);
    }
    await page.goto(`/login?${new URLSearchParams({ returnTo: '/admin?tab=users' })}`);
    await fillSignIn(page, USERS.alice.email, USERS.alice.password);
    await expect(page).toHaveURL(`${APP_URL}/admin?tab=users`);
    expect(offSite).toEqual([]);
  });
});

test.describe('/login without JavaScript (the same server actions, as plain form posts)', () => {
  test.use({ javaScriptEnabled: false });

  test('a wrong password shows the message on the re-rendered page; the right one lands on returnTo', async ({ page, context }) => {
    await page.goto(`/login?${new URLSearchParams({ returnTo: '/admin' })}`);
    await page.getByTestId('login-username').fill(USERS.alice.email);
    await page.getByTestId('login-password').fill('not-alices-password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toHaveText(messageFor('InvalidCredentials'));
    expect(await sessionCookies(context)).toEqual([]);

    await page.getByTestId('login-username').fill(USERS.alice.email);
    await page.getByTestId('login-password').fill(USERS.alice.password);
    await page.getByTestId('login-submit').click();
    await expect(page).toHaveURL(`${APP_URL}/admin`);
    await expect(page.getByTestId('admin-heading')).toBeVisible();
    expect((await sessionCookies(context)).map((c) => c.httpOnly)).toEqual([true]);
  });
});

test.describe('/login with a generic OIDC provider (DEV_IDP_MODE=oidc)', () => {
  let stack: { stop(): Promise<void> } | undefined;
  test.beforeAll(async () => {
    stack = await startOidcLoginStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('says the forms need a Cognito user pool and links to the hosted sign-in, which works', async ({ browser }) => {
    const context = await browser.newContext({ baseURL: OIDC_APP_URL });
    const page = await context.newPage();
    for (const path of ['/login?returnTo=%2Fdashboard', '/login/sign-up', '/login/confirm', '/login/reset']) {
      await page.goto(path);
      await expect(page.getByTestId('login-unavailable'), path).toContainText('Cognito user pool');
      await expect(page.getByTestId('login-username')).toHaveCount(0);
      await expect(page.getByTestId('signup-username')).toHaveCount(0);
    }
    await page.goto('/login?returnTo=%2Fdashboard');
    await expect(page.getByTestId('login-hosted-link')).toHaveAttribute('href', '/api/auth/sign-in?returnTo=%2Fdashboard');
    await page.getByTestId('login-hosted-link').click();
    await expect(page).toHaveURL(new RegExp(`^${OIDC_IDP_URL.replace(/[.]/g, '\\.')}/`));
    await page.getByLabel('Email').fill(USERS.alice.email);
    await page.getByLabel('Password').fill(USERS.alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(`${OIDC_APP_URL}/dashboard`);
    await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
    await context.close();
  });
});
