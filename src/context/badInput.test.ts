import { randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { NextRequest, NextResponse } from 'next/server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { startDevIdp, signInWithPassword } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { getCurrentUser } from './getCurrentUser.js';
import { cookieList, sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'bad-input-client';
const SECRET = 'bad-input-secret-bad-input-secret-0123456789';

let idp: DevIdp;
let runtime: AuthRuntime;
let verifyingRuntime: AuthRuntime;
/** Another app sharing the secret: what it seals must not be accepted here. */
let otherApp: AuthRuntime;
let tokens: TokenSet;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  const config = { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' as const } };
  runtime = createAuthRuntime(config, { secret: SECRET, origin: ORIGIN }, {});
  verifyingRuntime = createAuthRuntime(config, { secret: SECRET, origin: ORIGIN, session: { verifyOnRead: true } }, {});
  otherApp = createAuthRuntime(config, { secret: SECRET, origin: ORIGIN }, {});
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  // A Cognito-sized refresh token (~1.8 KB) so the sealed session spans several chunks.
  tokens = { idToken: t.idToken, accessToken: t.accessToken, refreshToken: randomBytes(1350).toString('base64url') };
});

afterAll(async () => {
  await idp?.close();
});

/** Reads through every request shape; returns what each saw, asserting nothing threw. */
async function readAll(rt: AuthRuntime, cookie: string) {
  const run = createRunWithServerContext(rt);
  const shapes = {
    fetchApi: () => ({ request: new Request(`${ORIGIN}/`, { headers: { cookie } }), response: new Response(null) }),
    middleware: () => ({ request: new NextRequest(`${ORIGIN}/`, { headers: { cookie } }), response: NextResponse.next() }),
  };
  const out: Record<string, { session: unknown; userError: string | undefined }> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const session = await run({ nextServerContext: shape(), operation: (ctx) => fetchAuthSession(ctx) });
    const userError = await run({ nextServerContext: shape(), operation: (ctx) => getCurrentUser(ctx) }).then(
      () => undefined,
      (err: unknown) => (isAuthError(err) ? err.code : String(err)),
    );
    out[name] = { session, userError };
  }
  return out;
}

const SIGNED_OUT = { session: {}, userError: 'UserUnAuthenticated' };
function expectSignedOut(result: Awaited<ReturnType<typeof readAll>>) {
  expect(result).toEqual({ fetchApi: SIGNED_OUT, middleware: SIGNED_OUT });
}

/** Re-signs `token` with `claims` patched, by a key that is not the IdP's. */
async function forge(token: string, patch: Record<string, unknown>, alg: 'RS256' | 'none' = 'RS256'): Promise<string> {
  const payload = { ...decodeJwt(token), ...patch };
  const kid = decodeProtectedHeader(token).kid;
  if (alg === 'none') {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
  }
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) }).sign(privateKey);
}

describe('a valid session', () => {
  it('is chunked and reads back signed in (the baseline the attacks below start from)', async () => {
    const cookie = await sealedCookieHeader(runtime, tokens);
    expect(cookieList(cookie).map(([n]) => n)).toEqual(['nsa.session.0', 'nsa.session.1']);
    const result = await readAll(runtime, cookie);
    expect(result.fetchApi!.userError).toBeUndefined();
    expect(result.middleware!.userError).toBeUndefined();
    const verified = await readAll(verifyingRuntime, cookie);
    expect(verified.fetchApi!.userError).toBeUndefined();
    expect(verified.middleware!.userError).toBeUndefined();
  });
});

