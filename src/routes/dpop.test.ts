import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeJwt, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { unsealData } from 'iron-session';
import { createAuthRuntime } from '../createServerRunner.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { fetchUserAttributes } from '../context/fetchUserAttributes.js';
import { getAccessToken } from '../context/getAccessToken.js';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../dev-idp/index.js';
import { isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import { importDPoPKey } from '../tokens/importDPoPKey.js';
import { dpopHandle } from '../tokens/dpopHandle.js';
import { callRoute, captureCallback, cookieHeaderOf } from './__tests__/signInFlow.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'dpop-client';
const SECRET = 'dpop-test-secret-dpop-test-secret-0123456789';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };

let idp: DevIdp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await idp?.close();
  idp = undefined;
});

async function startIdp(options: Omit<DevIdpOptions, 'port' | 'clients'> = {}, client: { clientSecret?: string } = {}): Promise<DevIdp> {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    dpop: true,
    ...options,
    clients: [{ clientId: CLIENT_ID, ...client, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  return idp;
}

function runtimeFor(issuer: string, oidc: { dpop?: boolean; clientSecret?: string; resources?: string[]; scopes?: string[] } = { dpop: true }, options: Record<string, unknown> = {}): AuthRuntime {
  return createAuthRuntime({ oidc: { issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'profile', 'offline_access'], ...oidc } }, { secret: SECRET, origin: ORIGIN, ...options }, {});
}

/** Signs alice in through the routes and the IdP's real login page; returns the callback response. */
async function signIn(runtime: AuthRuntime): Promise<Response> {
  const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/me' });
  const { callbackUrl, cookie } = await captureCallback(handlers, ORIGIN, ALICE);
  return callRoute(handlers, callbackUrl.href, cookie);
}

/** The session a Cookie header carries, as the runtime's codec reads it (tokens, key included). */
async function sessionTokens(runtime: AuthRuntime, cookie: string): Promise<TokenSet> {
  const session = await runtime.codec.read(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: { cookie } }), new Response(null)));
  if (!session) throw new Error('no session');
  return session.tokens;
}

/** Runs `operation` as a route handler of a request carrying `cookie`; returns its value and the cookies it set. */
async function inRouteHandler<T>(runtime: AuthRuntime, cookie: string, operation: Parameters<ReturnType<typeof createRunWithServerContext>>[0]['operation']) {
  const response = new Response(null);
  const value = (await createRunWithServerContext(runtime)({ nextServerContext: { request: new Request(`${ORIGIN}/me`, { headers: { cookie } }), response }, operation })) as T;
  const written = cookieHeaderOf(response);
  return { value, cookie: written || cookie };
}

/** Records every request to `issuer` (method, path, status, DPoP-Nonce answered) while passing it through. */
function recordIdpCalls(issuer: string): Array<{ path: string; status: number; nonce: boolean; proof: boolean }> {
  const calls: Array<{ path: string; status: number; nonce: boolean; proof: boolean }> = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await real(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === new URL(issuer).origin) {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      calls.push({ path: url.pathname, status: response.status, nonce: response.headers.has('dpop-nonce'), proof: headers.has('dpop') });
    }
    return response;
  });
  return calls;
}

const userinfoUrl = (issuer: string) => `${issuer}/oauth2/userInfo`;

/** The library's DPoP handle for a session key, with the nonce cache it shares per origin. */
async function dpopHandleWithCache(dpopKey: string) {
  return dpopHandle(await importDPoPKey(dpopKey)) as oauth.DPoPHandle & { cacheNonce(response: Response, url: URL): void };
}

/** A DPoP handle that keeps the last proof it made (what an eavesdropper would capture). */
function recordProof(key: { keyPair: CryptoKeyPair }): { handle: oauth.DPoPHandle; proof(): string } {
  let last = '';
  const handle = oauth.DPoP({}, key.keyPair) as oauth.DPoPHandle & { addProof(url: URL, headers: Headers, htm: string, at?: string): Promise<void> };
  const addProof = handle.addProof.bind(handle);
  handle.addProof = async (url, headers, htm, at) => {
    await addProof(url, headers, htm, at);
    last = headers.get('dpop')!;
  };
  return { handle, proof: () => last };
}

