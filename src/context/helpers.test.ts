import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { NextRequest } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { createAuthGuardFor } from '../guard/createAuthGuard.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { RuntimeOptions } from '../config/runtimeOptions.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AccessTokenClaims, IdTokenClaims, UserInfoClaims } from '../tokens/claims.js';
import type { JWT } from '../tokens/JWT.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import type { AuthSession } from './fetchAuthSession.js';
import { fetchUserAttributes } from './fetchUserAttributes.js';
import type { UserAttributes } from './fetchUserAttributes.js';
import { getCurrentUser } from './getCurrentUser.js';
import { requireUser } from './requireUser.js';
import { sameOriginPath } from './signInLocation.js';
import type { AuthUser } from './userOf.js';
import { userOf } from './userOf.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'helpers-client';
const SECRET = 'helpers-secret-helpers-secret-helpers-secret-01';

let idp: DevIdp;
let runtime: AuthRuntime;
let alice: TokenSet;
let aliceCookie: string;
let bobCookie: string;

async function tokensFor(username: string, password: string): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) };
}

function makeRuntime(options: RuntimeOptions = {}, oidc: { groupsClaim?: string } = {}): AuthRuntime {
  return createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito', ...oidc } }, { secret: SECRET, origin: ORIGIN, ...options }, {});
}

/** What `await cookies()` is in a server component: read-only, from the request's Cookie header. */
function serverComponentCookies(header: string) {
  return async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));
}

/** Runs `operation` as a server component of a request carrying `cookie`. */
function inServerComponent<T>(cookie: string, operation: (ctx: ContextSpec) => Promise<T>, rt: AuthRuntime = runtime): Promise<T> {
  return createRunWithServerContext(rt)({ nextServerContext: { cookies: serverComponentCookies(cookie) }, operation });
}

/** The URL a Next `redirect()` error points at (its digest is `NEXT_REDIRECT;<type>;<url>;<status>;`), or a description of what was thrown. */
async function redirectTarget(promise: Promise<unknown>): Promise<string> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) return `returned ${JSON.stringify(outcome.value)}`;
  const digest = (outcome.error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== 'string' || !digest.startsWith('NEXT_REDIRECT;')) return `threw ${String(outcome.error)}`;
  const [, type, url, status] = digest.split(';');
  expect(type).toBe('replace');
  expect(status).toBe('307');
  return url!;
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  runtime = makeRuntime();
  alice = await tokensFor('alice@example.com', 'alice-password');
  aliceCookie = await sealedCookieHeader(runtime, alice);
  bobCookie = await sealedCookieHeader(runtime, await tokensFor('bob@example.com', 'bob-password'));
});

afterAll(async () => {
  await idp?.close();
});

const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

describe('requireUser', () => {
  it('returns the signed-in user, groups included', async () => {
    const user = await inServerComponent(aliceCookie, (ctx) => requireUser(ctx, { returnTo: '/dashboard' }));
    expect(user).toEqual({ username: 'alice@example.com', userId: subOf(alice.idToken), groups: ['ADMINS'], signInDetails: { loginId: 'alice@example.com' } });
  });

  it('signed out: redirects through the sign-in route with returnTo', async () => {
    expect(await redirectTarget(inServerComponent('', (ctx) => requireUser(ctx, { returnTo: '/reports/42?tab=notes' })))).toBe(
      '/api/auth/sign-in?returnTo=%2Freports%2F42%3Ftab%3Dnotes',
    );
    // No request at all (`nextServerContext: null`) is signed out too.
    const run = createRunWithServerContext(runtime);
    expect(await redirectTarget(run({ nextServerContext: null, operation: (ctx) => requireUser(ctx, { returnTo: '/dashboard' }) }))).toBe(
      '/api/auth/sign-in?returnTo=%2Fdashboard',
    );
  });

  it('without returnTo: the bare sign-in route (it lands the user on its redirectOnSignInComplete)', async () => {
    expect(await redirectTarget(inServerComponent('', (ctx) => requireUser(ctx)))).toBe('/api/auth/sign-in');
  });

  it('an open-redirect returnTo (absolute, protocol-relative, backslash, dot segments, other schemes) is dropped, never forwarded', async () => {
    const hostile = [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      '/.//evil.example',
      '/%2e%2e//evil.example',
      'javascript:alert(1)',
      ' /dashboard',
      '/dash\nboard',
      `/${'a'.repeat(3000)}`,
    ];
    for (const returnTo of hostile) {
      expect(await redirectTarget(inServerComponent('', (ctx) => requireUser(ctx, { returnTo }))), returnTo).toBe('/api/auth/sign-in');
    }
  });

  it('a tampered or foreign session cookie is signed out: a redirect, not a 500', async () => {
    const tampered = aliceCookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const cookie of [tampered, 'nsa.session=garbage', `nsa.session=${'x'.repeat(5000)}`, 'nsa.session.0=Fe26.2**; nsa.session.1=zz']) {
      expect(await redirectTarget(inServerComponent(cookie, (ctx) => requireUser(ctx, { returnTo: '/dashboard' })))).toBe('/api/auth/sign-in?returnTo=%2Fdashboard');
    }
  });

  it('runtimeOptions.signInPath is where it sends users (one setting for guard, requireUser and signIn)', async () => {
    const rt = makeRuntime({ signInPath: '/auth/login' });
    expect(await redirectTarget(inServerComponent('', (ctx) => requireUser(ctx, { returnTo: '/x' }), rt))).toBe('/auth/login?returnTo=%2Fx');
    const guard = createAuthGuardFor(rt)({ rules: [{ path: '/dashboard' }] });
    const denied = await guard(new NextRequest(`${ORIGIN}/dashboard?tab=1`, { headers: { 'sec-fetch-dest': 'document' } }));
    expect(denied.headers.get('location')).toBe(`${ORIGIN}/auth/login?returnTo=%2Fdashboard%3Ftab%3D1`);
    // The guard's own option still wins where given.
    const own = await createAuthGuardFor(rt)({ rules: [{ path: '/dashboard' }], signInPath: '/other' })(new NextRequest(`${ORIGIN}/dashboard`));
    expect(own.headers.get('location')).toBe(`${ORIGIN}/other?returnTo=%2Fdashboard`);
  });

  it('a signInPath that leaves the origin (//host, /\\host, a URL) fails at start-up', () => {
    for (const signInPath of ['//evil.example/sign-in', '/\\evil.example', 'https://evil.example/sign-in', 'sign-in', '/a b', '/x?returnTo=//evil']) {
      let err: unknown;
      try {
        makeRuntime({ signInPath });
      } catch (e) {
        err = e;
      }
      expect(isAuthError(err, 'InvalidConfig'), signInPath).toBe(true);
    }
  });
});

