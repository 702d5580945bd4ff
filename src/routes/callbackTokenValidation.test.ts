// OIDC Core 3.1.3.7 at the sign-in callback: every way a token response can
// lie must end on an error page with no session, and the transaction used up
// (in the style of oauth4webapi's negative tests). The dev IdP answers
// honestly, so the lies come from a loopback proxy in front of its real token
// endpoint that rewrites the answer to the code exchange and re-signs the
// tokens with the IdP's own key: the library sees genuinely signed tokens and
// must refuse them on their claims (except where the signature is the lie).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { readStateFile } from '../dev-idp/stateFile.js';
import { resignedByIdp, startTamperingProxy } from '../dev-idp/__tests__/startTamperingProxy.js';
import type { TamperingProxy } from '../dev-idp/__tests__/startTamperingProxy.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';
import type { AuthRouteHandlers } from './createAuthRouteHandlers.js';
import { callRoute, captureCallback } from './__tests__/signInFlow.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'forged-callback-client';
const SECRET = 'forged-callback-secret-forged-callback-0123456';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-forged-callback-'));
const stateFile = join(stateDir, 'idp.json');

let idp: DevIdp;
let proxy: TamperingProxy;
let handlers: AuthRouteHandlers;
let runtime: AuthRuntime;

type Answer = Record<string, unknown>;

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    stateFile,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  proxy = await startTamperingProxy(idp.issuer);
  const base = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'generic' } }, { secret: SECRET, origin: ORIGIN }, {});
  // Only the token endpoint goes through the proxy; discovery, JWKS and the login pages are the IdP's own.
  const proxied: AuthRuntime = {
    ...base,
    endpoints: async () => {
      const known = await base.endpoints();
      return { ...known, token: `${proxy.url}${new URL(known.token).pathname}` };
    },
  };
  // The refresher captured the runtime's endpoints when it was made: make one over the proxied runtime.
  runtime = { ...proxied, refresher: createRuntimeRefresher(proxied, { state: { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() } }) };
  handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/home' });
});

