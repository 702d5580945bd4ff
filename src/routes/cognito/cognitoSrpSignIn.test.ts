// cognito.signIn with USER_SRP_AUTH against the real dev IdP, whose app clients
// allow only the flows they list (like a real pool's explicit auth flows).
// Forged challenges come from a tampering loopback proxy in front of the real
// dev IdP, never from a mock.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { MutableRequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { AmplifyOutputs, AuthConfigInput } from '../../config/types.js';
import type { RuntimeOptions } from '../../config/runtimeOptions.js';
import { createAuthRuntime } from '../../createServerRunner.js';
import { createRunWithServerContext } from '../../context/createRunWithServerContext.js';
import { getCurrentUser } from '../../context/getCurrentUser.js';
import { DEV_IDP_USER_POOL_ID, startDevIdp } from '../../dev-idp/index.js';
import type { DevIdp, DevIdpClient } from '../../dev-idp/index.js';
import { AuthError } from '../../errors/AuthError.js';
import type { AuthErrorCode } from '../../errors/AuthError.js';
import { SRP_N } from '../../srp/srpMath.js';
import { createCognitoActionsFor } from './createCognitoActions.js';

const ORIGIN = 'http://localhost:3000';
const SECRET = 'cognito-srp-signin-secret-cognito-srp-signin-0';
const CALLBACK = `${ORIGIN}/api/auth/sign-in-callback`;
const USERS = [
  { username: 'alice@example.com', password: 'alice-password', email: 'alice@example.com', groups: ['ADMINS'] },
  { username: 'dora@example.com', password: 'dora-password', email: 'dora@example.com' },
  { username: 'gus@example.com', password: 'gus-password', email: 'gus@example.com' },
  { username: 'hal@example.com', password: 'hal-password', email: 'hal@example.com' },
];
const client = (clientId: string, extra: Partial<DevIdpClient> = {}): DevIdpClient => ({ clientId, redirectUris: [CALLBACK], postLogoutRedirectUris: [], ...extra });
const CLIENTS = [
  client('srponly', { authFlows: ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH'] }),
  client('passwordonly', { authFlows: ['USER_PASSWORD_AUTH', 'REFRESH_TOKEN_AUTH'] }),
  client('confidential', { clientSecret: 'confidential-client-secret', authFlows: ['USER_SRP_AUTH'] }),
];

let idp: DevIdp;

function outputs(clientId: string): AmplifyOutputs {
  return {
    version: '1.4',
    auth: {
      user_pool_id: DEV_IDP_USER_POOL_ID,
      aws_region: 'us-east-1',
      user_pool_client_id: clientId,
      oauth: { domain: 'my-app.auth.us-east-1.amazoncognito.com', scopes: ['openid', 'email'], redirect_sign_in_uri: [CALLBACK], redirect_sign_out_uri: [`${ORIGIN}/`], response_type: 'code' },
    },
  };
}

function actions(config: AuthConfigInput, options: RuntimeOptions = {}) {
  const runtime = createAuthRuntime(config, { secret: SECRET, origin: ORIGIN, ...options }, {});
  const written: string[] = [];
  const store = MutableRequestCookiesAdapter.wrap(new RequestCookies(new Headers()), (lines) => void written.splice(0, written.length, ...lines));
  return { runtime, written, cognito: createCognitoActionsFor(runtime, { cookies: async () => store }) };
}

/** amplify_outputs.json of `clientId`, pointed at `endpoint` (the dev IdP, or the tampering proxy). */
const srpActions = (clientId: string, options: RuntimeOptions = {}, endpoint = idp.issuer) =>
  actions(outputs(clientId), { ...options, cognito: { userPoolEndpoint: endpoint, ...options.cognito } });

async function failure(promise: Promise<unknown>): Promise<{ code: AuthErrorCode; message: string }> {
  const error = await promise.then(
    () => new Error('expected an AuthError'),
    (e: unknown) => e,
  );
  if (!(error instanceof AuthError)) throw error;
  return { code: error.code, message: error.message };
}

const cookieHeaderOf = (lines: string[]) =>
  lines
    .filter((l) => !/Max-Age=0/i.test(l))
    .map((l) => l.split(';')[0])
    .join('; ');

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true, users: USERS, clients: CLIENTS });
});

