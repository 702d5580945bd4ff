import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { CookieJar } from '../dev-idp/CookieJar.js';
import { isAuthError } from '../errors/AuthError.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import { createServerActionsFor } from './createServerActions.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

// customState: app state carried through the OAuth round trip inside the
// sealed transaction cookie (never the IdP's `state`), handed back on the
// signedIn event and as `customState=` on the landing URL.

const ALICE = { username: 'alice@example.com', password: 'alice-password' };
/** Unicode, `&`, `#`, `/`, `=`, `?`, `+`, `%`, spaces and a quote: everything a URL could mangle. */
const TRICKY = 'héllo wörld 🌍 & #top /a/b?c=d+e %20 "q"';

interface Started {
  app: AuthApp;
  runtime: AuthRuntime;
  signedIn: unknown[];
}

const open: AuthApp[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

async function start(codec: 'sealed' | 'amplify' = 'sealed', flavor: 'generic' | 'cognito' = 'cognito', patch?: (r: AuthRuntime) => AuthRuntime): Promise<Started> {
  let runtime: AuthRuntime | undefined;
  const signedIn: unknown[] = [];
  const app = await startAuthApp({
    adapter: 'app',
    idp: { mode: flavor === 'cognito' ? 'cognito' : 'oidc' },
    runner: (idp, origin) => ({
      config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, flavor } },
      runtimeOptions: { secret: TEST_SECRET, origin, session: { codec }, events: { signedIn: (event) => void signedIn.push(event) } },
    }),
    patchRuntime: (built) => (runtime = patch ? patch(built) : built),
  });
  open.push(app);
  return { app, runtime: runtime!, signedIn };
}

interface Walk {
  trail: URL[];
  url: URL;
  status: number;
  body: string;
  /** Set-Cookie lines the app answered the first request with. */
  firstSetCookies: string[];
}

const SIGN_IN_FORM = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i;
const SIGN_UP_FORM = /<form\b[^>]*\bid="sign-up-form"[^>]*>/i;

/**
 * A scripted browser: follows redirects across the app and the dev IdP,
 * fills the IdP's sign-in (or sign-up) form once, and stops at the first
 * page that is not a redirect. `atCallback` may rewrite the callback request
 * (URL and jar) the way an attacker on the way could.
 */
async function walk(
  jar: CookieJar,
  origin: string,
  start: string,
  options: { login?: Record<string, string>; atCallback?: (url: URL) => URL | Promise<URL> } = {},
): Promise<Walk> {
  let login = options.login;
  let url = new URL(start, origin);
  const trail: URL[] = [];
  let firstSetCookies: string[] | undefined;
  let init: RequestInit = {};
  for (let hops = 0; hops < 30; hops++) {
    if (options.atCallback && url.origin === origin && url.pathname === '/api/auth/sign-in-callback') url = await options.atCallback(url);
    trail.push(url);
    const response = await jar.fetch(url, init);
    firstSetCookies ??= response.headers.getSetCookie();
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    const body = await response.text();
    const form = (SIGN_IN_FORM.exec(body) ?? SIGN_UP_FORM.exec(body))?.[0];
    const action = form?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
    if (action && login) {
      url = new URL(action, url);
      init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login).toString() };
      login = undefined;
      continue;
    }
    return { trail, url, status: response.status, body, firstSetCookies };
  }
  throw new Error(`a redirect loop from ${start}`);
}

const signInWith = (customState: string, returnTo = '/me') => `/api/auth/sign-in?${new URLSearchParams({ returnTo, customState }).toString()}`;
const txCookies = (lines: string[]) => lines.filter((l) => /^nsa\.tx\./.test(l) && !/max-age=0/i.test(l));

