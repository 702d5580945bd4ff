import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OidcProviderConfig } from '../config/types.js';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import type { RefresherState } from '../tokens/createRefresher.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getAccessToken } from './getAccessToken.js';
import { getCurrentUser } from './getCurrentUser.js';
import { cookieOf, expireAccessToken, sessionValues } from './__tests__/expiredSession.js';
import { readSession } from './readSession.js';
import { getContextState } from './contextRegistry.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';

// RFC 8707 resource-scoped access tokens against the real dev IdP in oidc
// mode, its resource indicators enforced (an API not named at sign-in is
// invalid_target) and refresh-token rotation on (a replayed refresh token
// revokes the whole grant).

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'resource-tokens-client';
const SECRET = 'resource-tokens-secret-resource-tokens-secret-0123';
const ORDERS = 'https://orders.example.test';
const BILLING = 'https://billing.example.test';
const UNNAMED = 'https://unnamed.example.test';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const SCOPES = ['openid', 'email', 'profile', 'orders:read', 'orders:write', 'billing:read'];
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-resource-tokens-'));

const resources = { [ORDERS]: { scope: 'orders:read orders:write' }, [BILLING]: { scope: 'billing:read' }, [UNNAMED]: { scope: 'unnamed:read' } };
let idp: DevIdp;
let idpOptions: DevIdpOptions;

const client = { clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] };

beforeAll(async () => {
  idpOptions = { port: 0, quiet: true, mode: 'oidc', resources, clients: [client], stateFile: join(stateDir, 'idp.json') };
  idp = await startDevIdp(idpOptions);
});
afterAll(async () => {
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});
beforeEach(() => idp.resetStats());

const freshState = (): RefresherState => ({ inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() });

/** One app instance against `on`: its own refresher memory (and so its own resource-token cache). */
function instance(oidc: Partial<OidcProviderConfig['oidc']> = {}, on: DevIdp = idp): AuthRuntime {
  const runtime = createAuthRuntime({ oidc: { issuer: on.issuer, clientId: CLIENT_ID, scopes: SCOPES, resources: [ORDERS, BILLING], ...oidc } }, { secret: SECRET, origin: ORIGIN }, {});
  return { ...runtime, refresher: createRuntimeRefresher(runtime, { state: freshState() }) };
}

/** Signs alice in through the app's own routes; the session cookie and the authorization URL the app sent the browser to. */
async function signIn(runtime: AuthRuntime): Promise<{ cookie: string; authorize: URL }> {
  const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/home' });
  const start = await callRoute(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/me`);
  const authorize = new URL(start.headers.get('location')!);
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  const done = await callRoute(handlers, callbackUrl.href, cookie);
  expect(done.status).toBe(303);
  return { cookie: cookieOf(done.headers.getSetCookie()), authorize };
}

/** A route-handler request carrying `cookie`: the operation's result (or the error code), and the cookie the browser holds after. */
async function route<T>(runtime: AuthRuntime, cookie: string, operation: (ctx: ContextSpec) => Promise<T>) {
  const response = new Response(null);
  let result: T | string;
  try {
    result = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/orders`, { headers: { cookie } }), response },
      operation,
    });
  } catch (err) {
    if (!isAuthError(err)) throw err;
    result = err.code;
  }
  const lines = response.headers.getSetCookie();
  const written = sessionValues(lines).length > 0;
  return { result, lines, cookie: written ? cookieOf(lines) : cookie, written };
}

const tokenFor = (runtime: AuthRuntime, cookie: string, resource?: string, scopes?: string[]) =>
  route(runtime, cookie, (ctx) => getAccessToken(ctx, { ...(resource !== undefined ? { resource } : {}), ...(scopes ? { scopes } : {}) }));
const whoIs = async (runtime: AuthRuntime, cookie: string) => (await route(runtime, cookie, async (ctx) => (await getCurrentUser(ctx)).username)).result;
const refreshCalls = () => idp.stats().tokenCalls.refresh_token;
const audOf = (token: string) => decodeJwt(token).aud;
const tokenOf = (result: unknown) => (result as { token: string }).token;