afterAll(async () => {
  await idp?.close();
});

describe('cognito.signIn with USER_SRP_AUTH (the default)', () => {
  it('a client that allows only USER_SRP_AUTH signs in by SRP: the session is written and reads back as the user', async () => {
    const { runtime, cognito, written } = srpActions('srponly');
    expect(runtime.config.authFlow).toBe('USER_SRP_AUTH');
    const { user } = await cognito.signIn({ username: 'alice@example.com', password: 'alice-password' });
    expect(user).toEqual({ username: 'alice@example.com', userId: expect.any(String) });
    const session = written.filter((l) => /^nsa\.session(\.\d+)?=/.test(l));
    expect(session.length).toBeGreaterThan(0);
    for (const line of session) expect(line).toMatch(/;\s*HttpOnly/i);
    const read = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie: cookieHeaderOf(written) } }), response: new Response(null) },
      operation: (ctx) => getCurrentUser(ctx),
    });
    expect(read.userId).toBe(user.userId);
  });

  it('the same client refuses USER_PASSWORD_AUTH: InvalidConfig naming the auth flow, no cookie, not a 500', async () => {
    const { cognito, written } = srpActions('srponly', { cognito: { authFlow: 'USER_PASSWORD_AUTH' } });
    const refused = await failure(cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }));
    expect(refused.code).toBe('InvalidConfig');
    expect(refused.message).toMatch(/InvalidParameterException \(the app client does not allow this auth flow/);
    expect(refused.message).not.toContain('alice');
    expect(written).toEqual([]);
  });

  it('a client that allows only USER_PASSWORD_AUTH refuses SRP (InvalidConfig) and signs in with authFlow USER_PASSWORD_AUTH', async () => {
    const srp = srpActions('passwordonly');
    expect((await failure(srp.cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }))).code).toBe('InvalidConfig');
    expect(srp.written).toEqual([]);
    const password = srpActions('passwordonly', { cognito: { authFlow: 'USER_PASSWORD_AUTH' } });
    expect((await password.cognito.signIn({ username: 'alice@example.com', password: 'alice-password' })).user.username).toBe('alice@example.com');
  });

  it('user enumeration over SRP: a wrong password and an unknown user fail alike (InvalidCredentials, same message), no cookie', async () => {
    const wrong = srpActions('srponly');
    const unknown = srpActions('srponly');
    const a = await failure(wrong.cognito.signIn({ username: 'dora@example.com', password: 'not-doras-password' }));
    const b = await failure(unknown.cognito.signIn({ username: 'nobody@example.com', password: 'not-doras-password' }));
    expect(a.code).toBe('InvalidCredentials');
    expect(b).toEqual(a);
    expect(a.message).not.toContain('not-doras-password');
    expect(wrong.written).toEqual([]);
    expect(unknown.written).toEqual([]);
  });

  it('an unconfirmed sign-up with the right password is UserNotConfirmed over SRP (a wrong one InvalidCredentials)', async () => {
    const { cognito, written } = srpActions('srponly');
    await cognito.signUp({ username: 'srp-unconfirmed@example.com', password: 'unconfirmed-password', attributes: { email: 'srp-unconfirmed@example.com' } });
    expect((await failure(cognito.signIn({ username: 'srp-unconfirmed@example.com', password: 'unconfirmed-password' }))).code).toBe('UserNotConfirmed');
    expect((await failure(cognito.signIn({ username: 'srp-unconfirmed@example.com', password: 'wrong-password' }))).code).toBe('InvalidCredentials');
    expect(written).toEqual([]);
  });

  it('password guessing over SRP: five wrong claims lock the user out (TooManyRequests), even with the right password', async () => {
    const { cognito, written } = srpActions('srponly');
    for (let i = 0; i < 5; i++) expect((await failure(cognito.signIn({ username: 'gus@example.com', password: `guess-${i}-password` }))).code).toBe('InvalidCredentials');
    expect((await failure(cognito.signIn({ username: 'gus@example.com', password: 'gus-password' }))).code).toBe('TooManyRequests');
    expect(written).toEqual([]);
  });

  it('a confidential client: SECRET_HASH on both calls (the pool checks it); a wrong client secret is InvalidConfig, not InvalidCredentials', async () => {
    const config = (clientSecret: string): AuthConfigInput => ({ oidc: { issuer: idp.issuer, clientId: 'confidential', clientSecret, flavor: 'cognito' } });
    const ok = actions(config('confidential-client-secret'), { cognito: { userPoolId: DEV_IDP_USER_POOL_ID } });
    expect((await ok.cognito.signIn({ username: 'alice@example.com', password: 'alice-password' })).user.username).toBe('alice@example.com');
    const bad = actions(config('not-the-client-secret'), { cognito: { userPoolId: DEV_IDP_USER_POOL_ID } });
    const refused = await failure(bad.cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }));
    expect(refused).toEqual({ code: 'InvalidConfig', message: 'Cognito signIn failed: NotAuthorizedException (the client secret is wrong or missing)' });
    expect(bad.written).toEqual([]);
  });

  it('USER_ID_FOR_SRP differs from what was typed (as for an email alias): the password hash and the answer\'s SECRET_HASH use the pool\'s name', async () => {
    const { cognito } = actions(
      { oidc: { issuer: idp.issuer, clientId: 'confidential', clientSecret: 'confidential-client-secret', flavor: 'cognito' } },
      { cognito: { userPoolId: DEV_IDP_USER_POOL_ID } },
    );
    // The dev IdP answers USER_ID_FOR_SRP = its stored (lower-case) username.
    expect((await cognito.signIn({ username: 'ALICE@Example.COM', password: 'alice-password' })).user.username).toBe('alice@example.com');
  });

  it('an { oidc } config on a local issuer needs runtimeOptions.cognito.userPoolId for SRP: InvalidConfig naming it, before any call', async () => {
    const before = idp.stats().tokenCalls.total;
    const { cognito } = actions({ oidc: { issuer: idp.issuer, clientId: 'srponly', flavor: 'cognito' } });
    const refused = await failure(cognito.signIn({ username: 'alice@example.com', password: 'alice-password' }));
    expect(refused.code).toBe('InvalidConfig');
    expect(refused.message).toMatch(/runtimeOptions\.cognito\.userPoolId/);
    expect(idp.stats().tokenCalls.total).toBe(before);
  });

  it('SRP against random passwords (property, real dev IdP): the right one signs in, another is InvalidCredentials', async () => {
    let n = 0;
    await fc.assert(
      // (a form field of only spaces is InvalidParameter before any call, so not a password here)
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }).filter((p) => p.trim() !== ''), fc.string({ minLength: 1, maxLength: 8 }), async (password, suffix) => {
        const username = `prop-${n++}@example.com`;
        await idp.addUser({ username, password });
        const { cognito } = srpActions('srponly');
        expect((await failure(cognito.signIn({ username, password: `${password}${suffix}` }))).code).toBe('InvalidCredentials');
        expect((await cognito.signIn({ username, password })).user.username).toBe(username);
      }),
      { numRuns: 6 },
    );
  });
});

