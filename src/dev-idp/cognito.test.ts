import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CookieJar } from './CookieJar.js';
import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { subjectForUsername } from './subjectForUsername.js';
import {
  alice,
  bob,
  CLIENT_ID,
  formAction,
  postPage,
  REDIRECT_URI,
  refresh,
  sortedKeys,
  startAuthorization,
  userInfo,
  verifyJwt,
} from './__tests__/helpers.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true });
});
afterAll(async () => {
  await idp.close();
});

describe('discovery and keys', () => {
  it('serves Cognito hosted-UI paths and no end_session_endpoint', async () => {
    expect(idp.issuer).toBe(`http://127.0.0.1:${idp.port}`);
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.authorization_endpoint).toBe(`${idp.issuer}/oauth2/authorize`);
    expect(discovery.token_endpoint).toBe(`${idp.issuer}/oauth2/token`);
    expect(discovery.revocation_endpoint).toBe(`${idp.issuer}/oauth2/revoke`);
    expect(discovery.userinfo_endpoint).toBe(`${idp.issuer}/oauth2/userInfo`);
    expect(discovery.jwks_uri).toBe(`${idp.issuer}/.well-known/jwks.json`);
    expect(discovery).not.toHaveProperty('end_session_endpoint');
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('publishes one RS256 public key with a kid', async () => {
    const { keys } = (await (await fetch(`${idp.issuer}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(typeof keys[0]?.kid).toBe('string');
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('answers /dev/health', async () => {
    const response = await fetch(`${idp.issuer}/dev/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });
});

describe('tokens (cognito mode)', () => {
  it('issues an ID token with exactly the Cognito claims', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer, { nonce: 'nonce-123' }));
    const { payload, kid } = await verifyJwt(idp.issuer, tokens.idToken);
    const { keys } = (await (await fetch(`${idp.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(kid).toBe(keys[0]?.kid);
    expect(sortedKeys(payload)).toEqual(
      ['aud', 'auth_time', 'cognito:groups', 'cognito:username', 'email', 'email_verified', 'exp', 'iat', 'iss', 'name', 'nonce', 'origin_jti', 'sub', 'token_use'].sort(),
    );
    expect(payload).toMatchObject({
      token_use: 'id',
      'cognito:username': 'alice@example.com',
      'cognito:groups': ['ADMINS'],
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      nonce: 'nonce-123',
      aud: CLIENT_ID,
      iss: idp.issuer,
      sub: subjectForUsername('alice@example.com'),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBe(3600);
    expect(typeof tokens.refreshToken).toBe('string');
  });

  it('issues a JWT access token with exactly the Cognito claims', async () => {
    const tokens = await signInWithPassword(alice(idp.issuer));
    const { payload, kid } = await verifyJwt(idp.issuer, tokens.accessToken, 'at+jwt');
    expect(kid).toBe(decodeProtectedHeader(tokens.idToken).kid);
    expect(sortedKeys(payload)).toEqual(
      ['aud', 'auth_time', 'client_id', 'cognito:groups', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username'].sort(),
    );
    expect(payload).toMatchObject({
      token_use: 'access',
      client_id: CLIENT_ID,
      aud: CLIENT_ID,
      username: 'alice@example.com',
      scope: 'openid email profile',
      'cognito:groups': ['ADMINS'],
      sub: subjectForUsername('alice@example.com'),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("ties the ID and access tokens of one sign-in with Cognito's origin_jti, kept across refreshes; a new sign-in gets another", async () => {
    const first = await signInWithPassword(alice(idp.issuer));
    const id = (await verifyJwt(idp.issuer, first.idToken)).payload;
    const access = (await verifyJwt(idp.issuer, first.accessToken, 'at+jwt')).payload;
    expect(id.origin_jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(access.origin_jti).toBe(id.origin_jti);
    expect(access.iat).toBe(id.iat);
    expect(access.auth_time).toBe(id.auth_time);
    const refreshed = await refresh(idp.issuer, first.refreshToken!);
    expect((await verifyJwt(idp.issuer, refreshed.body.id_token as string)).payload.origin_jti).toBe(id.origin_jti);
    expect((await verifyJwt(idp.issuer, refreshed.body.access_token as string, 'at+jwt')).payload.origin_jti).toBe(id.origin_jti);
    const second = await signInWithPassword(alice(idp.issuer));
    expect((await verifyJwt(idp.issuer, second.idToken)).payload.origin_jti).not.toBe(id.origin_jti);
  });

  it('leaves cognito:groups out for a user without groups', async () => {
    const tokens = await signInWithPassword(bob(idp.issuer));
    const id = await verifyJwt(idp.issuer, tokens.idToken);
    const access = await verifyJwt(idp.issuer, tokens.accessToken, 'at+jwt');
    expect(id.payload).not.toHaveProperty('cognito:groups');
    expect(access.payload).not.toHaveProperty('cognito:groups');
    expect(id.payload['cognito:username']).toBe('bob@example.com');
    expect(id.payload.name).toBe('Bob Example');
  });

  it('gives the same sub on every start', async () => {
    const other = await startDevIdp({ port: 0, quiet: true });
    try {
      const a = await verifyJwt(other.issuer, (await signInWithPassword(alice(other.issuer))).idToken);
      expect(a.payload.sub).toBe(subjectForUsername('alice@example.com'));
      expect(a.payload.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      await other.close();
    }
  });
});

describe('confidential clients', () => {
  it('signs in with client_secret_basic and refuses the token endpoint without the secret', async () => {
    const confidential = await startDevIdp({
      port: 0,
      quiet: true,
      clients: [{ clientId: 'server-app', clientSecret: 's3cret', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] }],
    });
    try {
      const options = alice(confidential.issuer, { clientId: 'server-app', clientSecret: 's3cret' });
      const tokens = await signInWithPassword(options);
      const { payload } = await jwtVerify(tokens.accessToken, createRemoteJWKSet(new URL(`${confidential.issuer}/.well-known/jwks.json`)), {
        issuer: confidential.issuer,
        audience: 'server-app',
      });
      expect(payload.client_id).toBe('server-app');
      const withoutSecret = await refresh(confidential.issuer, tokens.refreshToken!, 'server-app');
      expect(withoutSecret.status).toBe(401);
      expect(withoutSecret.body.error).toBe('invalid_client');
      await expect(signInWithPassword({ ...options, clientSecret: 'wrong' })).rejects.toThrow(/invalid_client/);
    } finally {
      await confidential.close();
    }
  });
});

describe('hosted login page', () => {
  it('renders a labelled form and rejects a wrong password with 401 on the IdP', async () => {
    const jar = new CookieJar();
    const { response, url } = await startAuthorization(jar, idp.issuer);
    expect(response.status).toBe(200);
    expect(url.pathname).toMatch(/^\/login\/[\w-]+$/);
    const html = await response.text();
    expect(html).toContain('<label for="username">Email</label>');
    expect(html).toMatch(/<input id="username" name="username" type="email" autocomplete="username"/);
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input id="password" name="password" type="password"/);
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toMatch(/<a href="\/login\/[\w-]+\/signup">Sign up<\/a>/);
    expect(html).toMatch(/<title>[^<]*development IdP<\/title>/);

    const action = new URL(formAction(html), url);
    const wrong = await postPage(jar, action, { username: '<b>alice@example.com</b>', password: 'nope' });
    expect(wrong.response.status).toBe(401);
    expect(wrong.response.headers.get('location')).toBeNull();
    const page = await wrong.response.text();
    expect(page).toContain('Incorrect username or password.');
    expect(page).toContain('value="&lt;b&gt;alice@example.com&lt;/b&gt;"');
    expect(page).not.toContain('<b>alice@example.com</b>');

    // The same interaction still accepts the right password afterwards.
    const right = await postPage(jar, action, { username: 'alice@example.com', password: 'alice-password' });
    expect(right.callback?.searchParams.get('code')).toBeTruthy();
    expect(right.callback?.searchParams.get('iss')).toBe(idp.issuer);
  });

  it('makes signInWithPassword fail with the IdP message on a wrong password', async () => {
    await expect(signInWithPassword(alice(idp.issuer, { password: 'wrong-password' }))).rejects.toThrow(
      /Incorrect username or password\./,
    );
    await expect(signInWithPassword(alice(idp.issuer, { username: 'nobody@example.com' }))).rejects.toThrow(
      /Incorrect username or password\./,
    );
  });

  it('rejects an authorization request without PKCE for the public client', async () => {
    const jar = new CookieJar();
    const { callback } = await startAuthorization(jar, idp.issuer, { code_challenge: '', code_challenge_method: '' });
    expect(callback?.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('/oauth2/userInfo', () => {
  it('returns the Cognito attributes for a valid access token', async () => {
    const { accessToken } = await signInWithPassword(alice(idp.issuer));
    const response = await userInfo(idp.issuer, accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sub: subjectForUsername('alice@example.com'),
      username: 'alice@example.com',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      'cognito:groups': ['ADMINS'],
    });
  });

  it('answers 401 invalid_token without a token, with a tampered one, and with an ID token', async () => {
    const { accessToken, idToken } = await signInWithPassword(bob(idp.issuer));
    const [header, payload, signature] = accessToken.split('.');
    const forged = Buffer.from(payload ?? '', 'base64url').toString('utf8').replace('bob@example.com', 'eve@example.com');
    const tampered = `${header}.${Buffer.from(forged).toString('base64url')}.${signature}`;
    for (const token of [undefined, tampered, idToken, 'not-a-jwt']) {
      const response = await userInfo(idp.issuer, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="the access token is invalid"');
      expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'the access token is invalid' });
    }
  });
});

describe('stats', () => {
  it('counts token calls by grant type, over the API and over HTTP', async () => {
    idp.resetStats();
    const { refreshToken } = await signInWithPassword(alice(idp.issuer));
    await fetch(`${idp.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken ?? '', client_id: CLIENT_ID }),
    });
    const stats = idp.stats();
    expect(stats.tokenCalls).toEqual({ authorization_code: 1, refresh_token: 1, total: 2 });
    expect(Object.values(stats.refreshCallsByGrant)).toEqual([1]);
    expect(await (await fetch(`${idp.issuer}/dev/stats`)).json()).toEqual(stats);

    const reset = await fetch(`${idp.issuer}/dev/stats/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(idp.stats()).toEqual({
      tokenCalls: { authorization_code: 0, refresh_token: 0, total: 0 },
      refreshCallsByGrant: {},
      revocations: 0,
      logouts: 0,
      jwksFetches: 0,
      backchannelLogouts: { delivered: 0, failed: 0 },
      identityCalls: { GetId: 0, GetCredentialsForIdentity: 0 },
    });
  });
});

describe('start-up checks', () => {
  it.each(['0.0.0.0', '192.168.1.10', 'example.com', '::'])('refuses to bind to non-loopback host %s', async (host) => {
    await expect(startDevIdp({ port: 0, host, quiet: true })).rejects.toThrow(/not a loopback address/);
  });

  it('binds to ::1 with a bracketed issuer', async () => {
    const v6 = await startDevIdp({ port: 0, host: '::1', quiet: true });
    try {
      expect(v6.issuer).toBe(`http://[::1]:${v6.port}`);
      expect((await fetch(`${v6.issuer}/dev/health`)).status).toBe(200);
    } finally {
      await v6.close();
    }
  });

  it('rejects bad lifetimes and users', async () => {
    await expect(startDevIdp({ port: 0, quiet: true, accessTokenTtl: 1.5 })).rejects.toThrow(/accessTokenTtl/);
    await expect(startDevIdp({ port: 0, quiet: true, users: [{ username: 'x@example.com' }] })).rejects.toThrow(/password/);
    await expect(startDevIdp({ port: 0, quiet: true, users: '/nonexistent/users.json' })).rejects.toThrow(/cannot read users file/);
  });
});
