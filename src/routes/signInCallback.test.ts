import { decodeProtectedHeader } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { createAuthRuntime } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpMode, DevIdpSigningAlg } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import { createTokenVerifier } from '../tokens/createTokenVerifier.js';
import { refreshTokenGrant } from '../tokens/refreshTokenGrant.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';
import type { AuthRouteHandlers } from './createAuthRouteHandlers.js';
import { callRoute, captureCallback, cookieHeaderOf } from './__tests__/signInFlow.js';

const ORIGIN = 'http://localhost:3000';
const SECRET = 'callback-secret-callback-secret-callback-0123';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };

interface Stack {
  idp: DevIdp;
  runtime: AuthRuntime;
  handlers: AuthRouteHandlers;
}

async function startStack(clientId: string, mode: DevIdpMode = 'oidc', signingAlg?: DevIdpSigningAlg): Promise<Stack> {
  const idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode,
    ...(signingAlg ? { signingAlg } : {}),
    clients: [{ clientId, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId, flavor: mode === 'cognito' ? 'cognito' : 'generic' } },
    { secret: SECRET, origin: ORIGIN },
    {},
  );
  return { idp, runtime, handlers: handlersFor(runtime) };
}

const handlersFor = (runtime: AuthRuntime) => createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/home' });

/** Session cookies a response sets (transaction-cookie deletions left out). */
function sessionCookies(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => pair.startsWith('nsa.session') && !pair.endsWith('='));
}

