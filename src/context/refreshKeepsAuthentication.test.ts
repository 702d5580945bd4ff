// OIDC Core 12.2: a refreshed ID token describes the ORIGINAL authentication
// (its auth_time, its acr). A refresh answer that claims a fresher auth_time
// or a stronger acr must not let a session pass a step-up rule it never
// passed. The dev IdP refreshes conformantly, so the hostile answers come from
// a loopback proxy in front of its real token endpoint that rewrites the ID
// token of a refresh answer and re-signs it with the IdP's own key (read from
// its state file): the library sees a genuinely signed token, as it would
// from a misbehaving or compromised provider.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OidcProviderConfig } from '../config/types.js';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { readStateFile } from '../dev-idp/stateFile.js';
import { isAuthError } from '../errors/AuthError.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import type { GuardRule } from '../guard/AuthGuardOptions.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import { callRoute, captureCallback } from '../routes/__tests__/signInFlow.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { requireAuth } from './requireAuth.js';
import type { RequireAuthOptions } from './requireAuth.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';
import { cookieOf, sessionValues } from './__tests__/expiredSession.js';
import { getAccessToken } from './getAccessToken.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'refresh-keeps-auth-client';
const SECRET = 'refresh-keeps-auth-secret-refresh-keeps-auth-0123';
// Access (and ID) tokens live 10 minutes: a session signed in 1000 s ago is due for a refresh and too old for maxAge 300.
const ACCESS_TTL = 600;
const ORDERS = 'https://orders.example.test';
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-refresh-auth-'));

let idp: DevIdp;
let idpOptions: DevIdpOptions;
let redis: StartedRedis | undefined;
let store: AuthStore | undefined;

// ---- a tampering proxy in front of the dev IdP's token endpoint ------------------------------
let proxy: Server;
let proxyUrl: string;
/** Rewrites the JSON body of a successful refresh answer, given the grant's form (undefined: passed through untouched). */
let tamper: ((body: Record<string, unknown>, form: URLSearchParams) => Promise<Record<string, unknown>>) | undefined;
/** Successful refresh answers the IdP gave through the proxy (each is one real refresh_token grant). */
let refreshAnswers = 0;

async function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The ID token with `change` applied to its claims, re-signed with the dev IdP's own signing key. */
async function resigned(idToken: string, change: (claims: JWTPayload) => JWTPayload): Promise<string> {
  const jwk = readStateFile(idpOptions.stateFile!)!.signingKey;
  return new SignJWT(change(decodeJwt(idToken)))
    .setProtectedHeader({ ...decodeProtectedHeader(idToken), alg: jwk.alg })
    .sign(await importJWK(jwk, jwk.alg));
}

/** A refresh answer whose ID token claims other facts (signed by the IdP's key). */
const claiming = (change: (claims: JWTPayload) => JWTPayload) => async (body: Record<string, unknown>) => ({ ...body, id_token: await resigned(body.id_token as string, change) });
const fresherAuthTime = claiming((claims) => ({ ...claims, auth_time: Math.floor(Date.now() / 1000) }));
const raisedAcr = claiming((claims) => ({ ...claims, acr: 'mfa', amr: ['pwd', 'otp'] }));

beforeAll(async () => {
  idpOptions = {
    port: 0,
    quiet: true,
    mode: 'oidc',
    secondFactor: true,
    accessTokenTtl: ACCESS_TTL,
    resources: { [ORDERS]: { scope: 'orders:read' } },
    stateFile: join(stateDir, 'idp.json'),
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`, `${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  };
  idp = await startDevIdp(idpOptions);
  proxy = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = new Headers();
      for (const name of ['authorization', 'content-type', 'accept', 'dpop']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers.set(name, value);
      }
      const upstream = await fetch(new URL(req.url!, idp.issuer), { method: req.method!, headers, ...(req.method === 'POST' ? { body: body.toString() } : {}) });
      let text = await upstream.text();
      const form = new URLSearchParams(body.toString());
      if (upstream.status === 200 && form.get('grant_type') === 'refresh_token') {
        refreshAnswers++;
        if (tamper) text = JSON.stringify(await tamper(JSON.parse(text) as Record<string, unknown>, form));
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
      res.end(text);
    })().catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await store?.close();
  await redis?.stop();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

beforeEach(() => {
  tamper = undefined;
  refreshAnswers = 0;
});

/**
 * One app instance whose token endpoint is reached through the proxy
 * (everything else straight at the dev IdP), with a refresher memory of its
 * own (one "server"), optionally coordinated through `shared`.
 */
function instance(shared?: AuthStore, oidc: Partial<OidcProviderConfig['oidc']> = {}): AuthRuntime {
  const base = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'profile', 'offline_access'], ...oidc } },
    { secret: SECRET, origin: ORIGIN, ...(shared ? { store: shared } : {}) },
    {},
  );
  const proxied: AuthRuntime = {
    ...base,
    endpoints: async () => {
      const known = await base.endpoints();
      return { ...known, token: `${proxyUrl}${new URL(known.token).pathname}` };
    },
  };
  return { ...proxied, refresher: createRuntimeRefresher(proxied, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
}

/** Alice signs in with her password only (acr `pwd`), `agoSeconds` ago (the in-process IdP's clock too). */
async function signedInAgo(agoSeconds: number): Promise<TokenSet> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - agoSeconds * 1000);
  try {
    const t = await signInWithPassword({
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      redirectUri: `${ORIGIN}/cb`,
      username: 'alice@example.com',
      password: 'alice-password',
      scope: 'openid email profile offline_access',
    });
    return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
  } finally {
    vi.useRealTimers();
  }
}

