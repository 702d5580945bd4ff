// `returnTo` never leads off the app's origin (open redirect).
import { expect, test } from '@playwright/test';
import { APP_URL, isIdpUrl, signIn, submitIdpLogin, USERS } from './support.js';

const PAYLOADS = [
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/%2F%2Fevil.example',
  '%2F%2Fevil.example',
  'https://evil.example',
  'http:evil.example',
  '//user:pass@evil.example',
  '/@evil.example',
  'javascript:alert(1)',
  'data:text/html,x',
  '/\t/evil.example',
  '  //evil.example',
];

/** Where each payload may land: a same-origin path stays as it is, everything else falls back to the default. */
function expectedLanding(payload: string): string {
  return payload === '/%2F%2Fevil.example' || payload === '/@evil.example' ? `${APP_URL}${payload}` : `${APP_URL}/dashboard`;
}

const signInWith = (payload: string) => `/api/auth/sign-in?returnTo=${encodeURIComponent(payload)}`;

test('already signed in: sign-in?returnTo=<payload> redirects to the app\'s own origin for every payload', async ({ page }) => {
  await signIn(page, 'alice');
  for (const payload of PAYLOADS) {
    const response = await page.request.get(signInWith(payload), { maxRedirects: 0 });
    expect(response.status(), payload).toBe(303);
    const location = new URL(response.headers()['location'] ?? '', APP_URL);
    expect(location.origin, payload).toBe(APP_URL);
    expect(location.href, payload).toBe(expectedLanding(payload));
  }
});

test('signed out at the app (the IdP session still on): a full sign-in with each payload ends on the app\'s origin', async ({ page, context }) => {
  await signIn(page, 'bob');
  for (const payload of PAYLOADS) {
    // Drop the app session only: the IdP signs the browser straight back in, so each payload runs the whole flow quickly.
    await context.clearCookies({ name: 'nsa.session' });
    const callback = page.waitForResponse((r) => r.url().startsWith(`${APP_URL}/api/auth/sign-in-callback?`));
    await page.goto(signInWith(payload));
    const response = await callback;
    expect(response.status(), payload).toBe(303);
    expect(response.headers()['location'], payload).toBe(expectedLanding(payload));
    expect(new URL(page.url()).origin, payload).toBe(APP_URL);
    expect(page.url(), payload).toBe(expectedLanding(payload));
  }
});

for (const payload of ['//evil.example', '/\\evil.example', 'https://evil.example', '/\t/evil.example']) {
  test(`signed out in a fresh browser: a full sign-in through the login form with returnTo=${JSON.stringify(payload)} ends on the app's origin`, async ({ page }) => {
    await page.goto(signInWith(payload));
    const callback = page.waitForResponse((r) => r.url().startsWith(`${APP_URL}/api/auth/sign-in-callback?`));
    await submitIdpLogin(page, USERS.bob.email, USERS.bob.password);
    const response = await callback;
    expect(response.status()).toBe(303);
    expect(response.headers()['location']).toBe(expectedLanding(payload));
    await page.waitForURL((url) => !isIdpUrl(url));
    expect(new URL(page.url()).origin).toBe(APP_URL);
    expect(page.url()).toBe(expectedLanding(payload));
  });
}
