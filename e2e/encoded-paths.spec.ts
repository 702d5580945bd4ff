// The guard protects what Next routes, not what the URL spells (issue 8,
// item 1). Next 16 hands proxy.ts the raw, percent-encoded pathname but
// decodes dynamic params (`/reports/%34%32` renders report 42): every spelling
// of a protected page, signed out, must end in a sign-in redirect or a 4xx,
// never in the page. Requests go through Playwright's request API (Node's
// WHATWG URL parser: `%2e%2e` and `\` are resolved as browsers resolve them,
// other escapes reach the server as written), then through a real page load.
import { expect, test } from '@playwright/test';
import type { APIResponse } from '@playwright/test';
import { APP_URL, isIdpUrl, signIn } from './support.js';

type Outcome =
  | { status: 307; returnTo: string } // the guard's sign-in redirect
  | { status: 308; location: string } // Next's own slash normalisation, before the proxy
  | { status: 400 } // the guard: ambiguous path under a protected rule (or Next refusing a malformed escape)
  | { status: 401 } // the guard: API route, signed out or ambiguous
  | { status: 404 }; // not a route Next has (the page is never reached)

/** Spellings of protected paths and what a signed-out request gets. */
const VARIANTS: Array<[path: string, outcome: Outcome]> = [
  // The plain paths, as before.
  ['/reports/42', { status: 307, returnTo: '/reports/42' }],
  ['/dashboard', { status: 307, returnTo: '/dashboard' }],
  // Percent-encoded characters that Next decodes (dynamic segment) or not (static segment).
  ['/reports/%34%32', { status: 307, returnTo: '/reports/%34%32' }],
  ['/reports/4%32', { status: 307, returnTo: '/reports/4%32' }],
  ['/%72eports/42', { status: 307, returnTo: '/%72eports/42' }],
  ['/%64ashboard', { status: 307, returnTo: '/%64ashboard' }],
  ['/%61dmin', { status: 307, returnTo: '/%61dmin' }],
  // Slashes: Next redirects these to the plain path before the proxy runs.
  ['//dashboard', { status: 308, location: '/dashboard' }],
  ['/dashboard/', { status: 308, location: '/dashboard' }],
  ['/reports/42/', { status: 308, location: '/reports/42' }],
  ['/reports//42', { status: 308, location: '/reports/42' }],
  // Case: a different route for Next.
  ['/Dashboard', { status: 404 }],
  // Dot segments the URL parser resolves into the rule.
  ['/reports/%2e%2e/reports/42', { status: 307, returnTo: '/reports/42' }],
  ['/x/%2E%2E/dashboard', { status: 307, returnTo: '/dashboard' }],
  // Encoded separators: refused.
  ['/dashboard%2F..', { status: 400 }],
  ['/dashboard%2f..', { status: 400 }],
  ['/reports/42%2F', { status: 400 }],
  ['/reports/42%2f', { status: 400 }],
  ['/reports/42%5C', { status: 400 }],
  ['/reports%2F42', { status: 400 }],
  ['/x/..%2Fdashboard', { status: 400 }],
  ['/x%2F%2e%2e%2Freports/42', { status: 400 }],
  ['/reports/%2e%2e%2Freports/42', { status: 400 }],
  // Double encoding, NUL, matrix parameters: refused.
  ['/reports/%2534%2532', { status: 400 }],
  ['/%2564ashboard', { status: 400 }],
  ['/reports/42%00', { status: 400 }],
  ['/dashboard%00', { status: 400 }],
  ['/reports/42;x', { status: 400 }],
  ['/admin;x', { status: 400 }],
  ['/dashboard;jsessionid=1', { status: 400 }],
  // Malformed escapes: refused.
  ['/reports/42%zz', { status: 400 }],
  ['/reports/4%E0%A42', { status: 400 }],
  ['/dashboard/%E0%A4', { status: 400 }],
  ['/reports/%zz', { status: 400 }], // under no rule (the RegExp needs digits): Next itself refuses the param
  // Not a report: the RegExp does not match, the page's own checks answer 404.
  ['/reports/42%2e', { status: 404 }],
  ['/reports/%EF%BC%94%EF%BC%92', { status: 404 }],
  // API routes: 401 JSON, never the handler.
  ['/api/me', { status: 401 }],
  ['/api/m%65', { status: 401 }],
  ['/%61pi/me', { status: 401 }],
  ['/api/me%2F..%2Fme', { status: 401 }],
];

const PROTECTED_TESTIDS = ['report', 'user-email', 'admin-heading'];

async function expectOutcome(response: APIResponse, path: string, outcome: Outcome): Promise<void> {
  expect(response.status(), path).toBe(outcome.status);
  const body = await response.text();
  for (const id of PROTECTED_TESTIDS) expect(body, `${path} rendered ${id}`).not.toContain(`data-testid="${id}"`);
  if (outcome.status === 401) expect(JSON.parse(body), path).toMatchObject({ error: 'unauthenticated' });
  if (outcome.status === 307 || outcome.status === 308) {
    const location = new URL(response.headers()['location'] ?? '', APP_URL);
    expect(location.origin, path).toBe(APP_URL);
    if (outcome.status === 307) {
      expect(location.pathname, path).toBe('/api/auth/sign-in');
      expect(location.searchParams.get('returnTo'), path).toBe(outcome.returnTo);
    } else {
      expect(location.pathname, path).toBe(outcome.location);
    }
  }
}

test('signed out: no spelling of a protected path reaches its page (status and redirect per spelling)', async ({ request }) => {
  for (const [path, outcome] of VARIANTS) {
    // Absolute URL: a relative `//dashboard` would be read as a host.
    const response = await request.get(`${APP_URL}${path}`, { maxRedirects: 0 });
    await expectOutcome(response, path, outcome);
  }
});

test('signed out: following every redirect in the browser, no spelling of a protected path renders its page', async ({ page }) => {
  for (const [path] of VARIANTS) {
    const response = await page.goto(`${APP_URL}${path}`);
    // Ends on the IdP's login page (a sign-in started) or on a 4xx of the app.
    const landed = page.url();
    if (!isIdpUrl(landed)) expect(response?.status(), `${path} → ${landed}`).toBeGreaterThanOrEqual(400);
    for (const id of PROTECTED_TESTIDS) await expect(page.getByTestId(id), `${path} rendered ${id}`).toHaveCount(0);
  }
});

test('signed in: /reports/42 and its encoded spelling render report 42; an ambiguous spelling is still refused', async ({ page }) => {
  await signIn(page, 'alice', '/reports/42');
  await expect(page).toHaveURL(`${APP_URL}/reports/42`);
  await expect(page.getByTestId('report')).toHaveText('42');
  const encoded = await page.request.get(`${APP_URL}/reports/%34%32`, { maxRedirects: 0 });
  expect(encoded.status()).toBe(200);
  expect(await encoded.text()).toContain('data-testid="report">42<');
  const ambiguous = await page.request.get(`${APP_URL}/reports/42%2F`, { maxRedirects: 0 });
  expect(ambiguous.status()).toBe(400);
  expect(await ambiguous.text()).toContain('data-testid="bad-path"');
});
