// cognito.* server actions against the dev IdP's Cognito JSON API, through the real AWS SDK client.
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import {
  MutableRequestCookiesAdapter,
  RequestCookiesAdapter,
} from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AmplifyOutputs } from '../../config/types.js';
import { createAuthRuntime } from '../../createServerRunner.js';
import type { AuthRuntime } from '../../context/AuthRuntime.js';
import { createRunWithServerContext } from '../../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../../context/fetchAuthSession.js';
import { getCurrentUser } from '../../context/getCurrentUser.js';
import { startDevIdp } from '../../dev-idp/index.js';
import type { DevIdp } from '../../dev-idp/index.js';
import { AuthError } from '../../errors/AuthError.js';
import type { AuthErrorCode } from '../../errors/AuthError.js';
import { createRedisStore } from '../../redis/createRedisStore.js';
import { startRedis } from '../../redis/__tests__/startRedis.js';
import { cognitoErrorToAuthError } from './cognitoErrorToAuthError.js';
import { createCognitoActionsFor } from './createCognitoActions.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'cognitoactions1';
const SECRET = 'cognito-actions-secret-cognito-actions-secret-0';
const USERS = [
  { username: 'alice@example.com', password: 'alice-password', email: 'alice@example.com', name: 'Alice Example', groups: ['ADMINS'] },
  { username: 'carol@example.com', password: 'carol-password', email: 'carol@example.com' },
  { username: 'dora@example.com', password: 'dora-password', email: 'dora@example.com' },
  { username: 'gus@example.com', password: 'gus-password', email: 'gus@example.com' },
];

let idp: DevIdp;
let runtime: AuthRuntime;
const signedInEvents: unknown[] = [];

function outputs(): AmplifyOutputs {
  return {
    version: '1.4',
    auth: {
      user_pool_id: 'us-east-1_DevPool01',
      aws_region: 'us-east-1',
      user_pool_client_id: CLIENT_ID,
      oauth: {
        domain: 'my-app.auth.us-east-1.amazoncognito.com',
        scopes: ['openid', 'email', 'profile'],
        redirect_sign_in_uri: [`${ORIGIN}/api/auth/sign-in-callback`],
        redirect_sign_out_uri: [`${ORIGIN}/api/auth/sign-out-callback`],
        response_type: 'code',
      },
    },
  };
}

/** What `await cookies()` is in a server action: writable; `written` collects the Set-Cookie lines Next would send. */
function serverActionCookies(header = '') {
  const written: string[] = [];
  const store = MutableRequestCookiesAdapter.wrap(new RequestCookies(new Headers({ cookie: header })), (lines) => {
    written.splice(0, written.length, ...lines);
  });
  return { cookies: async () => store, written };
}

/** The cookie header a browser sends after those Set-Cookie lines. */
const cookieHeaderOf = (lines: string[]) =>
  lines
    .filter((l) => !/Max-Age=0/i.test(l))
    .map((l) => l.split(';')[0])
    .join('; ');

function actionsWith(rt = runtime) {
  const jar = serverActionCookies();
  return { cognito: createCognitoActionsFor(rt, { cookies: jar.cookies }), written: jar.written };
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: AuthErrorCode; message: string }> {
  const error = await promise.then(
    () => new Error('expected an AuthError'),
    (e: unknown) => e,
  );
  if (!(error instanceof AuthError)) throw error;
  return { code: error.code, message: error.message };
}

async function devCode(kind: 'confirmation-code' | 'password-reset-code', username: string): Promise<string> {
  const response = await fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/${kind}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { code: string }).code;
}

async function userOfCookie(cookie: string, rt = runtime) {
  return createRunWithServerContext(rt)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
    operation: async (ctx) => ({ user: await getCurrentUser(ctx), session: await fetchAuthSession(ctx) }),
  });
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    users: USERS,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  runtime = createAuthRuntime(
    outputs(),
    { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: idp.issuer }, events: { signedIn: (event) => void signedInEvents.push(event) } },
    {},
  );
});

afterAll(async () => {
  await idp?.close();
});