describe('DPoP (RFC 9449) against the dev IdP with dpop_bound_access_tokens', () => {
  it('a DPoP-bound session signs in, refreshes and reads userinfo (fetchUserAttributes); every token is bound to the session key', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const callback = await signIn(runtime);
    expect(callback.status).toBe(303);
    const cookie = cookieHeaderOf(callback);
    const tokens = await sessionTokens(runtime, cookie);
    expect(tokens.dpopKey).toMatch(/^ES256\./);
    const { jkt } = await importDPoPKey(tokens.dpopKey!);
    expect((decodeJwt(tokens.accessToken).cnf as { jkt: string }).jkt).toBe(jkt);
    expect(idp!.stats().tokenCalls.authorization_code).toBe(1);

    // Refresh (the same path as the guard's): a proof with the same key, a new bound access token, the key kept.
    const refreshed = await inRouteHandler<{ tokenType?: string }>(runtime, cookie, (ctx) => fetchAuthSession(ctx, { forceRefresh: true }));
    expect(idp!.stats().tokenCalls.refresh_token).toBe(1);
    expect(refreshed.value.tokenType).toBe('DPoP');
    const after = await sessionTokens(runtime, refreshed.cookie);
    expect(after.accessToken).not.toBe(tokens.accessToken);
    expect(after.dpopKey).toBe(tokens.dpopKey);
    expect((decodeJwt(after.accessToken).cnf as { jkt: string }).jkt).toBe(jkt);

    // Userinfo with the DPoP scheme and a proof (the IdP refuses bound tokens otherwise).
    const attributes = await inRouteHandler<Record<string, unknown>>(runtime, refreshed.cookie, (ctx) => fetchUserAttributes(ctx));
    expect(attributes.value.email).toBe('alice@example.com');
  });

  it('a stolen DPoP-bound access token replayed without its proof is refused by the IdP (Bearer, or DPoP without a proof)', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const asBearer = await fetch(userinfoUrl(issuer), { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(asBearer.status).toBe(401);
    expect(await asBearer.json()).toMatchObject({ error: 'invalid_token' });
    const noProof = await fetch(userinfoUrl(issuer), { headers: { authorization: `DPoP ${tokens.accessToken}` } });
    expect(noProof.status).toBe(401);
    expect(await noProof.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(noProof.headers.get('www-authenticate')).toMatch(/^DPoP /);
  });

  it('a stolen DPoP-bound access token with a proof signed by another key is refused by the IdP', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const thief = await generateKeyPair('ES256', { extractable: true });
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
    const response = await oauth.userInfoRequest(as, { client_id: CLIENT_ID }, tokens.accessToken, { DPoP: oauth.DPoP({}, thief), [oauth.allowInsecureRequests]: true });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('a stolen DPoP-bound refresh token is refused by the IdP without its proof, and with a proof signed by another key', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
    const client = { client_id: CLIENT_ID };
    const insecure = { [oauth.allowInsecureRequests]: true };
    const bare = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refreshToken!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, bare)).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
    const thief = oauth.DPoP({}, await generateKeyPair('ES256', { extractable: true }));
    const stolen = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refreshToken!, { ...insecure, DPoP: thief });
    await expect(oauth.processRefreshTokenResponse(as, client, stolen)).rejects.toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(idp!.stats().tokenCalls.refresh_token).toBe(2);
  });

  it('an app without oidc.dpop is refused at the token endpoint for a dpop_bound_access_tokens client: no session', async () => {
    const { issuer } = await startIdp();
    const callback = await signIn(runtimeFor(issuer, {}));
    expect(callback.status).toBe(400);
    expect(callback.headers.getSetCookie().some((line) => /^nsa\.session=[^;]/.test(line))).toBe(false);
  });

  it('a downgrade to Bearer (an IdP that ignores the proof and issues unbound tokens) is refused at the callback: 400 invalid_tokens, no session', async () => {
    const { issuer } = await startIdp({ dpop: false });
    const callback = await signIn(runtimeFor(issuer));
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('invalid_tokens');
    expect(callback.headers.getSetCookie().some((line) => /^nsa\.session(\.\d+)?=[^;]/.test(line))).toBe(false);
    expect(idp!.stats().tokenCalls.authorization_code).toBe(1);
  });

  it('nonce-required mode: the sign-in retries once on use_dpop_nonce; the nonce is remembered for the origin, so refresh and userinfo need no retry', async () => {
    const { issuer } = await startIdp({ dpop: { requireNonce: true } });
    const runtime = runtimeFor(issuer);
    const calls = recordIdpCalls(issuer);
    const callback = await signIn(runtime);
    expect(callback.status).toBe(303);
    const token = calls.filter((c) => c.path === '/oauth2/token');
    expect(token.map((c) => c.status)).toEqual([400, 200]);
    expect(token.every((c) => c.proof)).toBe(true);
    expect(token[0]!.nonce).toBe(true);
    calls.length = 0;
    const refreshed = await inRouteHandler(runtime, cookieHeaderOf(callback), (ctx) => fetchAuthSession(ctx, { forceRefresh: true }));
    expect(calls.filter((c) => c.path === '/oauth2/token').map((c) => c.status)).toEqual([200]);
    const attributes = await inRouteHandler<Record<string, unknown>>(runtime, refreshed.cookie, (ctx) => fetchUserAttributes(ctx));
    expect(attributes.value.email).toBe('alice@example.com');
    expect(calls.filter((c) => c.path === '/oauth2/userInfo').map((c) => c.status)).toEqual([200]);
  });

  it('a stale remembered nonce: refresh and userinfo each get use_dpop_nonce once and succeed on their one retry with the nonce the IdP sent', async () => {
    const { issuer } = await startIdp({ dpop: { requireNonce: true } });
    const runtime = runtimeFor(issuer);
    const cookie = cookieHeaderOf(await signIn(runtime));
    const tokens = await sessionTokens(runtime, cookie);
    // What the process remembers for the IdP's origin goes stale (as after an IdP restart with a new secret).
    const stale = () => dpopHandleWithCache(tokens.dpopKey!).then((h) => h.cacheNonce(new Response(null, { headers: { 'dpop-nonce': 'stale-nonce' } }), new URL(issuer)));
    const calls = recordIdpCalls(issuer);
    await stale();
    const refreshed = await inRouteHandler(runtime, cookie, (ctx) => fetchAuthSession(ctx, { forceRefresh: true }));
    expect(calls.filter((c) => c.path === '/oauth2/token').map((c) => c.status)).toEqual([400, 200]);
    await stale();
    const attributes = await inRouteHandler<Record<string, unknown>>(runtime, refreshed.cookie, (ctx) => fetchUserAttributes(ctx));
    expect(attributes.value.email).toBe('alice@example.com');
    const userinfo = calls.filter((c) => c.path === '/oauth2/userInfo');
    expect(userinfo.map((c) => c.status)).toEqual([401, 200]);
    expect(userinfo[0]!.nonce).toBe(true);
  });

  it('a proof with a nonce the IdP never issued is refused at userinfo with use_dpop_nonce and a fresh DPoP-Nonce', async () => {
    const { issuer } = await startIdp({ dpop: { requireNonce: true } });
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const key = await importDPoPKey(tokens.dpopKey!);
    const forged = oauth.DPoP({}, key.keyPair, { [oauth.modifyAssertion]: (_h, p) => void (p.nonce = 'not-the-idps-nonce') });
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
    const refused = await oauth.userInfoRequest(as, { client_id: CLIENT_ID }, tokens.accessToken, { DPoP: forged, [oauth.allowInsecureRequests]: true });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    expect(refused.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a replayed proof (same jti) is refused at userinfo', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const key = await importDPoPKey(tokens.dpopKey!);
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
    const headers = new Headers();
    const first = await oauth.userInfoRequest(as, { client_id: CLIENT_ID }, tokens.accessToken, { DPoP: oauth.DPoP({}, key.keyPair), headers, [oauth.allowInsecureRequests]: true });
    expect(first.status).toBe(200);
    // The same proof sent again, as an attacker who saw the request would.
    const captured = recordProof(key);
    const once = await oauth.userInfoRequest(as, { client_id: CLIENT_ID }, tokens.accessToken, { DPoP: captured.handle, [oauth.allowInsecureRequests]: true });
    expect(once.status).toBe(200);
    const replay = await fetch(userinfoUrl(issuer), { headers: { authorization: `DPoP ${tokens.accessToken}`, dpop: captured.proof() } });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('a resource token (RFC 8707) of a DPoP session is bound to the session key too, and says so (tokenType DPoP)', async () => {
    const ORDERS = 'https://orders.example.test';
    const { issuer } = await startIdp({ resources: { [ORDERS]: { scope: 'orders:read' } } });
    const runtime = runtimeFor(issuer, { dpop: true, resources: [ORDERS], scopes: ['openid', 'email', 'offline_access', 'orders:read'] });
    const cookie = cookieHeaderOf(await signIn(runtime));
    const { jkt } = await importDPoPKey((await sessionTokens(runtime, cookie)).dpopKey!);
    const { value } = await inRouteHandler<{ token: string; tokenType?: string }>(runtime, cookie, (ctx) => getAccessToken(ctx, { resource: ORDERS }));
    expect(value.tokenType).toBe('DPoP');
    const claims = decodeJwt(value.token);
    expect(claims.aud).toBe(ORDERS);
    expect((claims.cnf as { jkt: string }).jkt).toBe(jkt);
  });

  it('sign-out revokes the DPoP-bound refresh token (RFC 7009 needs no proof at this IdP) and the IdP then refuses it even with the right proof', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const cookie = cookieHeaderOf(await signIn(runtime));
    const tokens = await sessionTokens(runtime, cookie);
    const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignOutComplete: '/' });
    const signOut = await handlers.POST(new Request(`${ORIGIN}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin: ORIGIN } }), { params: Promise.resolve({ slug: 'sign-out' }) });
    expect(signOut.status).toBeLessThan(400);
    expect(idp!.stats().revocations).toBe(1);
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }));
    const owner = await dpopHandleWithCache(tokens.dpopKey!);
    const client = { client_id: CLIENT_ID };
    const after = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refreshToken!, { DPoP: owner, [oauth.allowInsecureRequests]: true });
    await expect(oauth.processRefreshTokenResponse(as, client, after)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('the sealed cookie holds no unsealed key: neither the private nor the public members appear in it, only in the seal', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const cookie = cookieHeaderOf(await signIn(runtime));
    const tokens = await sessionTokens(runtime, cookie);
    const [, x, y, d] = tokens.dpopKey!.split('.');
    for (const member of [x!, y!, d!, tokens.dpopKey!]) expect(cookie).not.toContain(member);
    // The session cookie (one cookie at this size, or its chunks in order) is an iron seal: the key is inside it.
    const chunks = cookie.split('; ').filter((pair) => /^nsa\.session(\.\d+)?=./.test(pair));
    expect(chunks.length).toBeGreaterThan(0);
    const sealed = chunks.map((pair) => pair.slice(pair.indexOf('=') + 1)).join('');
    expect(sealed).toMatch(/^Fe26\.2\*/);
    const payload = await unsealData<{ dk?: string }>(sealed, { password: { 1: SECRET } });
    expect(payload.dk).toBe(tokens.dpopKey);
  });

  it('oidc.dpop with the amplify codec is InvalidConfig naming oidc.dpop (its cookies cannot hold a private key)', () => {
    let thrown: unknown;
    try {
      runtimeFor('http://127.0.0.1:1', { dpop: true }, { session: { codec: 'amplify' } });
    } catch (err) {
      thrown = err;
    }
    expect(isAuthError(thrown, 'InvalidConfig')).toBe(true);
    expect((thrown as Error).message).toMatch(/oidc\.dpop/);
    expect((thrown as Error).message).toMatch(/amplify/);
  });

  it('oidc.dpop must be a boolean (InvalidConfig naming the field)', () => {
    expect(() => runtimeFor('http://127.0.0.1:1', { dpop: 'yes' as unknown as boolean })).toThrow(/oidc\.dpop must be true or false/);
  });
});

describe('cookie growth', () => {
  it('the DPoP key adds under 250 bytes to the sealed session cookie', async () => {
    const { issuer } = await startIdp();
    const runtime = runtimeFor(issuer);
    const tokens = await sessionTokens(runtime, cookieHeaderOf(await signIn(runtime)));
    const size = async (t: TokenSet) => {
      const response = new Response(null);
      await runtime.codec.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), t);
      return cookieHeaderOf(response).length;
    };
    const { dpopKey: _key, ...bearerShaped } = tokens;
    const withKey = await size(tokens);
    const without = await size(bearerShaped);
    // Measured here: 2709 -> 2901 bytes (+192) for the dev IdP's oidc-mode tokens: the 138-byte key, sealed (base64url, AES blocks).
    expect(withKey - without).toBeGreaterThanOrEqual(150);
    expect(withKey - without).toBeLessThanOrEqual(250);
  });
});