describe('sameOriginPath (returnTo as a path, safeReturnTo rules)', () => {
  it('keeps same-origin paths with their query and fragment, drops everything else', () => {
    expect(sameOriginPath('/a/b?c=1#d', ORIGIN)).toBe('/a/b?c=1#d');
    expect(sameOriginPath('/', ORIGIN)).toBe('/');
    expect(sameOriginPath('/a', 'https://app.example.com')).toBe('/a');
    for (const value of [undefined, null, '', 'https://evil.example', '//evil.example', '/\\x', 'x', '/.//evil.example']) {
      expect(sameOriginPath(value, ORIGIN), String(value)).toBeUndefined();
    }
  });
});

describe('groups on the user', () => {
  it('getCurrentUser: alice is in ADMINS, bob in no group', async () => {
    expect((await inServerComponent(aliceCookie, getCurrentUser)).groups).toEqual(['ADMINS']);
    expect((await inServerComponent(bobCookie, getCurrentUser)).groups).toEqual([]);
  });

  it('come from the configured groupsClaim, the claim the guard checks', async () => {
    const rt = makeRuntime({}, { groupsClaim: 'cognito:username' });
    const cookie = await sealedCookieHeader(rt, alice);
    expect((await inServerComponent(cookie, getCurrentUser, rt)).groups).toEqual(['alice@example.com']);
  });

  it('userOf: an array, or a space/comma separated string; anything else is no groups', () => {
    const id = { sub: 'u1' };
    expect(userOf({ ...id, groups: ['a', 2, 'b'] }, id, 'groups')?.groups).toEqual(['a', 'b']);
    expect(userOf({ ...id, groups: 'a, b c' }, id, 'groups')?.groups).toEqual(['a', 'b', 'c']);
    expect(userOf(id, { ...id, groups: ['from-access'] }, 'groups')?.groups).toEqual(['from-access']);
    expect(userOf({ ...id, groups: { a: 1 } }, id, 'groups')?.groups).toEqual([]);
    expect(userOf(id, id)?.groups).toEqual([]);
  });
});

