import { NextRequest } from 'next/server.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { signOutEverywhere } from '../context/signOutEverywhere.js';
import { CookieJar } from '../dev-idp/CookieJar.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import type { AuthGuard } from '../guard/createAuthGuard.js';
import type { AuthStore } from '../store/AuthStore.js';
import { startAuthApp, TEST_CLIENT_ID, TEST_SECRET } from './__tests__/startAuthApp.js';
import type { AuthApp } from './__tests__/startAuthApp.js';

// With the cookie codecs, "sign out everywhere" is a cut-off "authenticated
// before T". A browser whose IdP session is still open signs in again without
// a password and gets the IdP's OLD auth_time: the callback must not loop.

const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let redis: StartedRedis;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
afterAll(async () => {
  await redis?.stop();
});

interface Started {
  app: AuthApp;
  runtime: AuthRuntime;
  /** The app's proxy: `/dashboard` is guarded. */
  guard: AuthGuard;
  signedIn: string[];
}

/** A real app (Redis store) on a fresh dev IdP, so no cut-off of another test is remembered. */
async function start(codec: 'sealed' | 'amplify', flavor: 'generic' | 'cognito'): Promise<Started> {
  const store: AuthStore = createRedisStore({ url: redis.url, prefix: `nsa-reauth-${process.pid}-${open.length}-${Date.now()}` });
  open.push(store);
  let runtime: AuthRuntime | undefined;
  const signedIn: string[] = [];
  const app = await startAuthApp({
    adapter: 'app',
    runner: (idp, origin) => ({
      config: { oidc: { issuer: idp.issuer, clientId: TEST_CLIENT_ID, flavor } },
      runtimeOptions: { secret: TEST_SECRET, origin, store, session: { codec }, events: { signedIn: ({ user }) => void signedIn.push(user.username) } },
    }),
    patchRuntime: (built) => (runtime = built),
  });
  open.push(app);
  const guard = createAuthGuardFor(runtime!)({ rules: [{ path: '/dashboard' }] });
  return { app, runtime: runtime!, guard, signedIn };
}

interface Walk {
  /** Every URL requested, in order. */
  trail: URL[];
  /** The last response (not a redirect), its URL and body. */
  url: URL;
  status: number;
  body: string;
  /** Set-Cookie lines the app sent along the way. */
  appSetCookies: string[];
}

const FORM = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i;

/**
 * A scripted browser walk: follows redirects across the app and the IdP and
 * stops at the first page that is not a redirect (the IdP's password form
 * included, unless `login` is given: then it is filled in once). `rewrite`
 * changes a URL before it is requested (to play an IdP that ignores a parameter).
 * With `guard`, app page requests go through it first, as Next runs `proxy.ts`.
 */
async function walk(
  jar: CookieJar,
  origin: string,
  start: string,
  options: { login?: typeof ALICE; rewrite?: (url: URL) => URL; guard?: AuthGuard } = {},
): Promise<Walk> {
  let login = options.login;
  let url = new URL(start, origin);
  const trail: URL[] = [];
  const appSetCookies: string[] = [];
  let init: RequestInit = {};
  for (let hops = 0; hops < 30; hops++) {
    if (options.rewrite) url = options.rewrite(url);
    trail.push(url);
    const response = await fetchThrough(jar, origin, url, init, options.guard);
    init = {};
    if (url.origin === origin) appSetCookies.push(...response.headers.getSetCookie());
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    const body = await response.text();
    const action = FORM.exec(body)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
    if (action && login) {
      url = new URL(action, url);
      init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login).toString() };
      login = undefined;
      continue;
    }
    return { trail, url, status: response.status, body, appSetCookies };
  }
  throw new Error(`a redirect loop from ${start}: ${trail.map((u) => u.pathname).join(' → ')}`);
}

/** `jar.fetch`, except that app pages go through `guard` first (a pass renders a stub page). */
async function fetchThrough(jar: CookieJar, origin: string, url: URL, init: RequestInit, guard: AuthGuard | undefined): Promise<Response> {
  if (guard === undefined || url.origin !== origin || url.pathname.startsWith('/api/')) return jar.fetch(url, init);
  const cookie = jar.header(url);
  const response = await guard(new NextRequest(url, { headers: cookie ? { cookie } : {} }));
  jar.store(url, response.headers.getSetCookie());
  if (response.headers.get('x-middleware-next') !== '1') return response;
  return new Response(`page ${url.pathname}`, { status: 200 });
}

const authorizeRequests = (w: Walk, issuer: string) => w.trail.filter((u) => u.href.startsWith(issuer) && u.pathname.endsWith('/authorize'));
const callbacks = (w: Walk, origin: string) => w.trail.filter((u) => u.origin === origin && u.pathname === '/api/auth/sign-in-callback');

/** `/me` with the jar's cookies: the username, or the status. */
async function me(jar: CookieJar, origin: string): Promise<string | number> {
  const response = await jar.fetch(`${origin}/me`);
  if (response.status !== 200) {
    await response.body?.cancel();
    return response.status;
  }
  return ((await response.json()) as { username: string }).username;
}

/** Sign out everywhere from the browser holding `jar` (a server action on the same app). */
async function signOutEverywhereFrom(s: Started, jar: CookieJar): Promise<number> {
  const cookie = jar.header(new URL(s.app.origin));
  await createRunWithServerContext(s.runtime)({
    nextServerContext: { request: new Request(`${s.app.origin}/sessions`, { headers: { cookie } }), response: new Response(null) },
    operation: (ctx) => signOutEverywhere(ctx),
  });
  return Date.now();
}

