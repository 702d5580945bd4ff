import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import {
  MutableRequestCookiesAdapter,
  RequestCookiesAdapter,
} from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createAuthRuntime, createServerRunner } from '../createServerRunner.js';
import type { ServerRunner } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import type { TokenSet } from '../session/TokenSet.js';
import { sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';
import { createServerActionsFor } from './createServerActions.js';
import type { SignInActionOptions } from './createServerActions.js';
import { callRoute } from './__tests__/signInFlow.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'actions-client';
const SECRET = 'actions-secret-actions-secret-actions-secret-012';

let idp: DevIdp;
let runtime: AuthRuntime;
const events: Array<{ name: string; event: unknown }> = [];

async function signInAlice(): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username: 'alice@example.com', password: 'alice-password' });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
}

/** What `await cookies()` is in a server action: writable; `written` collects the Set-Cookie lines Next would send. */
function serverActionCookies(header: string) {
  const written: string[] = [];
  const store = MutableRequestCookiesAdapter.wrap(new RequestCookies(new Headers({ cookie: header })), (lines) => {
    written.splice(0, written.length, ...lines);
  });
  return { cookies: async () => store, written };
}

/** What `await cookies()` is in a server component: read-only. */
function serverComponentCookies(header: string) {
  return async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));
}

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

/** A refresh_token grant at the IdP: 200 while the token is alive. */
async function refreshStatus(refreshToken: string): Promise<{ status: number; error?: string }> {
  const response = await fetch(`${idp.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID }),
  });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, ...(body.error ? { error: body.error } : {}) };
}

/** Whether a request carrying `cookie` reads as signed in (a route handler's view). */
async function signedIn(cookie: string): Promise<boolean> {
  const session = await createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
    operation: (ctx) => fetchAuthSession(ctx),
  });
  return session.userSub !== undefined;
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
    { secret: SECRET, origin: ORIGIN, events: { signedOut: (event) => void events.push({ name: 'signedOut', event }) } },
    {},
  );
});

afterAll(async () => {
  await idp?.close();
});

describe('signIn server action', () => {
  it('redirects to the sign-in route with returnTo, from an argument or a form field', async () => {
    const actions = createServerActionsFor(runtime, { cookies: serverComponentCookies('') });
    expect(await redirectOf(actions.signIn('/reports/42'))).toBe('/api/auth/sign-in?returnTo=%2Freports%2F42');
    const form = new FormData();
    form.set('returnTo', '/dashboard?tab=1');
    expect(await redirectOf(actions.signIn(form))).toBe('/api/auth/sign-in?returnTo=%2Fdashboard%3Ftab%3D1');
    expect(await redirectOf(actions.signIn())).toBe('/api/auth/sign-in');
    expect(await redirectOf(actions.signIn(new FormData()))).toBe('/api/auth/sign-in');
  });

  it('an open-redirect returnTo (another origin, //host, /\\host, a file in the form field) is dropped', async () => {
    const actions = createServerActionsFor(runtime, { cookies: serverComponentCookies('') });
    for (const returnTo of ['https://evil.example/', '//evil.example', '/\\evil.example', '/.//evil.example', 'javascript:alert(1)']) {
      expect(await redirectOf(actions.signIn(returnTo)), returnTo).toBe('/api/auth/sign-in');
      const form = new FormData();
      form.set('returnTo', returnTo);
      expect(await redirectOf(actions.signIn(form)), returnTo).toBe('/api/auth/sign-in');
    }
    const form = new FormData();
    form.set('returnTo', new Blob(['/dashboard']), 'returnTo.txt');
    expect(await redirectOf(actions.signIn(form))).toBe('/api/auth/sign-in');
  });

  it('follows runtimeOptions.signInPath, like requireUser and the guard', async () => {
    const rt = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID } }, { secret: SECRET, origin: ORIGIN, signInPath: '/login' }, {});
    expect(await redirectOf(createServerActionsFor(rt).signIn('/x'))).toBe('/login?returnTo=%2Fx');
  });
});

describe('the sign-in route and the fetches Next makes before navigating to it', () => {
  it('a script fetch of the sign-in route (the router following a redirect() target) starts no sign-in: 204, no transaction cookie', async () => {
    const handlers = createAuthRouteHandlersFor(runtime)({});
    const before = idp.stats().tokenCalls.total;
    // Next's server-side follow-up of a server action's redirect forwards the action request's headers.
    for (const dest of ['empty', 'script', 'image']) {
      const response = await callRoute(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/dashboard`, undefined, { headers: { 'sec-fetch-dest': dest, rsc: '1' } });
      expect(response.status, dest).toBe(204);
      expect(response.headers.getSetCookie(), dest).toEqual([]);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('private, no-store');
    }
    expect(idp.stats().tokenCalls.total).toBe(before);
    // The navigation that follows (a document request) does start it.
    const navigations: HeadersInit[] = [{ 'sec-fetch-dest': 'document' }, {}];
    for (const headers of navigations) {
      const navigation = await callRoute(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/dashboard`, undefined, { headers });
      expect(navigation.status).toBe(302);
      expect(new URL(navigation.headers.get('location')!).origin).toBe(new URL(idp.issuer).origin);
      expect(navigation.headers.getSetCookie().some((line) => line.startsWith('nsa.tx'))).toBe(true);
    }
  });
});

describe('signOut server action', () => {
  it('does what POST sign-out does: ends the chain, clears every auth cookie, revokes the refresh token, redirects to the IdP logout', async () => {
    const tokens = await signInAlice();
    const session = await sealedCookieHeader(runtime, tokens);
    // A sign-in started in another tab left a transaction cookie.
    const start = await callRoute(createAuthRouteHandlersFor(runtime)({}), `${ORIGIN}/api/auth/sign-in`, session.replace(/nsa\.session=[^;]*/, ''), {});
    expect(start.status).toBe(302);
    const tx = start.headers.getSetCookie().find((line) => line.startsWith('nsa.tx'))!.split(';')[0]!;
    const { cookies, written } = serverActionCookies(`${session}; ${tx}; theme=dark`);
    const revocationsBefore = idp.stats().revocations;
    events.length = 0;

    const location = new URL(await redirectOf(createServerActionsFor(runtime, { cookies }).signOut()));

    expect(`${location.origin}${location.pathname}`).toBe(`${idp.issuer}/logout`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: `${ORIGIN}/api/auth/sign-out-callback` });
    // Every auth cookie deleted, nothing else touched.
    const deleted = written.map((line) => line.split('=')[0]).sort();
    expect(deleted).toEqual(['nsa.session', tx.split('=')[0]].sort());
    for (const line of written) expect(line).toMatch(/Max-Age=0/);
    expect(written.join('\n')).not.toContain('theme');
    // Revoked at the IdP, and the old cookie is no session here either.
    expect(idp.stats().revocations - revocationsBefore).toBe(1);
    expect(await refreshStatus(tokens.refreshToken!)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await signedIn(session)).toBe(false);
    expect(events).toEqual([{ name: 'signedOut', event: { user: { username: 'alice@example.com', userId: expect.any(String) } } }]);
  });

  it('a stolen copy of the session cookie replayed after signOut is signed out (the refresh chain ended, even if revocation failed)', async () => {
    const tokens = await signInAlice();
    const session = await sealedCookieHeader(runtime, tokens);
    expect(await signedIn(session)).toBe(true);
    // The IdP refuses the revocation (unreachable): the chain still ends in this process.
    const offline = { ...runtime, endpoints: () => Promise.reject(new Error('IdP down')) } as AuthRuntime;
    const { cookies } = serverActionCookies(session);
    expect(await redirectOf(createServerActionsFor(offline, { cookies }).signOut())).toBe(`${ORIGIN}/api/auth/sign-out-callback`);
    expect(await signedIn(session)).toBe(false);
  });

  it('called where cookies are read-only (a server component) it still revokes the refresh token and redirects to the IdP logout', async () => {
    const tokens = await signInAlice();
    const session = await sealedCookieHeader(runtime, tokens);
    const location = await redirectOf(createServerActionsFor(runtime, { cookies: serverComponentCookies(session) }).signOut());
    expect(location.startsWith(`${idp.issuer}/logout?`)).toBe(true);
    expect(await refreshStatus(tokens.refreshToken!)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await signedIn(session)).toBe(false);
  });

  it('signed out already (no cookie, or garbage): still a clean redirect to the IdP logout, nothing revoked, no throw', async () => {
    for (const header of ['', 'nsa.session=garbage', 'nsa.session.0=Fe26.2**x; nsa.session.1=y']) {
      const { cookies } = serverActionCookies(header);
      const revocationsBefore = idp.stats().revocations;
      const location = await redirectOf(createServerActionsFor(runtime, { cookies }).signOut());
      expect(location.startsWith(`${idp.issuer}/logout?`), header).toBe(true);
      expect(idp.stats().revocations).toBe(revocationsBefore);
    }
  });
});

describe('createServerRunner', () => {
  it('returns signIn, signOut, cognito and createApiProxy beside the fixed members', () => {
    const runner = createServerRunner({ config: { oidc: { issuer: idp.issuer, clientId: CLIENT_ID } }, runtimeOptions: { secret: SECRET, origin: ORIGIN } });
    expect(Object.keys(runner).sort()).toEqual(['cognito', 'createApiProxy', 'createAuthGuard', 'createAuthRouteHandlers', 'runWithServerContext', 'signIn', 'signOut']);
    expectTypeOf<ServerRunner['signIn']>().toEqualTypeOf<(returnTo?: string | FormData, options?: SignInActionOptions) => Promise<never>>();
    expectTypeOf<ServerRunner['signOut']>().toEqualTypeOf<(formData?: FormData) => Promise<never>>();
    // Usable where React expects a form action.
    expectTypeOf<ServerRunner['signOut']>().toExtend<(formData: FormData) => void | Promise<void>>();
    expectTypeOf<ServerRunner['signIn']>().toExtend<(formData: FormData) => void | Promise<void>>();
  });
});
