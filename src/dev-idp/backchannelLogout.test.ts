// OIDC Back-Channel Logout 1.0 from the dev IdP: real startDevIdp, real
// oidc-provider, and a loopback receiver standing in for the app's route.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createRemoteJWKSet, decodeJwt, importJWK, jwtVerify, SignJWT } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { startDevIdp } from './index.js';
import type { DevIdp, DevIdpMode } from './index.js';
import { resolveOptions } from './resolveOptions.js';
import { alice, bob, CLIENT_ID, exchangeCode, formAction, LOGOUT_URI, postPage, REDIRECT_URI, refresh, startAuthorization, userInfo } from './__tests__/helpers.js';
import { startLogoutReceiver } from './__tests__/startLogoutReceiver.js';
import type { LogoutReceiver } from './__tests__/startLogoutReceiver.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const OFFLINE_SCOPE = 'openid email profile offline_access';

async function verifyLogoutToken(idp: DevIdp, token: string | undefined, audience = CLIENT_ID): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token ?? '', jwks, { issuer: idp.issuer, audience, typ: 'logout+jwt', algorithms: ['RS256'] });
  return payload;
}

function logoutUrl(idp: DevIdp, params: Record<string, string>): URL {
  const url = new URL(`${idp.issuer}/logout`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

function adminLogout(idp: DevIdp, username: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/logout`, { method: 'POST', headers });
}

let receiver: LogoutReceiver;
beforeEach(async () => {
  receiver = await startLogoutReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe.each(['cognito', 'oidc'] as const)('back-channel logout, %s mode', (mode: DevIdpMode) => {
  let idp: DevIdp;
  // Receivers change per test; one IdP per test keeps its client registration pointing at the current one.
  beforeEach(async () => {
    idp = await startDevIdp({ port: 0, quiet: true, mode, backchannelLogoutUri: receiver.url });
  });
  afterEach(async () => {
    await idp.close();
  });
  const signIn = (jar: CookieJar) => runAuthorizationCodeFlow(jar, alice(idp.issuer, { scope: OFFLINE_SCOPE }));

  it('discovery advertises back-channel logout with sid', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.backchannel_logout_supported).toBe(true);
    expect(discovery.backchannel_logout_session_supported).toBe(true);
  });

  it('after sign-in and /logout the app receives exactly one logout token, signed by the IdP, for that session', async () => {
    const jar = new CookieJar();
    const tokens = await signIn(jar);
    const idClaims = decodeJwt(tokens.idToken);
    expect(idClaims.sid).toEqual(expect.any(String));
    // The access token keeps its shape (no sid).
    expect(decodeJwt(tokens.accessToken).sid).toBeUndefined();

    const params: Record<string, string> =
      mode === 'cognito' ? { client_id: CLIENT_ID, logout_uri: LOGOUT_URI } : { id_token_hint: tokens.idToken, post_logout_redirect_uri: LOGOUT_URI };
    const response = await jar.fetch(logoutUrl(idp, params));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(LOGOUT_URI);

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.contentType).toBe('application/x-www-form-urlencoded');
    const claims = await verifyLogoutToken(idp, receiver.received[0]!.logoutToken);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
    expect(claims.events).toEqual({ [EVENT]: {} });
    expect(claims.sid).toBe(idClaims.sid);
    expect(claims.sub).toBe(idClaims.sub);
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims).not.toHaveProperty('nonce');
    expect(idp.stats().backchannelLogouts).toEqual({ delivered: 1, failed: 0 });
  });

  it('the refresh token of the logged-out session is dead once the app is told', async () => {
    const jar = new CookieJar();
    const tokens = await signIn(jar);
    expect(tokens.refreshToken).toEqual(expect.any(String));
    await jar.fetch(logoutUrl(idp, { client_id: CLIENT_ID, logout_uri: LOGOUT_URI }));
    expect(receiver.received).toHaveLength(1);
    expect((await refresh(idp.issuer, tokens.refreshToken!)).body.error).toBe('invalid_grant');
  });

  it('the sid survives refresh: ID tokens from a refresh carry the same sid', async () => {
    const tokens = await signIn(new CookieJar());
    const refreshed = await refresh(idp.issuer, tokens.refreshToken!);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.id_token as string).sid).toBe(decodeJwt(tokens.idToken).sid);
  });

  it('/logout with an app that is down still signs out of the IdP (failure logged without the token)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const jar = new CookieJar();
      const tokens = await signIn(jar);
      await receiver.close();
      const response = await jar.fetch(logoutUrl(idp, { client_id: CLIENT_ID, logout_uri: LOGOUT_URI }));
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(LOGOUT_URI);
      expect(jar.names(idp.issuer)).not.toContain('_session');
      expect((await refresh(idp.issuer, tokens.refreshToken!)).body.error).toBe('invalid_grant');
      expect(idp.stats().backchannelLogouts).toEqual({ delivered: 0, failed: 1 });
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0]![0]);
      expect(line).toMatch(new RegExp(`^dev IdP: back-channel logout to ${receiver.url.replace(/[.]/g, '\\.')} failed: fetch failed \\(ECONNREFUSED\\)$`));
      expect(line).not.toMatch(/eyJ/);
    } finally {
      warn.mockRestore();
      receiver = await startLogoutReceiver();
    }
  });

  it('an app answering 500 does not break /logout either', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      receiver.status = 500;
      const jar = new CookieJar();
      await signIn(jar);
      const response = await jar.fetch(logoutUrl(idp, { client_id: CLIENT_ID, logout_uri: LOGOUT_URI }));
      expect(response.status).toBe(302);
      expect(receiver.received).toHaveLength(1);
      expect(idp.stats().backchannelLogouts).toEqual({ delivered: 0, failed: 1 });
      expect(String(warn.mock.calls[0]![0])).toMatch(/failed: expected 200 OK from .*, got: 500 Internal Server Error$/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('admin sign-out of a user', () => {
  let idp: DevIdp;
  beforeEach(async () => {
    idp = await startDevIdp({ port: 0, quiet: true, backchannelLogoutUri: receiver.url });
  });
  afterEach(async () => {
    await idp.close();
  });

  it('POST /dev/users/<email>/logout ends every session of the user: two sessions, two logout tokens, refresh tokens dead', async () => {
    const [laptop, phone, bobs] = [new CookieJar(), new CookieJar(), new CookieJar()];
    const first = await runAuthorizationCodeFlow(laptop, alice(idp.issuer));
    const second = await runAuthorizationCodeFlow(phone, alice(idp.issuer));
    const bobTokens = await runAuthorizationCodeFlow(bobs, bob(idp.issuer));
    const sids = [first, second].map((t) => decodeJwt(t.idToken).sid);
    expect(new Set(sids).size).toBe(2);

    const response = await adminLogout(idp, 'alice@example.com');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ sessions: 2, delivered: 2, failed: 0 });

    expect(receiver.received).toHaveLength(2);
    const claims = await Promise.all(receiver.received.map((r) => verifyLogoutToken(idp, r.logoutToken)));
    expect(claims.map((c) => c.sid).sort()).toEqual([...sids].sort());
    expect(new Set(claims.map((c) => c.sub))).toEqual(new Set([decodeJwt(first.idToken).sub]));
    expect(new Set(claims.map((c) => c.jti)).size).toBe(2);

    expect((await refresh(idp.issuer, first.refreshToken!)).body.error).toBe('invalid_grant');
    expect((await refresh(idp.issuer, second.refreshToken!)).body.error).toBe('invalid_grant');
    expect((await userInfo(idp.issuer, first.accessToken)).status).toBe(401);
    expect((await userInfo(idp.issuer, bobTokens.accessToken)).status).toBe(200);
    // Both browsers must sign in again; Bob is untouched.
    expect((await runAuthorizationCodeFlow(laptop, alice(idp.issuer))).promptedForPassword).toBe(true);
    expect((await refresh(idp.issuer, bobTokens.refreshToken!)).status).toBe(200);
    expect((await runAuthorizationCodeFlow(bobs, bob(idp.issuer))).promptedForPassword).toBe(false);
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['the app’s own origin (another site)', { origin: 'http://localhost:3000' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('a cross-site page POSTing the admin sign-out is refused (403) and ends nothing: %s', async (_label, headers) => {
    const jar = new CookieJar();
    const tokens = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    const response = await adminLogout(idp, 'alice@example.com', headers);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Forbidden: cross-site request to a dev route');
    expect(receiver.received).toHaveLength(0);
    expect((await refresh(idp.issuer, tokens.refreshToken!)).status).toBe(200);
  });

  it('an unknown user is a 404 and ends nothing; GET is not an admin sign-out', async () => {
    const tokens = await runAuthorizationCodeFlow(new CookieJar(), alice(idp.issuer));
    const unknown = await adminLogout(idp, 'mallory@example.com');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown_user' });
    const malformed = await fetch(`${idp.issuer}/dev/users/%E0%A4%A/logout`, { method: 'POST' });
    expect(malformed.status).toBe(404);
    const get = await fetch(`${idp.issuer}/dev/users/alice%40example.com/logout`);
    expect(get.status).toBe(404);
    expect(receiver.received).toHaveLength(0);
    expect((await refresh(idp.issuer, tokens.refreshToken!)).status).toBe(200);
  });

  it('idp.logoutUser(email) does the same for in-process tests, and rejects an unknown user', async () => {
    const tokens = await runAuthorizationCodeFlow(new CookieJar(), alice(idp.issuer));
    // Usernames are case-insensitive, as at sign-in.
    expect(await idp.logoutUser('Alice@Example.com')).toEqual({ sessions: 1, delivered: 1, failed: 0 });
    expect((await verifyLogoutToken(idp, receiver.received[0]!.logoutToken)).sid).toBe(decodeJwt(tokens.idToken).sid);
    expect((await refresh(idp.issuer, tokens.refreshToken!)).body.error).toBe('invalid_grant');
    // Nothing left: a second call ends no session and sends nothing.
    expect(await idp.logoutUser('alice@example.com')).toEqual({ sessions: 0, delivered: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    await expect(idp.logoutUser('mallory@example.com')).rejects.toThrow('dev IdP: no user "mallory@example.com"');
  });

  it('an admin sign-out with the app down still ends the sessions', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const tokens = await runAuthorizationCodeFlow(new CookieJar(), alice(idp.issuer));
      receiver.status = 503;
      expect(await idp.logoutUser('alice@example.com')).toEqual({ sessions: 1, delivered: 0, failed: 1 });
      expect((await refresh(idp.issuer, tokens.refreshToken!)).body.error).toBe('invalid_grant');
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('which clients are told', () => {
  const OTHER = { clientId: 'no-backchannel', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [LOGOUT_URI] };
  let idp: DevIdp;
  beforeEach(async () => {
    idp = await startDevIdp({
      port: 0,
      quiet: true,
      clients: [{ clientId: CLIENT_ID, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [LOGOUT_URI], backchannelLogoutUri: receiver.url }, OTHER],
    });
  });
  afterEach(async () => {
    await idp.close();
  });

  it('only clients with a backchannelLogoutUri get a logout token (and a sid in their ID tokens)', async () => {
    const jar = new CookieJar();
    const withUri = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    // Same IdP session, the other client: no password, no sid.
    const without = await runAuthorizationCodeFlow(jar, alice(idp.issuer, { clientId: OTHER.clientId }));
    expect(without.promptedForPassword).toBe(false);
    expect(decodeJwt(without.idToken).sid).toBeUndefined();
    expect(decodeJwt(withUri.idToken).sid).toEqual(expect.any(String));

    await jar.fetch(logoutUrl(idp, { client_id: OTHER.clientId, logout_uri: LOGOUT_URI }));
    // The whole IdP session ended, so the client with a URI is told even though the other one asked.
    expect(receiver.received).toHaveLength(1);
    expect((await verifyLogoutToken(idp, receiver.received[0]!.logoutToken)).sid).toBe(decodeJwt(withUri.idToken).sid);
  });

  it('another user signing in in the same browser ends the previous IdP session and tells its clients', async () => {
    const jar = new CookieJar();
    const previous = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    const { request, response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'login' });
    const done = await postPage(jar, new URL(formAction(await response.text()), url), { username: 'bob@example.com', password: 'bob-password' });
    expect((await exchangeCode(idp.issuer, done.callback!, request)).status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    const claims = await verifyLogoutToken(idp, receiver.received[0]!.logoutToken);
    expect(claims.sid).toBe(decodeJwt(previous.idToken).sid);
    expect(claims.sub).toBe(decodeJwt(previous.idToken).sub);
  });
});

describe('backchannelLogoutUri option', () => {

  it('a client of its own overrides the default; false or empty turns it off', () => {
    const base = { clientId: 'a', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] };
    const { clients } = resolveOptions({
      backchannelLogoutUri: 'http://127.0.0.1:3000/api/auth/backchannel-logout',
      clients: [base, { ...base, clientId: 'b', backchannelLogoutUri: 'http://localhost:4000/bcl?x=1' }, { ...base, clientId: 'c', backchannelLogoutUri: false }],
    });
    expect(clients.map((c) => c.backchannelLogoutUri)).toEqual(['http://127.0.0.1:3000/api/auth/backchannel-logout', 'http://localhost:4000/bcl?x=1', undefined]);
    expect(resolveOptions({ backchannelLogoutUri: '' }).clients[0]).not.toHaveProperty('backchannelLogoutUri');
    expect(resolveOptions({}).clients[0]).not.toHaveProperty('backchannelLogoutUri');
  });

  it.each(['http://localhost:3000/bcl#frag', 'ftp://localhost/bcl', 'not a url', '/api/auth/backchannel-logout'])('rejects %j', (uri) => {
    expect(() => resolveOptions({ backchannelLogoutUri: uri })).toThrow(/backchannelLogoutUri must be an absolute http\(s\) URL without a fragment/);
  });
});

describe('signing test logout tokens with the IdP key (for the app route tests)', () => {
  it('the state file holds the private signing key; a token signed with it verifies against the IdP JWKS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-idp-key-'));
    const idp = await startDevIdp({ port: 0, quiet: true, stateFile: join(dir, 'idp.json'), signingAlg: 'ES256' });
    try {
      const { signingKey } = JSON.parse(readFileSync(join(dir, 'idp.json'), 'utf8')) as { signingKey: JWK & { alg: string; kid: string } };
      const token = await new SignJWT({ events: { [EVENT]: {} }, sid: 'test-sid' })
        .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: 'logout+jwt' })
        .setIssuer(idp.issuer)
        .setAudience(CLIENT_ID)
        .setSubject('test-sub')
        .setIssuedAt()
        .setExpirationTime('2m')
        .setJti('test-jti')
        .sign(await importJWK(signingKey, signingKey.alg));
      const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: CLIENT_ID, typ: 'logout+jwt' });
      expect(payload.sid).toBe('test-sid');
    } finally {
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