describe('customState through the sign-in round trip', () => {
  it.each([
    ['sealed', 'cognito'],
    ['sealed', 'generic'],
    ['amplify', 'cognito'],
  ] as const)('comes back exactly (unicode, &, #, /, spaces) on the signedIn event and the landing URL (%s codec, %s flavor)', async (codec, flavor) => {
    const s = await start(codec, flavor);
    const w = await walk(new CookieJar(), s.app.origin, signInWith(TRICKY), { login: ALICE });
    expect(w.status).toBe(200);
    expect(w.url.origin).toBe(s.app.origin);
    expect(w.url.pathname).toBe('/me');
    expect(w.url.hash).toBe('');
    expect(w.url.searchParams.getAll('customState')).toEqual([TRICKY]);
    expect(w.url.search).toBe(`?customState=${encodeURIComponent(TRICKY)}`);
    expect(s.signedIn).toEqual([{ user: expect.objectContaining({ username: ALICE.username }), customState: TRICKY }]);
    // The IdP never saw it: not in the authorization request, not in the callback.
    const leaked = w.trail.filter((u) => u.origin !== s.app.origin || u.pathname === '/api/auth/sign-in-callback');
    expect(leaked.length).toBeGreaterThan(1);
    for (const u of leaked) {
      expect(u.href).not.toContain(encodeURIComponent(TRICKY));
      expect(u.href).not.toContain('customState');
      expect(decodeURIComponent(u.href)).not.toContain('wörld');
    }
    expect(s.app.statuses).not.toContain(500);
  });

  it('a returnTo that already has a query and a fragment keeps them; a customState it carried is replaced by ours', async () => {
    const s = await start();
    const w = await walk(new CookieJar(), s.app.origin, signInWith('real one', '/orders?id=1&x=a%20b&customState=forged#top'), { login: ALICE });
    expect(w.url.origin).toBe(s.app.origin);
    expect(w.url.pathname).toBe('/orders');
    expect(w.url.search).toBe('?id=1&x=a%20b&customState=real%20one');
    expect(w.url.hash).toBe('#top');
    expect(s.signedIn).toEqual([expect.objectContaining({ customState: 'real one' })]);
  });

  it('no customState: the landing URL is returnTo untouched and the event has no customState field', async () => {
    const s = await start();
    const w = await walk(new CookieJar(), s.app.origin, '/api/auth/sign-in?returnTo=%2Forders%3Fid%3D1', { login: ALICE });
    expect(w.url.href).toBe(`${s.app.origin}/orders?id=1`);
    expect(s.signedIn).toHaveLength(1);
    expect(s.signedIn[0]).not.toHaveProperty('customState');
    // An empty value is none too.
    const empty = await walk(new CookieJar(), s.app.origin, '/api/auth/sign-in?returnTo=/me&customState=', { login: ALICE });
    expect(empty.url.href).toBe(`${s.app.origin}/me`);
    expect(s.signedIn[1]).not.toHaveProperty('customState');
  });

  it('a customState planted in returnTo (no customState given) never reaches the landing URL', async () => {
    const s = await start();
    const w = await walk(new CookieJar(), s.app.origin, `/api/auth/sign-in?returnTo=${encodeURIComponent('/me?customState=planted&custom%53tate=x&a=1')}`, { login: ALICE });
    expect(w.url.href).toBe(`${s.app.origin}/me?a=1`);
    expect(s.signedIn[0]).not.toHaveProperty('customState');
  });

  it('a customState cannot turn the landing URL into an open redirect', async () => {
    const s = await start();
    for (const evil of ['//evil.example', 'https://evil.example/', '/\\evil.example', '@evil.example', '?x#//evil.example']) {
      const w = await walk(new CookieJar(), s.app.origin, signInWith(evil, '/me'), { login: ALICE });
      expect(w.url.origin, evil).toBe(s.app.origin);
      expect(w.url.pathname, evil).toBe('/me');
      expect(w.url.searchParams.get('customState'), evil).toBe(evil);
    }
  });

  it('a customState injected into the callback URL never reaches the app', async () => {
    const s = await start();
    // No customState given: the injected one must not appear.
    const none = await walk(new CookieJar(), s.app.origin, '/api/auth/sign-in?returnTo=/me', {
      login: ALICE,
      atCallback: (u) => new URL(`${u.href}&customState=injected`),
    });
    expect(none.url.href).toBe(`${s.app.origin}/me`);
    expect(s.signedIn[0]).not.toHaveProperty('customState');
    // One given: the injected one neither replaces nor joins it.
    const given = await walk(new CookieJar(), s.app.origin, signInWith('mine'), {
      login: ALICE,
      atCallback: (u) => {
        u.searchParams.set('customState', 'injected');
        return u;
      },
    });
    expect(given.url.searchParams.getAll('customState')).toEqual(['mine']);
    expect(s.signedIn[1]).toEqual(expect.objectContaining({ customState: 'mine' }));
  });

  it("an attacker's transaction cookie (carrying the attacker's customState) swapped into the victim's callback signs nobody in and hands nothing over", async () => {
    const s = await start();
    // The attacker starts a sign-in with their customState and keeps the sealed transaction.
    const attacker = await jar302(s, signInWith('attacker-state'));
    const victim = new CookieJar();
    const w = await walk(victim, s.app.origin, signInWith('victim-state'), {
      login: ALICE,
      atCallback: (u) => {
        // Put the attacker's sealed value under the victim's cookie name (the name is bound to the state).
        victim.store(u, [`nsa.tx.${u.searchParams.get('state')}=${attacker.value}; Path=/`]);
        return u;
      },
    });
    expect(w.status).toBe(400);
    expect(w.body).toContain('missing_transaction');
    expect(w.url.pathname).toBe('/api/auth/sign-in-callback');
    expect(s.signedIn).toEqual([]);
    expect(w.body).not.toContain('attacker-state');
  });

  it('an edited sealed transaction cookie is refused: 400, no session, no event', async () => {
    const s = await start();
    const victim = new CookieJar();
    const w = await walk(victim, s.app.origin, signInWith('victim-state'), {
      login: ALICE,
      atCallback: (u) => {
        const name = `nsa.tx.${u.searchParams.get('state')}`;
        const value = /(?:^|; )nsa\.tx\.[^=]+=([^;]*)/.exec(victim.header(u))![1]!;
        const i = value.length - 10;
        victim.store(u, [`${name}=${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}; Path=/`]);
        return u;
      },
    });
    expect(w.status).toBe(400);
    expect(w.body).toContain('missing_transaction');
    expect(s.signedIn).toEqual([]);
    expect(victim.names(s.app.origin).filter((n) => !n.startsWith('nsa.tx.'))).toEqual([]);
  });

  it.each([
    ['513 UTF-8 bytes (one over)', `${'é'.repeat(256)}a`],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control (NEL)', 'a\u0085b'],
  ])('a customState with %s is refused with a 400, no transaction cookie and no trip to the IdP', async (_what, value) => {
    const s = await start();
    const response = await fetch(`${s.app.origin}${signInWith(value)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_custom_state');
    expect(response.headers.get('location')).toBeNull();
    expect(txCookies(response.headers.getSetCookie())).toEqual([]);
  });

  it('customState given twice is refused (400) rather than one picked', async () => {
    const s = await start();
    const response = await fetch(`${s.app.origin}/api/auth/sign-in?customState=a&customState=b`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(txCookies(response.headers.getSetCookie())).toEqual([]);
  });

  it('exactly 512 UTF-8 bytes (multi-byte characters) is accepted and comes back whole, never truncated', async () => {
    const s = await start();
    const value = `${'€'.repeat(170)}ab`; // 170 × 3 + 2 = 512 bytes
    expect(new TextEncoder().encode(value).length).toBe(512);
    const w = await walk(new CookieJar(), s.app.origin, signInWith(value, `/me?${'p'.repeat(1500)}=1`), { login: ALICE });
    expect(w.status).toBe(200);
    expect(w.url.searchParams.get('customState')).toBe(value);
    expect(s.signedIn).toEqual([expect.objectContaining({ customState: value })]);
  });

  it('an already signed-in user lands on returnTo with the customState at once (no event: no sign-in happened)', async () => {
    const s = await start();
    const jar = new CookieJar();
    await walk(jar, s.app.origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE });
    const w = await walk(jar, s.app.origin, signInWith(TRICKY, '/orders?id=1'));
    expect(w.trail.map((u) => u.origin)).toEqual([s.app.origin, s.app.origin]);
    expect(w.url.search).toBe(`?id=1&customState=${encodeURIComponent(TRICKY)}`);
    expect(s.signedIn).toHaveLength(1);
    // Refused the same way when signed in.
    const bad = await fetch(`${s.app.origin}${signInWith('a\nb')}`, { redirect: 'manual', headers: { cookie: jar.header(new URL(s.app.origin)) } });
    expect(bad.status).toBe(400);
  });

  it('sign-up carries it too', async () => {
    const s = await start('sealed', 'generic');
    const email = `cs-${Date.now()}@example.com`;
    const w = await walk(new CookieJar(), s.app.origin, `/api/auth/sign-up?${new URLSearchParams({ returnTo: '/me', customState: TRICKY }).toString()}`, {
      login: { email, name: 'Custom State', password: 'customstate-pw-1' },
    });
    expect(w.url.origin).toBe(s.app.origin);
    expect(w.url.pathname).toBe('/me');
    expect(w.url.searchParams.get('customState')).toBe(TRICKY);
    expect(s.signedIn).toEqual([expect.objectContaining({ customState: TRICKY })]);
  });

  it('the prompt=login re-authentication retry keeps the customState', async () => {
    // The first callback reads as revoked (a sign-out-everywhere cut-off), the retry does not.
    let checks = 0;
    const s = await start('sealed', 'cognito', (built) => ({ ...built, isRevoked: async () => ++checks === 1 }));
    const jar = new CookieJar();
    const w = await walk(jar, s.app.origin, signInWith(TRICKY), { login: ALICE });
    const authorizes = w.trail.filter((u) => u.origin !== s.app.origin && u.pathname.endsWith('/authorize'));
    expect(authorizes).toHaveLength(2);
    expect(authorizes[1]!.searchParams.get('prompt')).toBe('login');
    // The retry asked for the password: the walker filled it only once, so it stopped there.
    expect(w.body).toMatch(SIGN_IN_FORM);
    const done = await walk(jar, s.app.origin, w.url.href, { login: ALICE });
    expect(done.url.pathname).toBe('/me');
    expect(done.url.searchParams.get('customState')).toBe(TRICKY);
    expect(s.signedIn).toEqual([expect.objectContaining({ customState: TRICKY })]);
  });
});

describe('customState from the signIn server action', () => {
  it('signIn(returnTo, { customState }) and a form field both go through sign-in and come back', async () => {
    const s = await start();
    const actions = createServerActionsFor(s.runtime, { cookies: () => ({ get: () => undefined, getAll: () => [], set: () => undefined }) as never });
    const location = await redirectOf(actions.signIn('/orders?id=1', { customState: TRICKY }));
    expect(location).toBe(`/api/auth/sign-in?returnTo=%2Forders%3Fid%3D1&customState=${new URLSearchParams({ c: TRICKY }).toString().slice(2)}`);
    const w = await walk(new CookieJar(), s.app.origin, location, { login: ALICE });
    expect(w.url.pathname).toBe('/orders');
    expect(w.url.searchParams.get('id')).toBe('1');
    expect(w.url.searchParams.get('customState')).toBe(TRICKY);
    expect(s.signedIn).toEqual([expect.objectContaining({ customState: TRICKY })]);

    const form = new FormData();
    form.set('returnTo', '/me');
    form.set('customState', 'from a form');
    const fromForm = await redirectOf(actions.signIn(form));
    expect(fromForm).toBe('/api/auth/sign-in?returnTo=%2Fme&customState=from+a+form');
    // No customState: nothing added.
    expect(await redirectOf(actions.signIn('/me'))).toBe('/api/auth/sign-in?returnTo=%2Fme');
  });

  it.each([
    ['too long', 'x'.repeat(513)],
    ['a control character', 'a\rb'],
    ['a lone surrogate', 'a\ud800b'],
  ])('a customState with %s throws AuthError InvalidConfig before any redirect (never truncated)', async (_what, value) => {
    const s = await start();
    const actions = createServerActionsFor(s.runtime);
    const error = await actions.signIn('/me', { customState: value }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(error, 'InvalidConfig')).toBe(true);
    expect((error as { digest?: unknown }).digest).toBeUndefined();
    // FormData already turns a lone surrogate into U+FFFD (a valid value); the other two are refused from a form as well.
    if (!/[\uD800-\uDFFF]/.test(value)) {
      const form = new FormData();
      form.set('customState', value);
      expect(isAuthError(await actions.signIn(form).catch((e: unknown) => e), 'InvalidConfig')).toBe(true);
    }
  });
});

/** The URL of the Next `redirect()` an action ended with (digest `NEXT_REDIRECT;<type>;<url>;<status>;`). */
async function redirectOf(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => new Error('the action returned instead of redirecting'),
    (e: unknown) => e,
  );
  const digest = (error as { digest?: unknown }).digest;
  if (typeof digest !== 'string' || !digest.startsWith('NEXT_REDIRECT;')) throw error;
  return digest.split(';')[2]!;
}

/** Starts a sign-in and returns the sealed transaction cookie it set. */
async function jar302(s: Started, path: string): Promise<{ name: string; value: string }> {
  const response = await fetch(`${s.app.origin}${path}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const [line] = txCookies(response.headers.getSetCookie());
  const [name, ...rest] = line!.split(';')[0]!.split('=');
  return { name: name!, value: rest.join('=') };
}

describe('customState and the cookie size limit', () => {
  it('a long returnTo plus a 512-byte customState that would outgrow the transaction cookie is refused up front (400), not dropped by the browser', async () => {
    const s = await start();
    // 512 bytes of quotes (JSON doubles them) beside a 2000-character returnTo: over 4096 bytes sealed.
    const response = await fetch(`${s.app.origin}${signInWith('"'.repeat(512), `/${'a'.repeat(1999)}`)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_custom_state');
    expect(txCookies(response.headers.getSetCookie())).toEqual([]);
    // Each alone fits, and every transaction cookie set stays within 4096 bytes.
    for (const path of [signInWith('"'.repeat(512), '/me'), `/api/auth/sign-in?returnTo=/${'a'.repeat(1999)}`]) {
      const ok = await fetch(`${s.app.origin}${path}`, { redirect: 'manual' });
      expect(ok.status).toBe(302);
      const [line] = txCookies(ok.headers.getSetCookie());
      expect(line!.split(';')[0]!.length).toBeLessThanOrEqual(4096);
    }
  });
});

describe('customState with server-side sessions (Redis) and the Pages Router adapter', () => {
  it('comes back exactly on the event and the landing URL', async () => {
    const redis = await startRedis();
    const store = createRedisStore({ url: redis.url, prefix: `nsa-cs-${process.pid}-${Date.now()}` });
    try {
      const signedIn: unknown[] = [];
      const app = await startAuthApp({
        adapter: 'pages',
        idp: { mode: 'cognito' },
        runner: (idp, origin) => ({
          config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, flavor: 'cognito' } },
          runtimeOptions: { secret: TEST_SECRET, origin, store, session: { codec: 'server' }, events: { signedIn: (event) => void signedIn.push(event) } },
        }),
      });
      open.push(app);
      const w = await walk(new CookieJar(), app.origin, signInWith(TRICKY, '/me?x=1'), { login: ALICE });
      expect(w.status).toBe(200);
      expect(w.url.search).toBe(`?x=1&customState=${encodeURIComponent(TRICKY)}`);
      expect(signedIn).toEqual([{ user: expect.objectContaining({ username: ALICE.username }), customState: TRICKY }]);
      const bad = await fetch(`${app.origin}${signInWith('x'.repeat(513))}`, { redirect: 'manual' });
      expect(bad.status).toBe(400);
      expect(txCookies(bad.headers.getSetCookie())).toEqual([]);
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