const claimsOf = (tokens: TokenSet) => decodeJwt(tokens.idToken);

/** The guard (proxy.ts) in front of `path`, with `rules`. */
function guarded(runtime: AuthRuntime, rules: GuardRule[], path: string, cookie: string) {
  return createAuthGuardFor(runtime)({ rules })(new NextRequest(`${ORIGIN}${path}`, { headers: { cookie } }));
}

/** A route handler calling requireAuth: the user, or the error code; and the Set-Cookie lines. */
async function routeHandler(runtime: AuthRuntime, cookie: string, options: RequireAuthOptions) {
  const response = new Response(null);
  const outcome = await createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/billing`, { headers: { cookie } }), response },
    operation: (ctx) => requireAuth(ctx, options),
  }).then(
    (user) => user.username,
    (err: unknown) => (isAuthError(err) ? err.code : err),
  );
  return { outcome, setCookies: response.headers.getSetCookie() };
}

/** A server component (read-only cookies) calling requireAuth: the user, or the error code. */
function serverComponent(runtime: AuthRuntime, cookie: string, options: RequireAuthOptions): Promise<unknown> {
  return createRunWithServerContext(runtime)({
    nextServerContext: { cookies: async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie }))) },
    operation: (ctx) => requireAuth(ctx, options),
  }).then(
    (user) => user.username,
    (err: unknown) => (isAuthError(err) ? err.code : err),
  );
}

/** The session cookie is deleted (every line that names it expires it) and no new value is written. */
function expectSessionCleared(setCookies: string[]): void {
  expect(sessionValues(setCookies)).toEqual([]);
  expect(setCookies.some((line) => /^nsa\.session(\.\d+)?=;/.test(line) && /Max-Age=0/i.test(line))).toBe(true);
}

describe('a refresh keeps the authentication it refreshes (OIDC Core 12.2)', () => {
  it('a refresh answer claiming a fresher auth_time does not satisfy a maxAge rule (guard, page): signed out and sent to sign in with max_age', async () => {
    const runtime = instance();
    const tokens = await signedInAgo(1000);
    const cookie = await sealedCookieHeader(runtime, tokens);
    tamper = fresherAuthTime;

    const response = await guarded(runtime, [{ path: '/account/security', maxAge: 300 }], '/account/security', cookie);
    expect(refreshAnswers).toBe(1);
    expect(response.headers.get('x-middleware-next')).toBeNull();
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/api/auth/sign-in');
    expect(Object.fromEntries(location.searchParams)).toEqual({ returnTo: '/account/security', max_age: '300' });
    expectSessionCleared(response.headers.getSetCookie());

    // The cookie is dead: replayed, it is refused here without reaching the IdP again.
    const again = await guarded(runtime, [{ path: '/account/security', maxAge: 300 }], '/account/security', cookie);
    expect(again.status).toBe(307);
    expect(refreshAnswers).toBe(1);
  });

  it('a refresh answer raising acr to mfa does not satisfy an acr rule (guard, API route): 401, signed out', async () => {
    const runtime = instance();
    const tokens = await signedInAgo(700);
    expect(claimsOf(tokens).acr).toBe('pwd');
    const cookie = await sealedCookieHeader(runtime, tokens);
    tamper = raisedAcr;

    const response = await guarded(runtime, [{ path: '/api/billing', acr: 'mfa' }], '/api/billing', cookie);
    expect(refreshAnswers).toBe(1);
    expect(response.headers.get('x-middleware-next')).toBeNull();
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expectSessionCleared(response.headers.getSetCookie());
  });

  it('a refresh answer claiming a fresher auth_time does not satisfy requireAuth({ maxAge }) in a route handler: UserUnAuthenticated, cookie cleared', async () => {
    const runtime = instance();
    const cookie = await sealedCookieHeader(runtime, await signedInAgo(1000));
    tamper = fresherAuthTime;

    const { outcome, setCookies } = await routeHandler(runtime, cookie, { maxAge: 300 });
    expect(outcome).toBe('UserUnAuthenticated');
    expect(refreshAnswers).toBe(1);
    expectSessionCleared(setCookies);
  });

  it('a refresh answer raising acr to mfa does not satisfy requireAuth({ acr }) in a server component, and the same cookie is refused again without a second IdP call', async () => {
    const runtime = instance();
    const cookie = await sealedCookieHeader(runtime, await signedInAgo(700));
    tamper = raisedAcr;

    expect(await serverComponent(runtime, cookie, { acr: 'mfa' })).toBe('UserUnAuthenticated');
    expect(refreshAnswers).toBe(1);
    expect(await serverComponent(runtime, cookie, { acr: 'mfa' })).toBe('UserUnAuthenticated');
    expect(refreshAnswers).toBe(1);
  });

  it('a refresh answer that gives a session without auth_time one (now) does not satisfy a maxAge rule', async () => {
    const runtime = instance();
    // A session whose sign-in carried no auth_time (its ID token re-signed without one).
    const signedIn = await signedInAgo(1000);
    const tokens = { ...signedIn, idToken: await resigned(signedIn.idToken, ({ auth_time: _dropped, ...claims }) => claims) };
    const cookie = await sealedCookieHeader(runtime, tokens);
    tamper = fresherAuthTime;

    const { outcome, setCookies } = await routeHandler(runtime, cookie, { maxAge: 300 });
    expect(outcome).toBe('UserUnAuthenticated');
    expectSessionCleared(setCookies);
  });

  it('store-coordinated refresh: a refresh answer claiming a fresher auth_time is refused on the instance that asked, and every other instance refuses the same cookie without an IdP call', async () => {
    redis ??= await startRedis();
    store ??= createRedisStore({ url: redis.url, prefix: `nsa-refresh-auth-${process.pid}` });
    const [a, b] = [instance(store), instance(store)];
    const cookie = await sealedCookieHeader(a, await signedInAgo(1000));
    tamper = fresherAuthTime;

    const first = await routeHandler(a, cookie, { maxAge: 300 });
    expect(first.outcome).toBe('UserUnAuthenticated');
    expectSessionCleared(first.setCookies);
    expect(refreshAnswers).toBe(1);

    tamper = undefined;
    const second = await routeHandler(b, cookie, { maxAge: 300 });
    expect(second.outcome).toBe('UserUnAuthenticated');
    expectSessionCleared(second.setCookies);
    expect(refreshAnswers).toBe(1);
  });

  it('an honest refresh (the dev IdP keeps auth_time and acr) is accepted: the session is refreshed with its original auth_time and acr, and a maxAge rule still asks for a step-up', async () => {
    const runtime = instance();
    const tokens = await signedInAgo(1000);
    const cookie = await sealedCookieHeader(runtime, tokens);

    const { outcome, setCookies } = await routeHandler(runtime, cookie, { maxAge: 300 });
    expect(outcome).toBe('InsufficientAuthentication');
    expect(refreshAnswers).toBe(1);
    expect(sessionValues(setCookies)).not.toEqual([]);
    const refreshed = sessionValues(setCookies).map((line) => line.split(';')[0]).join('; ');
    const session = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie: refreshed } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx),
    });
    const claims = session.tokens!.idToken.payload;
    expect(claims.iat).toBeGreaterThan(claimsOf(tokens).iat!);
    expect(claims.auth_time).toBe(claimsOf(tokens).auth_time);
    expect(claims.acr).toBe('pwd');
    expect(refreshAnswers).toBe(1);
  });

  it('a resource-token grant answering with an ID token that raises acr to mfa leaves the session\'s ID token as it was: an acr rule still asks for a step-up', async () => {
    const runtime = instance(undefined, { resources: [ORDERS], scopes: ['openid', 'email', 'profile', 'offline_access', 'orders:read'] });
    const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/home' });
    const { callbackUrl, cookie: transaction } = await captureCallback(handlers, ORIGIN, { username: 'alice@example.com', password: 'alice-password' });
    const cookie = cookieOf((await callRoute(handlers, callbackUrl.href, transaction)).headers.getSetCookie());
    let tampered = 0;
    tamper = async (body, form) => {
      if (form.get('resource') !== ORDERS || typeof body.id_token !== 'string') return body;
      tampered++;
      return raisedAcr(body);
    };

    const response = new Response(null);
    const { token, idToken } = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/orders`, { headers: { cookie } }), response },
      operation: async (ctx) => ({ token: await getAccessToken(ctx, { resource: ORDERS }), idToken: (await fetchAuthSession(ctx)).tokens!.idToken }),
    });
    expect(tampered).toBe(1);
    expect(decodeJwt(token.token).aud).toBe(ORDERS);
    expect(idToken.payload.acr).toBe('pwd');
    // The session (its refresh token rotated by the grant) still has the sign-in's ID token.
    const after = sessionValues(response.headers.getSetCookie()).length > 0 ? cookieOf(response.headers.getSetCookie()) : cookie;
    expect((await routeHandler(runtime, after, { acr: 'mfa' })).outcome).toBe('InsufficientAuthentication');
  });

  it('a refresh answer without an ID token keeps the session\'s original auth_time and acr: the session is not replaced', async () => {
    const runtime = instance();
    const tokens = await signedInAgo(0);
    const cookie = await sealedCookieHeader(runtime, tokens);
    tamper = async ({ id_token: _dropped, ...body }) => body;

    const response = new Response(null);
    const session = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    expect(refreshAnswers).toBe(1);
    expect(session.tokens!.idToken.toString()).toBe(tokens.idToken);
    expect(session.tokens!.idToken.payload).toMatchObject({ auth_time: claimsOf(tokens).auth_time, acr: 'pwd' });
    expect(sessionValues(response.headers.getSetCookie())).toEqual([]);
  });
});