describe('getAccessToken (RFC 8707 resource-scoped access tokens)', () => {
  it('sign-in names every oidc.resources entry as resource=, and the session keeps its own token (aud = client id)', async () => {
    const app = instance();
    const { cookie, authorize } = await signIn(app);
    expect(authorize.searchParams.getAll('resource')).toEqual([ORDERS, BILLING]);
    const own = await tokenFor(app, cookie);
    expect(audOf(tokenOf(own.result))).toBe(CLIENT_ID);
    expect(await whoIs(app, cookie)).toBe('alice@example.com');
  });

  it('with PAR required by the IdP, the resources ride in the pushed request: the browser URL carries none, and the resource token has that aud', async () => {
    const par = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', resources, clients: [client], requirePushedAuthorizationRequests: true });
    try {
      const app = instance({}, par);
      const { cookie, authorize } = await signIn(app);
      expect(authorize.searchParams.get('request_uri')).toBeTruthy();
      expect(authorize.searchParams.getAll('resource')).toEqual([]);
      expect(audOf(tokenOf((await tokenFor(app, cookie, BILLING)).result))).toBe(BILLING);
    } finally {
      await par.close();
    }
  });

  it("a resource token's aud is the resource, with that API's scopes only, from one refresh_token grant carrying resource=", async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    idp.resetStats();
    const { result } = await tokenFor(app, cookie, ORDERS);
    const claims = decodeJwt(tokenOf(result));
    expect(claims.aud).toBe(ORDERS);
    expect(claims.sub).toBe(decodeJwt(tokenOf((await tokenFor(app, cookie)).result)).sub);
    expect((claims.scope as string).split(' ').sort()).toEqual(['orders:read', 'orders:write']);
    expect(result).toMatchObject({ scope: 'orders:read orders:write', expiresAt: (claims.exp as number) * 1000 });
    expect(refreshCalls()).toBe(1);
  });

  it('scopes narrow the token (scope= on the grant); a scope the sign-in never got is ResourceNotGranted (invalid_scope), the session kept', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const narrow = await tokenFor(app, cookie, ORDERS, ['orders:read']);
    expect(decodeJwt(tokenOf(narrow.result))).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    const refused = await tokenFor(app, narrow.cookie, ORDERS, ['orders:admin']);
    expect(refused.result).toBe('ResourceNotGranted');
    expect(refused.lines.filter((l) => /Max-Age=0/.test(l))).toEqual([]);
    expect(await whoIs(app, narrow.cookie)).toBe('alice@example.com');
  });

  it('one refresh token serves two resources: each token carries its own aud, and the session keeps working', async () => {
    const app = instance();
    let { cookie } = await signIn(app);
    const orders = await tokenFor(app, cookie, ORDERS);
    cookie = orders.cookie;
    const billing = await tokenFor(app, cookie, BILLING);
    cookie = billing.cookie;
    expect(audOf(tokenOf(orders.result))).toBe(ORDERS);
    expect(audOf(tokenOf(billing.result))).toBe(BILLING);
    expect(decodeJwt(tokenOf(billing.result)).scope).toBe('billing:read');
    expect(await whoIs(app, cookie)).toBe('alice@example.com');
  });

  it('cached until shortly before expiry: a second call makes no IdP call and returns the same token', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const first = await tokenFor(app, cookie, ORDERS);
    idp.resetStats();
    const again = await tokenFor(app, first.cookie, ORDERS);
    // The cookie from before the (rotating) grant finds it too.
    const stale = await tokenFor(app, cookie, ORDERS);
    expect(tokenOf(again.result)).toBe(tokenOf(first.result));
    expect(tokenOf(stale.result)).toBe(tokenOf(first.result));
    expect(refreshCalls()).toBe(0);
  });

  it('forceRefresh (the API answered 401): a new grant and a new token, never the refused one again', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const first = await tokenFor(app, cookie, ORDERS);
    idp.resetStats();
    const forced = await route(app, first.cookie, (ctx) => getAccessToken(ctx, { resource: ORDERS, forceRefresh: true }));
    expect(refreshCalls()).toBe(1);
    expect(tokenOf(forced.result)).not.toBe(tokenOf(first.result));
    expect(audOf(tokenOf(forced.result))).toBe(ORDERS);
    // The cache now holds the new one, for the old cookie too.
    expect(tokenOf((await tokenFor(app, forced.cookie, ORDERS)).result)).toBe(tokenOf(forced.result));
    expect(tokenOf((await tokenFor(app, cookie, ORDERS)).result)).not.toBe(tokenOf(first.result));
  });

  it('50 concurrent calls for one resource and one session make exactly 1 token-endpoint call, all get the same token', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    idp.resetStats();
    const all = await Promise.all(Array.from({ length: 50 }, () => tokenFor(app, cookie, ORDERS)));
    expect(refreshCalls()).toBe(1);
    expect(new Set(all.map((r) => tokenOf(r.result))).size).toBe(1);
    expect(audOf(tokenOf(all[0]!.result))).toBe(ORDERS);
  });

  it('token confusion: a token obtained for resource A is never returned for resource B, even asked concurrently on one refresh token', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const a = await tokenFor(app, cookie, ORDERS);
    idp.resetStats();
    // A is cached under this session: asking for B must still go to the IdP for B's own token.
    const b = await tokenFor(app, a.cookie, BILLING);
    expect(refreshCalls()).toBe(1);
    expect(audOf(tokenOf(b.result))).toBe(BILLING);
    expect(tokenOf(b.result)).not.toBe(tokenOf(a.result));
    // Concurrently, A and B and their narrowed variants on one cookie: each answer is for what it asked.
    const other = instance();
    const { cookie: fresh } = await signIn(other);
    const asks = [ORDERS, BILLING, ORDERS, BILLING, ORDERS, BILLING];
    const answers = await Promise.all(asks.map((resource, i) => tokenFor(other, fresh, resource, i === 2 ? ['orders:read'] : undefined)));
    answers.forEach((answer, i) => expect(audOf(tokenOf(answer.result))).toBe(asks[i]));
    expect(decodeJwt(tokenOf(answers[2]!.result)).scope).toBe('orders:read');
    expect(decodeJwt(tokenOf(answers[0]!.result)).scope).not.toBe('orders:read');
  });

  it('token confusion: an IdP that ignores resource= (its token is for the client, not the API) is refused with ResourceNotGranted, never handed out', async () => {
    // A dev IdP without `resources`: any resource indicator is accepted, every token's aud is the client id.
    const lax = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', clients: [client] });
    try {
      const app = instance({}, lax);
      const { cookie } = await signIn(app);
      const { result, cookie: after } = await tokenFor(app, cookie, ORDERS);
      expect(result).toBe('ResourceNotGranted');
      // The rotated refresh token was kept: the session lives on.
      expect(await whoIs(app, after)).toBe('alice@example.com');
      expect((await route(app, after, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub)).result).toBeTypeOf('string');
    } finally {
      await lax.close();
    }
  });

  it('a resource not in oidc.resources is ResourceNotGranted with no IdP call and no cookie change, not a 500', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    idp.resetStats();
    for (const resource of [UNNAMED, `${ORDERS}/`, 'not a uri', '']) {
      const { result, lines } = await tokenFor(app, cookie, resource);
      expect(result).toBe('ResourceNotGranted');
      expect(lines).toEqual([]);
    }
    expect(idp.stats().tokenCalls.total).toBe(0);
    expect(await whoIs(app, cookie)).toBe('alice@example.com');
  });

  it('a resource configured after the sign-in (not granted then) is refused by the IdP (invalid_target): ResourceNotGranted, not a 500', async () => {
    // Without rotation: oidc-provider 9 rotates before it checks the resource, so with rotation the refused
    // grant costs the session its refresh token (see the README); the refusal itself is the same.
    const keep = await startDevIdp({ port: 0, quiet: true, mode: 'oidc', resources, clients: [client], rotateRefreshToken: false });
    try {
      const before = instance({}, keep);
      const { cookie } = await signIn(before);
      const after = instance({ resources: [ORDERS, BILLING, UNNAMED] }, keep);
      const refused = await tokenFor(after, cookie, UNNAMED);
      expect(refused.result).toBe('ResourceNotGranted');
      expect(keep.stats().tokenCalls.refresh_token).toBe(1);
      expect(refused.lines).toEqual([]);
      expect(audOf(tokenOf((await tokenFor(after, cookie, ORDERS)).result))).toBe(ORDERS);
    } finally {
      await keep.close();
    }
  });

  it('bad options are a clear InvalidParameter, signed out is UserUnAuthenticated, never a 500 or a token', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    idp.resetStats();
    expect((await route(app, cookie, (ctx) => getAccessToken(ctx, { scopes: ['orders:read'] }))).result).toBe('InvalidParameter');
    expect((await tokenFor(app, cookie, ORDERS, [])).result).toBe('InvalidParameter');
    expect((await tokenFor(app, cookie, ORDERS, ['two words'])).result).toBe('InvalidParameter');
    expect((await tokenFor(app, cookie, ORDERS, ['quote"'])).result).toBe('InvalidParameter');
    expect((await route(app, cookie, (ctx) => getAccessToken(ctx, { resource: 42 as unknown as string }))).result).toBe('InvalidParameter');
    expect(idp.stats().tokenCalls.total).toBe(0);
    expect((await tokenFor(app, '', ORDERS)).result).toBe('UserUnAuthenticated');
    expect((await tokenFor(app, 'nsa.session=garbage', ORDERS)).result).toBe('UserUnAuthenticated');
    expect((await tokenFor(app, '')).result).toBe('UserUnAuthenticated');
  });

  it('without a resource: the session’s own access token, refreshed first when it has expired', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const tokens = (await route(app, cookie, async (ctx) => (await readSession(getContextState(ctx)))!.tokens)).result as { idToken: string; accessToken: string; refreshToken: string };
    const expired = await sealedCookieHeader(app, await expireAccessToken(tokens, idpOptions.stateFile!));
    idp.resetStats();
    const own = await tokenFor(app, expired);
    expect(refreshCalls()).toBe(1);
    expect(own.written).toBe(true);
    expect(decodeJwt(tokenOf(own.result))).toMatchObject({ aud: CLIENT_ID });
    expect((own.result as { expiresAt: number }).expiresAt).toBeGreaterThan(Date.now());
    expect(tokenOf(own.result)).not.toBe(tokens.accessToken);
  });
});