afterAll(async () => {
  await proxy?.close();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

beforeEach(() => {
  proxy.tamper = undefined;
  proxy.calls.length = 0;
});

/** Rewrites only the answer to the code exchange (grant_type=authorization_code). */
function onCodeExchange(forge: (answer: Answer) => Answer | Promise<Answer>): void {
  proxy.tamper = (answer, call) => (new URLSearchParams(call.body).get('grant_type') === 'authorization_code' ? forge(answer) : undefined);
}

/** The answer's ID token with `change` applied to its claims, signed with the IdP's own key. */
const idClaims = (change: (claims: JWTPayload) => JWTPayload) => async (answer: Answer) => ({ ...answer, id_token: await resignedByIdp(stateFile, answer.id_token as string, change) });
/** The answer's access token with `change` applied to its claims, signed with the IdP's own key. */
const accessClaims = (change: (claims: JWTPayload) => JWTPayload) => async (answer: Answer) => ({ ...answer, access_token: await resignedByIdp(stateFile, answer.access_token as string, change) });

/** Set-Cookie lines that set a value (deletions left out). */
const cookiesSet = (response: Response) => response.headers.getSetCookie().filter((line) => !/=;|max-age=0/i.test(line));
const cookiesDeleted = (response: Response) =>
  response.headers
    .getSetCookie()
    .filter((line) => /=;|max-age=0/i.test(line))
    .map((line) => line.split('=')[0]!);

/** A full sign-in whose code exchange answer goes through `forge`: the callback's response, and how to replay it. */
async function signInThrough(forge: ((answer: Answer) => Answer | Promise<Answer>) | undefined) {
  if (forge) onCodeExchange(forge);
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  idp.resetStats();
  proxy.calls.length = 0;
  const response = await callRoute(handlers, callbackUrl.href, cookie);
  return { response, replay: () => callRoute(handlers, callbackUrl.href, cookie), state: callbackUrl.searchParams.get('state')! };
}

/**
 * The exact refusal: `status` with `code` on the error page, no cookie set
 * (no session), the transaction cookie expired, no token in the body; the
 * code was exchanged once (the forged answer reached the library) and a replay
 * of the same callback with the original cookie finds its transaction used up
 * without another trip to the token endpoint.
 */
async function expectRefusedAndUsedUp(outcome: Awaited<ReturnType<typeof signInThrough>>, status: number, code: string): Promise<void> {
  const { response, replay, state } = outcome;
  expect(proxy.calls.filter((c) => new URLSearchParams(c.body).get('grant_type') === 'authorization_code').map((c) => c.status)).toEqual([200]);
  expect(response.status).toBe(status);
  const body = await response.text();
  expect(body).toContain(`<code data-testid="auth-error-code">${code}</code>`);
  expect(body).not.toMatch(/eyJ|at [\w.]+ \(/); // no token, no stack
  expect(cookiesSet(response)).toEqual([]);
  expect(cookiesDeleted(response)).toContain(`nsa.tx.${state}`);
  const again = await replay();
  expect(again.status).toBe(400);
  expect(await again.text()).toContain(`<code data-testid="auth-error-code">missing_transaction</code>`);
  expect(cookiesSet(again)).toEqual([]);
  expect(idp.stats().tokenCalls.authorization_code).toBe(1);
}

/** A key pair of the IdP's algorithm that is not the IdP's. */
async function anotherKey() {
  const { alg } = readStateFile(stateFile)!.signingKey;
  return { alg, ...(await generateKeyPair(alg, { extractable: true })) };
}

describe('forged token responses at the sign-in callback (OIDC Core 3.1.3.7), through a tampering proxy', () => {
  it('control: an answer re-signed with the IdP key and no claim changed signs in (so each refusal below is for its one lie)', async () => {
    const { response } = await signInThrough(async (answer) => ({
      ...(await idClaims((c) => c)(answer)),
      access_token: await resignedByIdp(stateFile, answer.access_token as string, (c) => c),
    }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${ORIGIN}/me`);
    expect(cookiesSet(response).filter((line) => line.startsWith('nsa.session'))).toHaveLength(1);
  });

  describe('nonce (OIDC Core 3.1.2.1, 3.1.3.7 step 11)', () => {
    it("an ID token carrying another sign-in's nonce is refused at the callback: 400, no session cookie, transaction used up", async () => {
      // The nonce of a real, earlier sign-in of the same user at the same IdP.
      let other: string | undefined;
      onCodeExchange((answer) => {
        other = decodeJwt(answer.id_token as string).nonce as string;
        return answer;
      });
      expect((await callRoute(handlers, ...(await captureCallback(handlers, ORIGIN, ALICE).then(({ callbackUrl, cookie }) => [callbackUrl.href, cookie] as const)))).status).toBe(303);
      expect(typeof other).toBe('string');
      const outcome = await signInThrough(idClaims((c) => ({ ...c, nonce: other })));
      await expectRefusedAndUsedUp(outcome, 400, 'invalid_tokens');
    });

    it("another sign-in's genuine ID token swapped into the token response (ID token injection) is refused: 400, no session cookie, transaction used up", async () => {
      let stolen: string | undefined;
      onCodeExchange((answer) => {
        stolen = answer.id_token as string;
        return answer;
      });
      const first = await captureCallback(handlers, ORIGIN, ALICE);
      expect((await callRoute(handlers, first.callbackUrl.href, first.cookie)).status).toBe(303);
      const outcome = await signInThrough((answer) => ({ ...answer, id_token: stolen }));
      await expectRefusedAndUsedUp(outcome, 400, 'invalid_tokens');
    });

    it('an ID token stripped of its nonce is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims(({ nonce: _, ...c }) => c)), 400, 'invalid_tokens');
    });
  });

  describe('claims (OIDC Core 3.1.3.7 steps 2-5, 9, 10; JWT sub)', () => {
    it('an ID token from another issuer (iss rewritten, signed with the IdP key) is refused at the callback (mix-up): 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, iss: 'https://attacker.example' }))), 400, 'invalid_tokens');
    });

    it('an ID token issued to another client (aud) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, aud: 'another-client' }))), 400, 'invalid_tokens');
    });

    it('an ID token for several audiences whose azp names another client is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, aud: [CLIENT_ID, 'another-client'], azp: 'another-client' }))), 400, 'invalid_tokens');
    });

    it('an ID token for several audiences without azp is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims(({ azp: _, ...c }) => ({ ...c, aud: [CLIENT_ID, 'another-client'] }))), 400, 'invalid_tokens');
    });

    it('an ID token whose azp names another client (aud this client only) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, azp: 'another-client' }))), 400, 'invalid_tokens');
    });

    it('an expired ID token (exp an hour ago, beyond the clock skew) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, iat: hourAgo - 600, exp: hourAgo }))), 400, 'invalid_tokens');
    });

    it('an ID token issued in the future (iat 10 minutes ahead, beyond the clock skew) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      const ahead = Math.floor(Date.now() / 1000) + 600;
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, iat: ahead, exp: ahead + 3600 }))), 400, 'invalid_tokens');
    });

    it('an ID token without sub is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims(({ sub: _, ...c }) => c)), 400, 'invalid_tokens');
    });

    it('an ID token without iat is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims(({ iat: _, ...c }) => c)), 400, 'invalid_tokens');
    });

    it('an ID token with a non-string sub (a number) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(idClaims((c) => ({ ...c, sub: 42 as unknown as string }))), 400, 'invalid_tokens');
    });
  });

  describe('signature (OIDC Core 3.1.3.7 steps 6-8)', () => {
    it("an ID token signed by another key under the IdP's kid is refused at the callback: 400, no session cookie, transaction used up", async () => {
      const key = await anotherKey();
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => {
          const token = answer.id_token as string;
          return { ...answer, id_token: await new SignJWT(decodeJwt(token)).setProtectedHeader({ ...decodeProtectedHeader(token), alg: key.alg }).sign(key.privateKey) };
        }),
        400,
        'invalid_tokens',
      );
    });

    it('an ID token signed by another key with its own kid (not in the IdP JWKS) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      const key = await anotherKey();
      const kid = `attacker-${String((await exportJWK(key.publicKey)).kty)}`;
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => {
          const token = answer.id_token as string;
          return { ...answer, id_token: await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey) };
        }),
        400,
        'invalid_tokens',
      );
    });

    it('an unsigned ID token (alg: none) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(
        await signInThrough((answer) => {
          const claims = decodeJwt(answer.id_token as string);
          const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
          return { ...answer, id_token: unsigned };
        }),
        400,
        'invalid_tokens',
      );
    });

    it("an ID token MACed with HS256 keyed by the IdP's public key (algorithm confusion) is refused at the callback: 400, no session cookie, transaction used up", async () => {
      const publicJwk = (await (await fetch((await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json() as { jwks_uri: string }).jwks_uri)).json()) as { keys: Record<string, unknown>[] };
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk.keys[0]));
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => {
          const token = answer.id_token as string;
          return { ...answer, id_token: await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(token).kid! }).sign(secret) };
        }),
        400,
        'invalid_tokens',
      );
    });

    it('an ID token whose signature is cut off (header and claims only) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough((answer) => ({ ...answer, id_token: (answer.id_token as string).split('.').slice(0, 2).join('.') + '.' })), 400, 'invalid_tokens');
    });
  });

  describe('token confusion (RFC 8725 §3.11, RFC 9068 §4)', () => {
    it('the access token passed off as the ID token is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough((answer) => ({ ...answer, id_token: answer.access_token })), 400, 'invalid_tokens');
    });

    it('an access token issued to another client (client_id rewritten, signed with the IdP key) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(accessClaims((c) => ({ ...c, client_id: 'another-client', aud: 'another-client' }))), 400, 'invalid_tokens');
    });

    it('an access token from another issuer is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough(accessClaims((c) => ({ ...c, iss: 'https://attacker.example' }))), 400, 'invalid_tokens');
    });

    it('an access token signed by another key is refused at the callback: 400, no session cookie, transaction used up', async () => {
      const key = await anotherKey();
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => {
          const token = answer.access_token as string;
          return { ...answer, access_token: await new SignJWT(decodeJwt(token)).setProtectedHeader({ ...decodeProtectedHeader(token), alg: key.alg }).sign(key.privateKey) };
        }),
        400,
        'invalid_tokens',
      );
    });

    it('an unsigned access token (alg: none) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(
        await signInThrough((answer) => {
          const claims = decodeJwt(answer.access_token as string);
          return { ...answer, access_token: `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.` };
        }),
        400,
        'invalid_tokens',
      );
    });

    it('an ID token typed at+jwt (an access token posing as an ID token, claims otherwise valid) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => ({ ...answer, id_token: await resignedByIdp(stateFile, answer.id_token as string, (c) => c, (h) => ({ ...h, typ: 'at+jwt' })) })),
        400,
        'invalid_tokens',
      );
    });

    it('an access token typed for something else (typ logout+jwt) is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(
        await signInThrough(async (answer) => ({ ...answer, access_token: await resignedByIdp(stateFile, answer.access_token as string, (c) => c, (h) => ({ ...h, typ: 'logout+jwt' })) })),
        400,
        'invalid_tokens',
      );
    });

    it('the ID token passed off as the access token is refused at the callback: 400, no session cookie, transaction used up', async () => {
      await expectRefusedAndUsedUp(await signInThrough((answer) => ({ ...answer, access_token: answer.id_token })), 400, 'invalid_tokens');
    });
  });
});

describe('the same token confusion in a refresh answer', () => {
  it('a refresh answering the ID token as the access token is refused: the session keeps its own access token, nothing is written', async () => {
    let signedInAccessToken: string | undefined;
    const { response } = await signInThrough((answer) => {
      signedInAccessToken = answer.access_token as string;
      return answer;
    });
    expect(response.status).toBe(303);
    const cookie = cookiesSet(response)
      .map((line) => line.split(';')[0]!)
      .join('; ');
    let confused: string | undefined;
    proxy.tamper = (answer, call) => {
      if (new URLSearchParams(call.body).get('grant_type') !== 'refresh_token') return undefined;
      confused = answer.id_token as string;
      return { ...answer, access_token: confused };
    };
    const written = new Response(null);
    const session = await createRunWithServerContext(runtime)({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie } }), response: written },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    // The IdP did answer the refresh (through the proxy), and that answer was refused.
    expect(proxy.calls.filter((c) => new URLSearchParams(c.body).get('grant_type') === 'refresh_token').map((c) => c.status)).toEqual([200]);
    expect(typeof confused).toBe('string');
    expect(session.tokens?.accessToken.toString()).toBe(signedInAccessToken);
    expect(session.tokens?.accessToken.toString()).not.toBe(confused);
    expect(cookiesSet(written)).toEqual([]);
  });
});