describe('cognito.signIn', () => {
  it('writes the sealed httpOnly session readable by getCurrentUser; the result holds no token', async () => {
    const { cognito, written } = actionsWith();
    const result = await cognito.signIn({ username: 'alice@example.com', password: 'alice-password' });
    expect(result).toEqual({ user: { username: 'alice@example.com', userId: expect.any(String) } });
    expect(JSON.stringify(result)).not.toMatch(/eyJ/);
    const session = written.filter((l) => /^nsa\.session(\.\d+)?=/.test(l));
    expect(session.length).toBeGreaterThan(0);
    for (const line of session) {
      expect(line).toMatch(/;\s*HttpOnly/i);
      expect(line).toMatch(/;\s*SameSite=Lax/i);
      expect(line).not.toMatch(/eyJ[\w-]*\.[\w-]*\./); // sealed, not the raw JWTs (a bare 'eyJ' can occur in a random seal)
    }
    const { user, session: auth } = await userOfCookie(cookieHeaderOf(written));
    expect({ username: user.username, userId: user.userId }).toEqual(result.user);
    expect(auth.tokens?.idToken.payload.iss).toBe(idp.issuer);
    expect(auth.tokens?.accessToken.payload.token_use).toBe('access');
    expect(signedInEvents.at(-1)).toEqual({ user: result.user });
  });

  it('takes a form\'s FormData (username, password fields)', async () => {
    const { cognito, written } = actionsWith();
    const form = new FormData();
    form.set('username', 'carol@example.com');
    form.set('password', 'carol-password');
    expect((await cognito.signIn(form)).user.username).toBe('carol@example.com');
    expect((await userOfCookie(cookieHeaderOf(written))).user.username).toBe('carol@example.com');
  });

  it('user enumeration: a wrong password and an unknown user fail with the same code (InvalidCredentials) and write no cookie; no password in the message', async () => {
    const wrong = actionsWith();
    const unknown = actionsWith();
    const a = await codeOf(wrong.cognito.signIn({ username: 'dora@example.com', password: 'not-doras-password' }));
    const b = await codeOf(unknown.cognito.signIn({ username: 'nobody@example.com', password: 'not-doras-password' }));
    expect(a).toEqual({ code: 'InvalidCredentials', message: expect.any(String) });
    expect(b).toEqual(a);
    expect(a.message).not.toContain('not-doras-password');
    expect(a.message).not.toContain('dora@example.com');
    expect(wrong.written).toEqual([]);
    expect(unknown.written).toEqual([]);
  });

  it('an unconfirmed sign-up with the right password is UserNotConfirmed (with a wrong one still InvalidCredentials)', async () => {
    const { cognito, written } = actionsWith();
    await cognito.signUp({ username: 'unconfirmed@example.com', password: 'unconfirmed-password', attributes: { email: 'unconfirmed@example.com' } });
    expect((await codeOf(cognito.signIn({ username: 'unconfirmed@example.com', password: 'unconfirmed-password' }))).code).toBe('UserNotConfirmed');
    expect((await codeOf(cognito.signIn({ username: 'unconfirmed@example.com', password: 'wrong-password' }))).code).toBe('InvalidCredentials');
    expect(written).toEqual([]);
  });

  it('password guessing: after five wrong passwords the user is locked out (TooManyRequests), even with the right one', async () => {
    const { cognito, written } = actionsWith();
    for (let i = 0; i < 5; i++) {
      expect((await codeOf(cognito.signIn({ username: 'gus@example.com', password: `guess-${i}-password` }))).code).toBe('InvalidCredentials');
    }
    expect((await codeOf(cognito.signIn({ username: 'gus@example.com', password: 'gus-password' }))).code).toBe('TooManyRequests');
    expect(written).toEqual([]);
  });

  it('missing or oversized fields are InvalidParameter naming the field, never echoing it, before any call to the pool', async () => {
    const { cognito } = actionsWith();
    const before = idp.stats().tokenCalls.total;
    expect(await codeOf(cognito.signIn({ username: 'alice@example.com', password: '' }))).toEqual({ code: 'InvalidParameter', message: 'password is required' });
    expect(await codeOf(cognito.signIn(new FormData()))).toEqual({ code: 'InvalidParameter', message: 'username is required' });
    const long = 'x'.repeat(257);
    const oversized = await codeOf(cognito.signIn({ username: 'alice@example.com', password: long }));
    expect(oversized.code).toBe('InvalidParameter');
    expect(oversized.message).not.toContain(long);
    expect(idp.stats().tokenCalls.total).toBe(before);
  });

  it('in a server component (read-only cookies) it throws CookiesReadOnly instead of pretending to sign in', async () => {
    const cognito = createCognitoActionsFor(runtime, { cookies: async () => RequestCookiesAdapter.seal(new RequestCookies(new Headers())) });
    expect((await codeOf(cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }))).code).toBe('CookiesReadOnly');
  });
});