describe('typed claims', () => {
  it('the declared claim types hold for what the dev IdP issues', async () => {
    const session = await inServerComponent(aliceCookie, (ctx) => fetchAuthSession(ctx));
    const id = session.tokens!.idToken.payload;
    const access = session.tokens!.accessToken.payload;
    expect(typeof id.sub).toBe('string');
    expect(typeof id.iss).toBe('string');
    expect(typeof id.exp).toBe('number');
    expect(typeof id.iat).toBe('number');
    expect(id.token_use).toBe('id');
    expect(id['cognito:groups']).toEqual(['ADMINS']);
    expect(id['cognito:username']).toBe('alice@example.com');
    expect(id.email).toBe('alice@example.com');
    expect(access.token_use).toBe('access');
    expect(access.client_id).toBe(CLIENT_ID);
    expect(typeof access.scope).toBe('string');
    expect(access.username).toBe('alice@example.com');
    expect(access['cognito:groups']).toEqual(['ADMINS']);
    const attributes = await inServerComponent(aliceCookie, (ctx) => fetchUserAttributes(ctx));
    expect(attributes.sub).toBe(id.sub);
    expect(attributes.email).toBe('alice@example.com');
  });

  it('types: Cognito and OIDC claims are typed, unknown claims are unknown, never any', () => {
    // A call, not ReturnType<typeof fetchAuthSession> (that would instantiate the type parameter with its constraint).
    const _read = (ctx: ContextSpec) => fetchAuthSession(ctx);
    type Session = Awaited<ReturnType<typeof _read>>;
    type Id = NonNullable<Session['tokens']>['idToken']['payload'];
    type Access = NonNullable<Session['tokens']>['accessToken']['payload'];
    expectTypeOf<Session>().toEqualTypeOf<AuthSession>();
    expectTypeOf<Id>().toExtend<IdTokenClaims>();
    expectTypeOf<Access>().toExtend<AccessTokenClaims>();
    expectTypeOf<Id['sub']>().toEqualTypeOf<string>();
    expectTypeOf<Id['exp']>().toEqualTypeOf<number>();
    expectTypeOf<Id['email']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Id['email_verified']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<Id['cognito:groups']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Id['cognito:username']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Id['token_use']>().toEqualTypeOf<'id' | undefined>();
    expectTypeOf<Id['origin_jti']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Id['aud']>().toEqualTypeOf<string | string[] | undefined>();
    expectTypeOf<Id['some-claim']>().toBeUnknown();
    expectTypeOf<Access['scope']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Access['client_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Access['token_use']>().toEqualTypeOf<'access' | undefined>();
    expectTypeOf<Access['auth_time']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Access['username']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Access['other']>().toBeUnknown();
    expectTypeOf<Id>().not.toBeAny();
    expectTypeOf<Access>().not.toBeAny();
    expectTypeOf<Session['userSub']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<Session['tokens']>['idToken']>().toExtend<JWT<IdTokenClaims>>();
  });

  it('types: a type parameter names custom claims, on both tokens', () => {
    interface TenantClaims {
      'custom:tenant': string;
      plan?: 'free' | 'pro';
    }
    const _read = (ctx: ContextSpec) => fetchAuthSession<TenantClaims>(ctx);
    type Session = Awaited<ReturnType<typeof _read>>;
    type Id = NonNullable<Session['tokens']>['idToken']['payload'];
    type Access = NonNullable<Session['tokens']>['accessToken']['payload'];
    expectTypeOf<Session>().toEqualTypeOf<AuthSession<TenantClaims>>();
    expectTypeOf<Id['custom:tenant']>().toEqualTypeOf<string>();
    expectTypeOf<Id['plan']>().toEqualTypeOf<'free' | 'pro' | undefined>();
    expectTypeOf<Access['custom:tenant']>().toEqualTypeOf<string>();
    // The standard claims are still there.
    expectTypeOf<Id['cognito:groups']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Access['scope']>().toEqualTypeOf<string | undefined>();
  });

  it('types: fetchUserAttributes is typed the same way', () => {
    const _plain = (ctx: ContextSpec) => fetchUserAttributes(ctx);
    const _custom = (ctx: ContextSpec) => fetchUserAttributes<{ 'custom:plan'?: string }>(ctx);
    type Plain = Awaited<ReturnType<typeof _plain>>;
    type Custom = Awaited<ReturnType<typeof _custom>>;
    expectTypeOf<Plain>().toEqualTypeOf<UserAttributes>();
    expectTypeOf<Plain>().toExtend<UserInfoClaims>();
    expectTypeOf<Plain['sub']>().toEqualTypeOf<string>();
    expectTypeOf<Plain['email']>().toEqualTypeOf<string | undefined>();
    // Cognito's userinfo sends the verified flags as strings.
    expectTypeOf<Plain['email_verified']>().toEqualTypeOf<boolean | 'true' | 'false' | undefined>();
    expectTypeOf<Plain['whatever']>().toBeUnknown();
    expectTypeOf<Custom['custom:plan']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Plain>().not.toBeAny();
  });

  it('types: getCurrentUser and requireUser return the user with groups', () => {
    expectTypeOf(getCurrentUser).returns.resolves.toEqualTypeOf<AuthUser>();
    expectTypeOf(requireUser).returns.resolves.toEqualTypeOf<AuthUser>();
    expectTypeOf<AuthUser['groups']>().toEqualTypeOf<string[]>();
    expectTypeOf<AuthUser['username']>().toEqualTypeOf<string>();
  });
});
