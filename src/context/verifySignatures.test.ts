import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import { readStateFile } from '../dev-idp/stateFile.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import type { RuntimeOptions } from '../config/runtimeOptions.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthRuntime } from './AuthRuntime.js';
import { createRunWithServerContext } from './createRunWithServerContext.js';
import { fetchAuthSession } from './fetchAuthSession.js';
import { sealedCookieHeader } from './__tests__/sealedCookieHeader.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'verify-signatures-client';
const SECRET = 'verify-signatures-secret-verify-signatures-0123';
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-verify-'));

let idp: DevIdp;
let idpOptions: DevIdpOptions;
let tokens: TokenSet;

const runtime = (session?: RuntimeOptions['session']): AuthRuntime =>
  createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN, ...(session ? { session } : {}) }, {});

/** What a route handler reading the session sees, and the Set-Cookie lines it answers with. */
async function read(rt: AuthRuntime, cookie: string) {
  const response = new Response(null);
  const session = await createRunWithServerContext(rt)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response },
    operation: (ctx) => fetchAuthSession(ctx),
  });
  return { sub: session.userSub, setCookies: response.headers.getSetCookie() };
}

/** The same claims and header, signed with `key`. */
async function resign(token: string, key: CryptoKey, patch: Record<string, unknown> = {}): Promise<string> {
  const header = decodeProtectedHeader(token);
  return new SignJWT({ ...decodeJwt(token), ...patch }).setProtectedHeader({ ...header, alg: 'RS256' }).sign(key);
}

beforeAll(async () => {
  idpOptions = {
    port: 0,
    quiet: true,
    stateFile: join(stateDir, 'idp.json'),
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  };
  idp = await startDevIdp(idpOptions);
  idpOptions = { ...idpOptions, port: idp.port };
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  tokens = { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
});
afterAll(async () => {
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('session.verifySignatures (default once)', () => {
  it('a session minted with AUTH_SECRET alone (tokens signed by another key) reads as signed out by default', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = { ...tokens, idToken: await resign(tokens.idToken, privateKey, { 'cognito:groups': ['ADMINS'] }), accessToken: await resign(tokens.accessToken, privateKey) };
    // Whoever holds the secret can seal anything: here with a runtime that trusts seals alone.
    const cookie = await sealedCookieHeader(runtime({ verifySignatures: 'never' }), forged);
    const verdict = await read(runtime(), cookie);
    expect(verdict.sub).toBeUndefined();
    // Signed out for this read; nothing is refreshed or written on the forger's behalf.
    expect(verdict.setCookies).toEqual([]);
    expect(idp.stats().tokenCalls.refresh_token ?? 0).toBe(0);
    // The same cookie where seals alone are trusted (what every secret holder could do before).
    expect((await read(runtime({ verifySignatures: 'never' }), cookie)).sub).toBe(decodeJwt(tokens.idToken).sub);
  });

  it('a genuine session reads as signed in, and warm reads do not verify again', async () => {
    const rt = runtime();
    const cookie = await sealedCookieHeader(runtime({ verifySignatures: 'never' }), { ...tokens });
    const before = idp.stats().jwksFetches;
    for (let i = 0; i < 5; i++) expect((await read(rt, cookie)).sub).toBe(decodeJwt(tokens.idToken).sub);
    expect(idp.stats().jwksFetches - before).toBe(1);
  });

  it('a genuinely expired session is still refreshable: its signature checks, its exp is "refresh me"', async () => {
    const jwk = readStateFile(idpOptions.stateFile!)!.signingKey;
    const key = (await importJWK(jwk, jwk.alg)) as CryptoKey;
    const header = decodeProtectedHeader(tokens.accessToken);
    const accessToken = await new SignJWT({ ...decodeJwt(tokens.accessToken), exp: Math.floor(Date.now() / 1000) - 5 })
      .setProtectedHeader({ ...header, alg: jwk.alg! })
      .sign(key);
    const cookie = await sealedCookieHeader(runtime({ verifySignatures: 'never' }), { ...tokens, accessToken });
    const callsBefore = idp.stats().tokenCalls.refresh_token ?? 0;
    const verdict = await read(runtime(), cookie);
    expect(verdict.sub).toBe(decodeJwt(tokens.idToken).sub);
    expect((idp.stats().tokenCalls.refresh_token ?? 0) - callsBefore).toBe(1);
    expect(verdict.setCookies.some((l) => l.startsWith('nsa.session'))).toBe(true);
  });

  it('the IdP unreachable on a cold read (no keys fetched yet) signs nobody out and answers no 500', async () => {
    const cookie = await sealedCookieHeader(runtime({ verifySignatures: 'never' }), { ...tokens });
    const rt = runtime();
    await idp.close();
    try {
      const verdict = await read(rt, cookie);
      expect(verdict.sub).toBe(decodeJwt(tokens.idToken).sub);
      expect(verdict.setCookies).toEqual([]);
    } finally {
      idp = await startDevIdp(idpOptions);
    }
  });
});