describe('cognito.signUp / confirmSignUp', () => {
  it('sign-up, confirm with the code the dev IdP "sent", then sign in', async () => {
    const { cognito, written } = actionsWith();
    const form = new FormData();
    form.set('username', 'erin@example.com');
    form.set('password', 'erin-password');
    form.set('email', 'erin@example.com');
    const result = await cognito.signUp(form);
    expect(result).toEqual({ userConfirmed: false, userId: expect.any(String), codeDelivery: { destination: 'e***@e***', medium: 'EMAIL' } });
    const code = await devCode('confirmation-code', 'erin@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await codeOf(cognito.confirmSignUp({ username: 'erin@example.com', code: wrong }))).code).toBe('CodeMismatch');
    expect(await cognito.confirmSignUp({ username: 'erin@example.com', code })).toEqual({ userConfirmed: true });
    expect((await codeOf(cognito.confirmSignUp({ username: 'erin@example.com', code }))).code).toBe('CodeExpired');
    const { user } = await cognito.signIn({ username: 'erin@example.com', password: 'erin-password' });
    expect(user.userId).toBe(result.userId);
    expect((await userOfCookie(cookieHeaderOf(written))).user.username).toBe('erin@example.com');
  });

  it('a taken username is UsernameExists; a short password InvalidPassword', async () => {
    const { cognito } = actionsWith();
    expect((await codeOf(cognito.signUp({ username: 'alice@example.com', password: 'some-password' }))).code).toBe('UsernameExists');
    expect((await codeOf(cognito.signUp({ username: 'frank@example.com', password: 'short' }))).code).toBe('InvalidPassword');
  });
});

describe('cognito.resetPassword / confirmResetPassword', () => {
  it('reset with the code the dev IdP "sent": the new password signs in, the old one does not, the code is single use', async () => {
    const { cognito, written } = actionsWith();
    expect(await cognito.resetPassword({ username: 'carol@example.com' })).toEqual({ codeDelivery: { destination: 'c***@e***', medium: 'EMAIL' } });
    const code = await devCode('password-reset-code', 'carol@example.com');
    expect((await codeOf(cognito.confirmResetPassword({ username: 'carol@example.com', code, newPassword: 'short' }))).code).toBe('InvalidPassword');
    await cognito.confirmResetPassword({ username: 'carol@example.com', code, newPassword: 'carol-new-password' });
    expect((await codeOf(cognito.confirmResetPassword({ username: 'carol@example.com', code, newPassword: 'carol-third-password' }))).code).toBe('CodeExpired');
    expect((await codeOf(cognito.signIn({ username: 'carol@example.com', password: 'carol-password' }))).code).toBe('InvalidCredentials');
    await cognito.signIn({ username: 'carol@example.com', password: 'carol-new-password' });
    expect((await userOfCookie(cookieHeaderOf(written))).user.username).toBe('carol@example.com');
  });

  it('user enumeration: an unknown user gets what a known one gets from resetPassword, and CodeMismatch on confirm', async () => {
    const { cognito } = actionsWith();
    expect(await cognito.resetPassword({ username: 'nobody@example.com' })).toEqual({ codeDelivery: { destination: 'n***@e***', medium: 'EMAIL' } });
    expect((await codeOf(cognito.confirmResetPassword({ username: 'nobody@example.com', code: '123456', newPassword: 'whatever-password' }))).code).toBe('CodeMismatch');
  });
});

describe("session.codec 'server'", () => {
  it('signIn stores the session in the store: one small nsa.sid cookie, httpOnly, no token in it, readable by getCurrentUser', async () => {
    const redis = await startRedis();
    const store = createRedisStore({ url: redis.url, prefix: 'cognito-actions' });
    try {
      const rt = createAuthRuntime(outputs(), { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: idp.issuer }, store, session: { codec: 'server' } }, {});
      const { cognito, written } = actionsWith(rt);
      const { user } = await cognito.signIn({ username: 'alice@example.com', password: 'alice-password' });
      const live = written.filter((l) => !/Max-Age=0/i.test(l));
      expect(live).toHaveLength(1);
      expect(live[0]).toMatch(/^nsa\.sid=[^;]{1,200};/);
      expect(live[0]).toMatch(/;\s*HttpOnly/i);
      expect(live[0]).not.toMatch(/eyJ/);
      const read = await userOfCookie(cookieHeaderOf(written), rt);
      expect(read.user.userId).toBe(user.userId);
      expect(read.session.tokens?.accessToken.payload.username).toBe('alice@example.com');
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});

describe('Cognito errors a real pool sends (mapped without the dev IdP)', () => {
  const sdkError = (name: string, message: string, status: number | undefined) =>
    Object.assign(new Error(message), { name, ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }) });
  it.each([
    ['NotAuthorizedException', 'Incorrect username or password.', 400, 'signIn', 'InvalidCredentials'],
    ['UserNotFoundException', 'User does not exist.', 400, 'signIn', 'InvalidCredentials'],
    ['NotAuthorizedException', 'Password attempts exceeded', 400, 'signIn', 'TooManyRequests'],
    ['TooManyRequestsException', 'Rate exceeded', 400, 'signIn', 'TooManyRequests'],
    ['LimitExceededException', 'Attempt limit exceeded', 400, 'confirmResetPassword', 'TooManyRequests'],
    ['PasswordResetRequiredException', 'Password reset required for the user', 400, 'signIn', 'PasswordResetRequired'],
    ['UserNotFoundException', 'Username/client id combination not found.', 400, 'confirmResetPassword', 'CodeMismatch'],
    ['NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED', 400, 'confirmSignUp', 'CodeExpired'],
    ['AliasExistsException', 'An account with the email already exists.', 400, 'signUp', 'UsernameExists'],
    ['ResourceNotFoundException', 'User pool client 1abc does not exist.', 400, 'signIn', 'InvalidConfig'],
    ['InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client', 400, 'signIn', 'InvalidConfig'],
    ['InvalidParameterException', 'USER_SRP_AUTH is not enabled for the client.', 400, 'signIn', 'InvalidConfig'],
    ['InvalidParameterException', '1 validation error detected', 400, 'signIn', 'InvalidParameter'],
    ['NotAuthorizedException', 'Unable to verify secret hash for client 1abc', 400, 'signIn', 'InvalidConfig'],
    ['NotAuthorizedException', 'Client 1abc is configured for secret but secret was not received', 400, 'signIn', 'InvalidConfig'],
    ['InternalErrorException', 'Internal error', 500, 'signIn', 'IdpUnavailable'],
    ['ThrottlingException', 'slow down', 429, 'signUp', 'TooManyRequests'],
    ['TimeoutError', 'socket hang up', undefined, 'signIn', 'IdpUnavailable'],
  ] as const)('%s "%s" (%s) from %s → %s, the message naming only the type', (name, message, status, action, code) => {
    const error = cognitoErrorToAuthError(sdkError(name, `${message} secret-password-123`, status), action);
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('secret-password-123');
    expect(error.cause).toBeUndefined();
  });
});

describe('configuration and outages', () => {
  it('the user pool down is IdpUnavailable (no 500, no cookie, nothing of the request in the message)', async () => {
    const down = await startDevIdp({ port: 0, quiet: true, users: USERS, clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [] }] });
    const rt = createAuthRuntime(outputs(), { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: down.issuer } }, {});
    await down.close();
    const { cognito, written } = actionsWith(rt);
    const failure = await codeOf(cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }));
    expect(failure.code).toBe('IdpUnavailable');
    expect(failure.message).not.toContain('alice');
    expect((await codeOf(cognito.resetPassword({ username: 'alice@example.com' }))).code).toBe('IdpUnavailable');
    expect(written).toEqual([]);
  });

  it('a generic OIDC runner refuses with InvalidConfig naming why, before any call', async () => {
    const rt = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID } }, { secret: SECRET, origin: ORIGIN }, {});
    const { cognito, written } = actionsWith(rt);
    const failure = await codeOf(cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }));
    expect(failure.code).toBe('InvalidConfig');
    expect(failure.message).toMatch(/generic OIDC provider has no Cognito user-pool API/);
    expect((await codeOf(cognito.signUp({ username: 'x@example.com', password: 'x-password' }))).code).toBe('InvalidConfig');
    expect(written).toEqual([]);
  });
});
