// The sign-in callback only completes the sign-in this browser started, once.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { APP_URL, authCookieNames, IDP_URL, signIn, signOut, startSignIn } from './support.js';

const CALLBACK = `${APP_URL}/api/auth/sign-in-callback`;
// The dev IdP advertises RFC 9207: a real authorization response carries `iss`.
const ISS = `iss=${encodeURIComponent(IDP_URL)}`;

async function expectAuthError(page: Page, url: string, status: number, code: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(status);
  expect(response?.headers()['cache-control']).toBe('private, no-store');
  await expect(page.getByTestId('auth-error-code')).toHaveText(code);
}

test('a forged callback (no transaction for its state) is a 400 missing_transaction with no session', async ({ page, context }) => {
  await expectAuthError(page, `${CALLBACK}?code=x&state=forged`, 400, 'missing_transaction');
  await expectAuthError(page, `${CALLBACK}?code=x&state=${'A'.repeat(43)}`, 400, 'missing_transaction');
  await expectAuthError(page, `${CALLBACK}?code=x`, 400, 'missing_transaction');
  expect(await authCookieNames(context)).toEqual([]);

  // A sign-in in flight does not make another state acceptable, and is not consumed by it.
  const { state } = await startSignIn(context);
  await expectAuthError(page, `${CALLBACK}?code=x&state=${'B'.repeat(43)}`, 400, 'missing_transaction');
  expect(await authCookieNames(context)).toEqual([`nsa.tx.${state}`]);
});

test('replaying a used callback URL gives no session, after sign-out and in a fresh context', async ({ page, context, browser }) => {
  const callback = page.waitForRequest((r) => r.url().startsWith(`${CALLBACK}?`));
  await signIn(page, 'alice');
  const callbackUrl = (await callback).url();
  expect(new URL(callbackUrl).searchParams.get('code')).toBeTruthy();
  await signOut(page);

  await expectAuthError(page, callbackUrl, 400, 'missing_transaction');
  expect(await authCookieNames(context)).toEqual([]);
  expect((await page.request.get('/api/me')).status()).toBe(401);

  const other = await browser.newContext({ baseURL: APP_URL });
  try {
    const otherPage = await other.newPage();
    await expectAuthError(otherPage, callbackUrl, 400, 'missing_transaction');
    expect(await authCookieNames(other)).toEqual([]);

    // With a transaction of its own, the stolen code under that state still fails: used, and bound to another PKCE verifier.
    const { state } = await startSignIn(other);
    const stolen = new URL(callbackUrl);
    stolen.searchParams.set('state', state);
    await expectAuthError(otherPage, stolen.href, 400, 'token_exchange_failed');
    expect(await authCookieNames(other)).toEqual([]);
    expect((await otherPage.request.get('/api/me')).status()).toBe(401);
  } finally {
    await other.close();
  }
});

test('a callback with a real state but a bogus code is token_exchange_failed, and the transaction is used up', async ({ page, context }) => {
  const { state } = await startSignIn(context);
  await expectAuthError(page, `${CALLBACK}?code=bogus-code&state=${state}&${ISS}`, 400, 'token_exchange_failed');
  expect(await authCookieNames(context)).toEqual([]);
  expect((await page.request.get('/api/me')).status()).toBe(401);
  // Single use: the same state cannot be tried again.
  await expectAuthError(page, `${CALLBACK}?code=bogus-code&state=${state}&${ISS}`, 400, 'missing_transaction');
});

test('an IdP error (access_denied) for a real state is shown as access_denied with no session', async ({ page, context }) => {
  const { state } = await startSignIn(context);
  await expectAuthError(page, `${CALLBACK}?error=access_denied&error_description=User+cancelled&state=${state}&${ISS}`, 400, 'access_denied');
  expect(await authCookieNames(context)).toEqual([]);
  expect((await page.request.get('/api/me')).status()).toBe(401);
});

test('a callback for a real state without iss (the IdP advertises RFC 9207) or with another issuer is invalid_response with no session', async ({ page, context }) => {
  for (const extra of ['', `&iss=${encodeURIComponent('http://127.0.0.1:1')}`]) {
    const { state } = await startSignIn(context);
    await expectAuthError(page, `${CALLBACK}?code=bogus-code&state=${state}${extra}`, 400, 'invalid_response');
    expect(await authCookieNames(context)).toEqual([]);
  }
  expect((await page.request.get('/api/me')).status()).toBe(401);
});