// ---- a tampering proxy in front of the real dev IdP ---------------------------------------------
type Json = Record<string, unknown>;
let proxy: Server;
let proxyUrl: string;
let tamper: { InitiateAuth?: (out: Json) => Json; RespondToAuthChallenge?: (out: Json) => Json } = {};
const seen: { target: string; body: string }[] = [];

beforeAll(async () => {
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    seen.push({ target, body });
    const upstream = await fetch(`${idp.issuer}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers: { 'content-type': String(req.headers['content-type'] ?? ''), 'x-amz-target': target },
      ...(req.method === 'POST' ? { body } : {}),
    });
    let text = await upstream.text();
    const operation = target.split('.').pop() as keyof typeof tamper;
    const change = tamper[operation];
    if (upstream.ok && change) text = JSON.stringify(change(JSON.parse(text) as Json));
    const errorType = upstream.headers.get('x-amzn-errortype');
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
    res.end(text);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
});

afterEach(() => {
  tamper = {};
  seen.length = 0;
});

const withParams = (change: (p: Json) => Json) => (out: Json) => ({ ...out, ChallengeParameters: change(out.ChallengeParameters as Json) });
const targets = () => seen.map((s) => s.target.split('.').pop());

describe('forged PASSWORD_VERIFIER challenges (through a tampering proxy)', () => {
  it.each([
    ['0', '0'],
    ['N', SRP_N.toString(16)],
    ['2N', (2n * SRP_N).toString(16)],
  ])('forged challenge with SRP_B ≡ 0 (mod N) (B = %s) is refused before any password claim is sent: IdpUnavailable, no cookie', async (_name, forgedB) => {
    tamper.InitiateAuth = withParams((p) => ({ ...p, SRP_B: forgedB }));
    const { cognito, written } = srpActions('srponly', {}, proxyUrl);
    const refused = await failure(cognito.signIn({ username: 'hal@example.com', password: 'hal-password' }));
    expect(refused).toEqual({ code: 'IdpUnavailable', message: "Cognito signIn failed: the user pool's PASSWORD_VERIFIER challenge is not valid (SRP_B ≡ 0 (mod N) or u = 0)" });
    expect(targets()).toEqual(['InitiateAuth']);
    expect(written).toEqual([]);
  });

  it.each([
    ['SRP_B not hex', (p: Json) => ({ ...p, SRP_B: 'zz' })],
    ['SALT missing', (p: Json) => ({ ...p, SALT: undefined })],
    ['SECRET_BLOCK not base64', (p: Json) => ({ ...p, SECRET_BLOCK: 'not base64!' })],
    ['USER_ID_FOR_SRP missing', (p: Json) => ({ ...p, USER_ID_FOR_SRP: '' })],
    ['no parameters at all', () => null as unknown as Json],
  ])('a garbage challenge (%s) is IdpUnavailable, naming no value, with nothing sent back', async (_name, change) => {
    tamper.InitiateAuth = withParams(change);
    const { cognito, written } = srpActions('srponly', {}, proxyUrl);
    const refused = await failure(cognito.signIn({ username: 'hal@example.com', password: 'hal-password' }));
    expect(refused.code).toBe('IdpUnavailable');
    expect(refused.message).not.toMatch(/hal@|hal-password/);
    expect(targets()).toEqual(['InitiateAuth']);
    expect(written).toEqual([]);
  });

  it.each([
    ['a SALT that is not what the pool sent', (p: Json) => ({ ...p, SALT: `1${String(p.SALT)}` })],
    ['a SECRET_BLOCK that is not what the pool sent', (p: Json) => ({ ...p, SECRET_BLOCK: Buffer.from('forged secret block').toString('base64') })],
  ])('%s: the pool refuses the claim (InvalidCredentials), no cookie, and the password never crossed the wire', async (_name, change) => {
    tamper.InitiateAuth = withParams(change);
    const { cognito, written } = srpActions('srponly', {}, proxyUrl);
    expect((await failure(cognito.signIn({ username: 'hal@example.com', password: 'hal-password' }))).code).toBe('InvalidCredentials');
    expect(targets()).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    for (const { body } of seen) expect(body).not.toContain('hal-password');
    expect(written).toEqual([]);
  });

  it.each([
    ['InitiateAuth', 'NEW_PASSWORD_REQUIRED'],
    ['RespondToAuthChallenge', 'SOFTWARE_TOKEN_MFA'],
  ] as const)('a %s answer asking for %s is ChallengeRequired (typed), no cookie', async (operation, challenge) => {
    tamper[operation] = () => ({ ChallengeName: challenge, ChallengeParameters: {}, Session: 'opaque-session' });
    const { cognito, written } = srpActions('srponly', {}, proxyUrl);
    const refused = await failure(cognito.signIn({ username: 'hal@example.com', password: 'hal-password' }));
    expect(refused).toEqual({ code: 'ChallengeRequired', message: `Cognito signIn needs the ${challenge} challenge, which these server actions do not answer yet` });
    expect(written).toEqual([]);
  });
});