async function expectRefused(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(sessionCookies(response)).toEqual([]);
  const body = await response.text();
  expect(body).toContain(code);
  expect(body).not.toMatch(/eyJ|at [\w.]+ \(/); // no token, no stack
}

describe('the sign-in callback (RFC 9207 iss, single use, future iat)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('callback-client');
  });
  afterAll(async () => {
    await stack?.idp.close();
  });

  it('the dev IdP advertises RFC 9207 and sends iss', async () => {
    const discovery = (await (await fetch(`${stack.idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.authorization_response_iss_parameter_supported).toBe(true);
    const { callbackUrl } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    expect(callbackUrl.searchParams.get('iss')).toBe(stack.idp.issuer);
  });

  it('a callback stripped of iss is rejected when discovery advertises authorization_response_iss_parameter_supported (mix-up attack)', async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    callbackUrl.searchParams.delete('iss');
    stack.idp.resetStats();
    await expectRefused(await callRoute(stack.handlers, callbackUrl.href, cookie), 400, 'invalid_response');
    expect(stack.idp.stats().tokenCalls.total).toBe(0);
  });

  it("a callback carrying another issuer's iss is rejected (mix-up attack)", async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    callbackUrl.searchParams.set('iss', 'https://attacker.example');
    stack.idp.resetStats();
    await expectRefused(await callRoute(stack.handlers, callbackUrl.href, cookie), 400, 'invalid_response');
    expect(stack.idp.stats().tokenCalls.total).toBe(0);
  });

  it('a replayed callback (same URL and original Cookie header) never reaches the token endpoint a second time', async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    stack.idp.resetStats();
    const first = await callRoute(stack.handlers, callbackUrl.href, cookie);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`${ORIGIN}/me`);
    expect(sessionCookies(first)).toHaveLength(1);
    for (let i = 0; i < 3; i++) await expectRefused(await callRoute(stack.handlers, callbackUrl.href, cookie), 400, 'missing_transaction');
    expect(stack.idp.stats().tokenCalls).toEqual({ authorization_code: 1, refresh_token: 0, total: 1 });
  });

  it('concurrent replays of one captured callback: one sign-in, one token call', async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    stack.idp.resetStats();
    const responses = await Promise.all(Array.from({ length: 8 }, () => callRoute(stack.handlers, callbackUrl.href, cookie)));
    expect(responses.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
    for (const r of responses.filter((x) => x.status === 400)) await expectRefused(r, 400, 'missing_transaction');
    expect(stack.idp.stats().tokenCalls.authorization_code).toBe(1);
  });

  it('a replay through another runner of the same app in this process (another bundle) is refused too', async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    stack.idp.resetStats();
    expect((await callRoute(stack.handlers, callbackUrl.href, cookie)).status).toBe(303);
    const sibling = createAuthRuntime({ oidc: { issuer: stack.idp.issuer, clientId: 'callback-client', flavor: 'generic' } }, { secret: SECRET, origin: ORIGIN }, {});
    await expectRefused(await callRoute(handlersFor(sibling), callbackUrl.href, cookie), 400, 'missing_transaction');
    expect(stack.idp.stats().tokenCalls.authorization_code).toBe(1);
  });

  it('a callback whose ID token is issued in the future beyond the clock skew is rejected, and so is such a refresh', async () => {
    // The IdP's clock five minutes ahead of ours: every token it issues has iat in our future.
    const behind = createTokenVerifier({
      issuer: stack.idp.issuer,
      clientId: 'callback-client',
      flavor: 'generic',
      jwksUri: async () => (await stack.runtime.endpoints()).jwks,
      algorithms: stack.runtime.options.tokens.algorithms,
      clockSkew: stack.runtime.options.tokens.clockSkew,
      timeoutMs: 5000,
      now: () => Date.now() - 5 * 60_000,
    });
    const skewed = handlersFor({ ...stack.runtime, verifier: behind });
    const { callbackUrl, cookie } = await captureCallback(skewed, ORIGIN, ALICE);
    await expectRefused(await callRoute(skewed, callbackUrl.href, cookie), 400, 'invalid_tokens');

    // Refresh: the same check on the tokens a refresh returns.
    const signedIn = await captureCallback(stack.handlers, ORIGIN, ALICE);
    const done = await callRoute(stack.handlers, signedIn.callbackUrl.href, signedIn.cookie);
    const session = await createRunWithServerContext(stack.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie: cookieHeaderOf(done) } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx),
    });
    expect(session.tokens).toBeDefined();
    const stored = await stack.runtime.codec.read(
      (await import('../cookies/createCookieStoreFromFetchApi.js')).createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: { cookie: cookieHeaderOf(done) } }), new Response(null)),
    );
    const refreshToken = stored?.tokens.refreshToken;
    expect(typeof refreshToken).toBe('string');
    const err = await refreshTokenGrant(stack.runtime.config, await stack.runtime.endpoints(), behind, refreshToken!, 5000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(err, 'IdpUnavailable')).toBe(true);
    expect(String((err as Error).cause)).toContain('iat is in the future');
  });
});

describe('key rotation at the IdP', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('rotation-client', 'cognito', 'ES256');
  });
  afterAll(async () => {
    await stack?.idp.close();
  });

  it('a sign-in and a refresh right after the IdP rotates its signing key succeed (no 30-second blind spot)', async () => {
    const first = await captureCallback(stack.handlers, ORIGIN, ALICE);
    const signedIn = await callRoute(stack.handlers, first.callbackUrl.href, first.cookie);
    expect(signedIn.status).toBe(303); // the JWKS is fetched and cached now
    stack.idp.resetStats();
    await stack.idp.rotateKeys();

    const second = await captureCallback(stack.handlers, ORIGIN, ALICE);
    const again = await callRoute(stack.handlers, second.callbackUrl.href, second.cookie);
    expect(again.status).toBe(303);
    expect(sessionCookies(again)).toHaveLength(1);
    // The first session refreshes into tokens signed with the new key, on the keys already fetched.
    const session = await createRunWithServerContext(stack.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie: cookieHeaderOf(signedIn) } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    expect(session.tokens?.idToken.payload.email).toBe('alice@example.com');
    expect(stack.idp.stats().jwksFetches).toBe(1);
  });
});

describe('a Cognito config without discovery (amplify_outputs.json)', () => {
  const config = { flavor: 'cognito' as const, issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', clientId: 'c' };
  const endpoints = { authorization: 'https://auth.example/oauth2/authorize', token: 'https://auth.example/oauth2/token', jwks: 'https://x/jwks.json' };
  const as = toAuthorizationServer(config as Parameters<typeof toAuthorizationServer>[0], endpoints, ['RS256']);

  it('keeps accepting a callback without iss (Cognito sends none and publishes no discovery flag)', () => {
    expect(oauth.validateAuthResponse(as, { client_id: 'c' }, new URLSearchParams({ code: 'x', state: 's' }), 's').get('code')).toBe('x');
  });

  it("still rejects a callback carrying another issuer's iss", () => {
    expect(() => oauth.validateAuthResponse(as, { client_id: 'c' }, new URLSearchParams({ code: 'x', state: 's', iss: 'https://attacker.example' }), 's')).toThrow(/iss/);
  });
});

describe.each([
  ['ES256', 'oidc'],
  ['PS256', 'oidc'],
  ['EdDSA', 'oidc'],
  ['ES384', 'oidc'],
  ['RS384', 'oidc'],
  ['ES256', 'cognito'],
] as const)('an OP signing with %s (%s mode)', (alg, mode) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(`alg-client-${alg}`, mode, alg);
  });
  afterAll(async () => {
    await stack?.idp.close();
  });

  it(`signs in and refreshes with ${alg}-signed ID and access tokens`, async () => {
    const { callbackUrl, cookie } = await captureCallback(stack.handlers, ORIGIN, ALICE);
    const done = await callRoute(stack.handlers, callbackUrl.href, cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${ORIGIN}/me`);
    expect(sessionCookies(done)).toHaveLength(1);

    stack.idp.resetStats();
    const response = new Response(null);
    const session = await createRunWithServerContext(stack.runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie: cookieHeaderOf(done) } }), response },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    expect(stack.idp.stats().tokenCalls.refresh_token).toBe(1);
    expect(session.tokens?.idToken.payload.email).toBe('alice@example.com');
    for (const token of [session.tokens!.idToken, session.tokens!.accessToken]) expect(decodeProtectedHeader(token.toString()).alg).toBe(alg);
    // The refreshed session was written back.
    expect(sessionCookies(response)).toHaveLength(1);
  });
});

describe('an IdP that issues more than a session cookie can carry', () => {
  const CAROL = { username: 'carol@example.com', password: 'carol-password' };
  let idp: DevIdp;
  let handlers: AuthRouteHandlers;
  beforeAll(async () => {
    idp = await startDevIdp({
      port: 0,
      quiet: true,
      mode: 'cognito',
      // A claim of ~10 KB (a directory that stuffs the ID token) makes the sealed set exceed the cookie budget.
      users: [{ ...CAROL, name: 'C'.repeat(10_000) }],
      clients: [{ clientId: 'bloat', redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
    });
    handlers = handlersFor(createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: 'bloat', flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {}));
  });
  afterAll(() => idp.close());

  it('a bloated token set answers 502 session_too_large with no session and no token, never a 500', async () => {
    const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, CAROL);
    await expectRefused(await callRoute(handlers, callbackUrl.href, cookie), 502, 'session_too_large');
  });
});