/**
 * The IdP's `auth_time` is whole seconds: a password typed in the same second
 * as the cut-off would still read as "authenticated before it". A person never
 * types that fast; the test waits for the next second instead.
 */
async function nextSecondAfter(t: number): Promise<void> {
  const due = (Math.floor(t / 1000) + 1) * 1000;
  while (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now() + 1));
}

describe('sign-in after "sign out everywhere" with cookie sessions', () => {
  it('an ordinary sign-in (no cut-off) sends no prompt=login and no max_age, and lands signed in after one callback', async () => {
    const s = await start('sealed', 'generic');
    const browser = new CookieJar();
    const w = await walk(browser, s.app.origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE });
    expect(w.status).toBe(200);
    expect(w.url.pathname).toBe('/me');
    const [authorize, ...more] = authorizeRequests(w, s.app.idp.issuer);
    expect(more).toEqual([]);
    expect(authorize!.searchParams.has('prompt')).toBe(false);
    expect(authorize!.searchParams.has('max_age')).toBe(false);
    expect(callbacks(w, s.app.origin)).toHaveLength(1);
    expect(s.signedIn).toEqual([ALICE.username]);
  });

  it.each([
    ['sealed', 'generic'],
    ['amplify', 'cognito'],
  ] as const)(
    'after sign out everywhere, another browser whose IdP session is still open is asked for its password instead of looping (%s codec, %s flavor)',
    async (codec, flavor) => {
      const s = await start(codec, flavor);
      const { origin } = s.app;
      const laptop = new CookieJar();
      const phone = new CookieJar();
      expect((await walk(laptop, origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE })).status).toBe(200);
      expect((await walk(phone, origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE })).status).toBe(200);
      expect(await me(phone, origin)).toBe(ALICE.username);
      expect(s.signedIn).toHaveLength(2);

      const cut = await signOutEverywhereFrom(s, laptop);
      expect(await me(phone, origin)).toBe(401);
      await nextSecondAfter(cut);

      // The phone opens a guarded page: signed out, so off to sign-in. Its IdP session is
      // open: the IdP answers without a password, with the old auth_time.
      const asked = await walk(phone, origin, '/dashboard', { guard: s.guard });
      expect(asked.url.origin).toBe(new URL(s.app.idp.issuer).origin);
      expect(asked.status).toBe(200);
      expect(asked.body).toMatch(FORM);
      const [first, second, ...more] = authorizeRequests(asked, s.app.idp.issuer);
      expect(more).toEqual([]);
      expect(first!.searchParams.has('prompt')).toBe(false);
      expect(second!.searchParams.get('prompt')).toBe('login');
      expect(second!.searchParams.get('max_age')).toBe(flavor === 'generic' ? '0' : null);
      // One callback, refused without writing a session or announcing a sign-in.
      expect(callbacks(asked, origin)).toHaveLength(1);
      expect(s.signedIn).toHaveLength(2);
      expect(asked.appSetCookies.filter((line) => !/^(__Host-)?nsa\.tx\./.test(line) && !/Max-Age=0/i.test(line))).toEqual([]);
      expect(await me(phone, origin)).toBe(401);

      // The password page again (a browser reloading it), now filled in: a fresh auth_time passes.
      const done = await walk(phone, origin, asked.url.href, { login: ALICE, guard: s.guard });
      expect(done.status).toBe(200);
      expect(done.url.href).toBe(`${origin}/dashboard`);
      expect(done.body).toBe('page /dashboard');
      expect(callbacks(done, origin)).toHaveLength(1);
      expect(await me(phone, origin)).toBe(ALICE.username);
      expect(s.signedIn).toEqual([ALICE.username, ALICE.username, ALICE.username]);
      // The laptop stays signed out until it signs in itself.
      expect(await me(laptop, origin)).toBe(401);
      expect(s.app.statuses.filter((status) => status >= 500)).toEqual([]);
    },
  );

  it('an IdP that ignores prompt=login gets a 403 session_revoked page, not a redirect loop', async () => {
    const s = await start('sealed', 'generic');
    const { origin } = s.app;
    const laptop = new CookieJar();
    const phone = new CookieJar();
    await walk(laptop, origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE });
    await walk(phone, origin, '/api/auth/sign-in?returnTo=/me', { login: ALICE });
    await signOutEverywhereFrom(s, laptop);
    const revokedCookie = phone.header(new URL(origin));

    // The IdP plays one that ignores prompt=login (and max_age): they never reach it,
    // so it signs the phone in silently again with the old auth_time.
    let stripped = 0;
    const ignorePromptLogin = (url: URL): URL => {
      if (!url.href.startsWith(s.app.idp.issuer) || !url.searchParams.has('prompt')) return url;
      stripped++;
      const plain = new URL(url);
      plain.searchParams.delete('prompt');
      plain.searchParams.delete('max_age');
      return plain;
    };
    const w = await walk(phone, origin, '/dashboard', { rewrite: ignorePromptLogin, guard: s.guard });

    expect(stripped).toBe(1);
    expect(callbacks(w, origin)).toHaveLength(2);
    expect(w.url.origin).toBe(origin);
    expect(w.url.pathname).toBe('/api/auth/sign-in-callback');
    expect(w.status).toBe(403);
    expect(w.body).toContain('<code data-testid="auth-error-code">session_revoked</code>');
    expect(w.body).not.toContain('eyJ');
    // No session was written by either callback, and no sign-in was announced.
    expect(w.appSetCookies.filter((line) => /^nsa\.session/.test(line) && !/Max-Age=0/i.test(line))).toEqual([]);
    expect(phone.header(new URL(origin))).toBe(revokedCookie);
    expect(await me(phone, origin)).toBe(401);
    expect(s.signedIn).toHaveLength(2);
  });
});