describe('bad input reads as signed out, never throws', () => {
  it('tampered seal (one character flipped)', async () => {
    const cookie = await sealedCookieHeader(runtime, tokens);
    const [[n0, v0], [n1, v1]] = cookieList(cookie) as [[string, string], [string, string]];
    const i = Math.floor(v0.length / 2);
    const flipped = v0.slice(0, i) + (v0[i] === 'A' ? 'B' : 'A') + v0.slice(i + 1);
    expectSignedOut(await readAll(runtime, `${n0}=${flipped}; ${n1}=${v1}`));
  });

  it('sealed with another secret', async () => {
    const other = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: 'another-secret-another-secret-another-secret', origin: ORIGIN }, {});
    expectSignedOut(await readAll(runtime, await sealedCookieHeader(other, tokens)));
  });

  it('truncated chunk', async () => {
    const [[n0, v0], [n1, v1]] = cookieList(await sealedCookieHeader(runtime, tokens)) as [[string, string], [string, string]];
    expectSignedOut(await readAll(runtime, `${n0}=${v0}; ${n1}=${v1.slice(0, -10)}`));
  });

  it('missing chunk', async () => {
    const [[n0, v0], [n1, v1]] = cookieList(await sealedCookieHeader(runtime, tokens)) as [[string, string], [string, string]];
    expectSignedOut(await readAll(runtime, `${n0}=${v0}`));
    expectSignedOut(await readAll(runtime, `${n1}=${v1}`));
  });

  it('tokens signed by another key (per-request verification on)', async () => {
    const forged = { ...tokens, idToken: await forge(tokens.idToken, {}), accessToken: await forge(tokens.accessToken, {}) };
    expectSignedOut(await readAll(verifyingRuntime, await sealedCookieHeader(otherApp, forged)));
  });

  it.each([
    ['wrong issuer', { iss: 'https://evil.example.com' }],
    ['wrong audience / client', { aud: 'someone-else', client_id: 'someone-else' }],
    ['ID token passed off as access token', { token_use: 'id' }],
  ])('%s, even inside a valid seal (a cookie from another app sharing the secret)', async (_name, patch) => {
    const forged = { ...tokens, idToken: await forge(tokens.idToken, patch), accessToken: await forge(tokens.accessToken, patch) };
    const cookie = await sealedCookieHeader(otherApp, forged);
    expectSignedOut(await readAll(runtime, cookie));
    expectSignedOut(await readAll(verifyingRuntime, cookie));
  });

  it('alg: none, even inside a valid seal', async () => {
    const forged = { ...tokens, idToken: await forge(tokens.idToken, {}, 'none'), accessToken: await forge(tokens.accessToken, {}, 'none') };
    const cookie = await sealedCookieHeader(otherApp, forged);
    expectSignedOut(await readAll(runtime, cookie));
    expectSignedOut(await readAll(verifyingRuntime, cookie));
  });

  it('expired access token with a refresh token the IdP does not know: signed out, session cookies cleared', async () => {
    const expired = { ...tokens, accessToken: await forge(tokens.accessToken, { exp: Math.floor(Date.now() / 1000) - 60 }) };
    // The forged (re-signed) token reaches the refresh only where the seal alone is trusted.
    const sealOnly = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN, session: { verifySignatures: 'never' } }, {});
    const cookie = await sealedCookieHeader(sealOnly, expired);
    const run = createRunWithServerContext(sealOnly);
    const response = new Response(null);
    const session = await run({ nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie } }), response }, operation: (ctx) => fetchAuthSession(ctx) });
    expect(session).toEqual({});
    const cleared = response.headers.getSetCookie().map((l) => l.split('=')[0]).sort();
    expect(cleared).toEqual(['nsa.session.0', 'nsa.session.1']);
    expect(response.headers.getSetCookie().every((l) => /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(l))).toBe(true);
  });

  it.each([
    ['empty', 'nsa.session='],
    ['one character', 'nsa.session=x'],
    ['bad percent-encoding', 'nsa.session=%E0%A4%A'],
    ['iron prefix only', 'nsa.session=Fe26.2**'],
    ['iron-shaped garbage', `nsa.session=Fe26.2*1*${'a'.repeat(43)}*${'b'.repeat(22)}*${'c'.repeat(64)}**${'d'.repeat(43)}*${'e'.repeat(43)}~2`],
    ['random 6 KB', `nsa.session=${randomBytes(4500).toString('base64url')}`],
    ['chunk gap', 'nsa.session.0=abc; nsa.session.2=def'],
    ['non-ASCII', 'nsa.session=%F0%9F%8D%AA%F0%9F%8D%AA'],
    ['JSON', 'nsa.session={"v":1,"id":"a","at":"b"}'],
    ['no value separator', 'nsa.session'],
  ])('garbage cookie value: %s', async (_name, cookie) => {
    expectSignedOut(await readAll(runtime, cookie));
  });

  it('duplicate cookie names (a planted second copy), in either order', async () => {
    const valid = await sealedCookieHeader(runtime, { ...tokens, refreshToken: 'short' });
    expect(cookieList(valid).map(([n]) => n)).toEqual(['nsa.session']);
    const [[, value]] = cookieList(valid) as [[string, string]];
    expectSignedOut(await readAll(runtime, `nsa.session=${value}; nsa.session=planted`));
    expectSignedOut(await readAll(runtime, `nsa.session=planted; nsa.session=${value}`));
    expectSignedOut(await readAll(runtime, `nsa.session=${value}; nsa.session=${value}`));
  });
});
