import { parseSetCookie } from 'cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserLike } from './__tests__/browserLike.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

// Names outside the cookie-name token grammar that a header can still carry
// (so they can be expired), and names no Set-Cookie line may echo.
const HEADER_SAFE_ODD = ['@', '(x)', '[x]', '{x}', '"q"', '/x', '\\x', '?x', ':x', '<x>'];
const UNECHOABLE_ODD = ['x y', 'é'];

function oddTransactionCookies(prefix: string): string[] {
  return [...HEADER_SAFE_ODD, ...UNECHOABLE_ODD].map((odd, i) => `${prefix}.${i}${odd}`);
}

/** name → parsed Set-Cookie line, names as on the wire. */
function setCookies(response: Response): Map<string, ReturnType<typeof parseSetCookie>> {
  return new Map(response.headers.getSetCookie().map((line) => {
    const c = parseSetCookie(line, { decode: (raw) => raw });
    return [c.name, c];
  }));
}

const expired = (c: ReturnType<typeof parseSetCookie> | undefined): boolean => c?.maxAge === 0 && c.value === '';

describe.each([
  ['app', 'sealed'],
  ['pages', 'sealed'],
  ['app', 'amplify'],
  ['pages', 'amplify'],
] as const)('odd cookie names never cause a 500 (%s router adapter, %s codec)', (adapter, codec) => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp({
      adapter,
      runner: (idp, origin) => ({
        config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, flavor: 'cognito' } },
        runtimeOptions: { secret: TEST_SECRET, origin, session: { codec } },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const sessionNames = codec === 'sealed'
    ? ['nsa.session']
    : ['LastAuthUser', 'alice%40example.com.accessToken', 'alice%40example.com.idToken', 'alice%40example.com.refreshToken'].map(
        (k) => `CognitoIdentityServiceProvider.${TEST_CLIENT_ID}.${k}`,
      );

  it('sign-out with odd-named transaction and session cookies planted still revokes, clears and redirects to the IdP logout', async () => {
    const browser = new BrowserLike(app.origin);
    const signedIn = await browser.navigate('/api/auth/sign-in?returnTo=/me', { username: 'alice@example.com', password: 'alice-password' });
    expect(signedIn.response.status).toBe(200);
    expect(browser.appCookies()).toEqual(sessionNames);

    const planted = [
      ...oddTransactionCookies('nsa.tx'),
      'nsa.session.x@y',
      'nsa.session.(0)',
      `CognitoIdentityServiceProvider.${TEST_CLIENT_ID}.x@y(z).idToken`,
    ];
    const cookie = [browser.jar.header(new URL(app.origin)), ...planted.map((n) => `${n}=v`)].join('; ');
    app.idp.resetStats();
    const response = await fetch(`${app.origin}/api/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { origin: app.origin, cookie } });

    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${app.idp.issuer}/logout`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ client_id: TEST_CLIENT_ID, logout_uri: `${app.origin}/api/auth/sign-out-callback` });
    expect(app.idp.stats().revocations).toBe(1);
    const lines = setCookies(response);
    for (const name of sessionNames) expect(expired(lines.get(name)), name).toBe(true);
    // Every header-safe odd transaction name is expired; the others are never echoed into a header.
    for (const name of oddTransactionCookies('nsa.tx').slice(0, HEADER_SAFE_ODD.length)) expect(expired(lines.get(name)), name).toBe(true);
    for (const line of response.headers.getSetCookie()) expect(line).toMatch(/^[\x21-\x3A\x3C\x3E-\x7E]+=[^\s;]*(; [^;\r\n]+)*$/);
    expect([...lines.keys()].filter((n) => /\s|é/.test(n))).toEqual([]);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.getSetCookie().join('\n')).not.toContain('eyJ');
    expect(app.statuses).not.toContain(500);
  });

  it('starting a sign-in with more odd-named transaction cookies than the in-flight limit evicts them instead of failing', async () => {
    const cookie = oddTransactionCookies('nsa.tx').map((n) => `${n}=v`).join('; ');
    const response = await fetch(`${app.origin}/api/auth/sign-in?returnTo=/me`, { redirect: 'manual', headers: { cookie } });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location')!).origin).toBe(app.idp.issuer);
    const lines = setCookies(response);
    const state = new URL(response.headers.get('location')!).searchParams.get('state');
    expect(lines.get(`nsa.tx.${state}`)?.value).toMatch(/^Fe26\.2\*/);
    // The oldest (all of them: none unseals) are evicted as far as a header can name them.
    const evicted = [...lines.keys()].filter((n) => n !== `nsa.tx.${state}`);
    expect(evicted.length).toBeGreaterThan(0);
    for (const name of evicted) {
      expect(expired(lines.get(name))).toBe(true);
      expect(oddTransactionCookies('nsa.tx').slice(0, HEADER_SAFE_ODD.length)).toContain(name);
    }
  });

  it('reading a session beside odd cookie names works and a sign-out callback with them is a plain redirect', async () => {
    const browser = new BrowserLike(app.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', { username: 'bob@example.com', password: 'bob-password' });
    const cookie = [browser.jar.header(new URL(app.origin)), ...oddTransactionCookies('nsa.tx').map((n) => `${n}=v`)].join('; ');
    const me = await fetch(`${app.origin}/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('bob@example.com');
    const back = await fetch(`${app.origin}/api/auth/sign-out-callback`, { redirect: 'manual', headers: { cookie } });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${app.origin}/signed-out`);
  });
});

describe('sign-out whatever clearing cookies runs into', () => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp({
      adapter: 'app',
      runner: (idp, origin) => ({
        config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, flavor: 'cognito' } },
        runtimeOptions: { secret: TEST_SECRET, origin },
      }),
      patchRuntime: (runtime) => ({
        ...runtime,
        codec: {
          ...runtime.codec,
          clear: () => {
            throw new Error('clearing failed');
          },
        },
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a throw while clearing the session cookies still revokes the refresh token and redirects to the IdP logout', async () => {
    const browser = new BrowserLike(app.origin);
    await browser.navigate('/api/auth/sign-in?returnTo=/me', { username: 'alice@example.com', password: 'alice-password' });
    app.idp.resetStats();
    const cookie = `${browser.jar.header(new URL(app.origin))}; nsa.tx.a@b=v`;
    const response = await fetch(`${app.origin}/api/auth/sign-out`, { method: 'POST', redirect: 'manual', headers: { origin: app.origin, cookie } });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).pathname).toBe('/logout');
    expect(new URL(response.headers.get('location')!).origin).toBe(app.idp.issuer);
    expect(app.idp.stats().revocations).toBe(1);
    // The transaction cookies are still cleared after the session codec failed.
    expect(expired(setCookies(response).get('nsa.tx.a@b'))).toBe(true);
    expect(app.statuses).not.toContain(500);
  });
});