describe('resource grants and refresh-token rotation', () => {
  it('with rotation on, the session keeps working after resource refreshes: the rotated refresh token is written back, and later session refreshes succeed', async () => {
    const app = instance();
    const signedIn = await signIn(app);
    let cookie = signedIn.cookie;
    for (const resource of [ORDERS, BILLING]) {
      const step = await tokenFor(app, cookie, resource);
      // The IdP rotated the refresh token: the cookie now carries the new one.
      expect(step.written).toBe(true);
      cookie = step.cookie;
    }
    idp.resetStats();
    const refreshed = await route(app, cookie, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).tokens?.accessToken.payload.aud);
    expect(refreshed.result).toBe(CLIENT_ID);
    expect(refreshCalls()).toBe(1);
    expect(await whoIs(app, refreshed.cookie)).toBe('alice@example.com');
    // A fresh process (no memory of these grants) with the latest cookie: the grant is alive at the IdP.
    const cold = instance();
    expect(audOf(tokenOf((await tokenFor(cold, refreshed.cookie, ORDERS)).result))).toBe(ORDERS);
  });

  it('a session refresh and a resource grant racing on one rotating refresh token never replay it: both succeed, one IdP call at a time, the grant survives', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const tokens = (await route(app, cookie, async (ctx) => (await readSession(getContextState(ctx)))!.tokens)).result as { idToken: string; accessToken: string; refreshToken: string };
    const expired = await sealedCookieHeader(app, await expireAccessToken(tokens, idpOptions.stateFile!));
    idp.resetStats();
    const [session, resource, again] = await Promise.all([
      route(app, expired, async (ctx) => (await fetchAuthSession(ctx)).tokens?.accessToken.payload.aud),
      tokenFor(app, expired, ORDERS),
      tokenFor(app, expired, BILLING),
    ]);
    expect(session.result).toBe(CLIENT_ID);
    expect(audOf(tokenOf(resource.result))).toBe(ORDERS);
    expect(audOf(tokenOf(again.result))).toBe(BILLING);
    // One session refresh + one grant per resource, one after another (a replay would have revoked the grant).
    expect(refreshCalls()).toBe(3);
    // Whichever of the three cookies the browser kept last, it reads (the older ones map for the grace window).
    for (const after of [session.cookie, resource.cookie, again.cookie]) expect(await whoIs(app, after)).toBe('alice@example.com');
    // The grant is alive at the IdP: the chain's newest refresh token refreshes on a process that never saw it.
    const head = await route(app, again.cookie, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect((await route(instance(), head.cookie, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub)).result).toBeTypeOf('string');
  });

  it('a stolen cookie from before a rotating resource grant, replayed after the grace window, is signed out without reaching the IdP; the owner keeps the session', async () => {
    const base = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: SCOPES, resources: [ORDERS, BILLING] } }, { secret: SECRET, origin: ORIGIN, refresh: { grace: 60 } }, {});
    const clock = { t: Date.now() };
    const app = { ...base, refresher: createRuntimeRefresher(base, { state: freshState(), now: () => clock.t }) };
    const { cookie: stolen } = await signIn(app);
    const owner = await tokenFor(app, stolen, ORDERS);
    expect(owner.written).toBe(true);
    clock.t += 61_000;
    idp.resetStats();
    const replay = await route(app, stolen, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect(replay.result).toBeUndefined();
    expect(replay.lines.some((l) => /^nsa\.session=;.*Max-Age=0/.test(l))).toBe(true);
    expect((await tokenFor(app, stolen, BILLING)).result).toBe('UserUnAuthenticated');
    // Never sent to the IdP (a rotating IdP would have revoked the owner's whole grant).
    expect(idp.stats().tokenCalls.total).toBe(0);
    expect(audOf(tokenOf((await tokenFor(app, owner.cookie, BILLING)).result))).toBe(BILLING);
  });

  it('in a server component (read-only cookies) a rotating resource grant still answers; the unchanged cookie maps to the new refresh token, no replay', async () => {
    const app = instance();
    const { cookie } = await signIn(app);
    const readOnly = async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie })));
    const inPage = () => createRunWithServerContext(app)({ nextServerContext: { cookies: readOnly }, operation: (ctx) => getAccessToken(ctx, { resource: ORDERS }) });
    idp.resetStats();
    const first = await inPage();
    expect(audOf(first.token)).toBe(ORDERS);
    expect((await inPage()).token).toBe(first.token);
    expect(refreshCalls()).toBe(1);
    // The browser still sends the old cookie: its refresh maps (no second use of the rotated-out token at the IdP).
    const later = await route(app, cookie, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect(later.result).toBeTypeOf('string');
    expect(refreshCalls()).toBe(1);
  });

  it('a stale cookie from before a rotating resource grant maps to the new refresh token for the grace window instead of replaying the old one', async () => {
    const app = instance();
    const { cookie: old } = await signIn(app);
    const step = await tokenFor(app, old, ORDERS);
    expect(step.written).toBe(true);
    idp.resetStats();
    // The old cookie (another tab's request) refreshes its session: it maps, no IdP call with the spent token.
    const stale = await route(app, old, async (ctx) => (await fetchAuthSession(ctx, { forceRefresh: true })).userSub);
    expect(stale.result).toBeTypeOf('string');
    expect(idp.stats().tokenCalls.refresh_token).toBe(0);
    expect(await whoIs(app, step.cookie)).toBe('alice@example.com');
    expect(audOf(tokenOf((await tokenFor(instance(), stale.cookie, BILLING)).result))).toBe(BILLING);
  });
});
