import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSetCookie } from 'cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, expiredNames, setNames } from '../cookies/__tests__/CookieJar.js';
import { NextRequest, NextResponse } from 'next/server.js';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextMiddleware } from '../cookies/createCookieStoreFromNextMiddleware.js';
import { createCookieStoreFromPagesRouter } from '../cookies/createCookieStoreFromPagesRouter.js';
import type { CookieStore } from '../cookies/CookieStore.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { devIdpVerifier } from '../dev-idp/__tests__/helpers.js';
import { isAuthError } from '../errors/AuthError.js';
import { createTokenVerifier } from '../tokens/createTokenVerifier.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import { createAmplifyCodec } from './createAmplifyCodec.js';
import type { SessionCodec } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'amplify-codec-client';
const OTHER_CLIENT_ID = 'amplify-other-client';
const P = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
const YEAR = 365 * 86400;

const USERS = [
  { username: 'alice@example.com', password: 'alice-password', name: 'Alice Example', groups: ['ADMINS'] },
  { username: 'bob@example.com', password: 'bob-password', name: 'Bob Example' },
  { username: 'bob+test@example.com', password: 'bob-test-password' },
  { username: 'carol smith', password: 'carol-password', email: 'carol@example.com' },
];

// js-cookie 3.0.8 (what @aws-amplify/core's CookieStorage calls), restated as a test oracle:
// names: encodeURIComponent, then un-escape # $ & + ^ ` |, then escape ( ); values: encodeURIComponent,
// then un-escape # $ & + / : < = > ? @ [ ] ^ ` { | }.
const jsCookieName = (name: string): string =>
  encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, (s) => decodeURIComponent(s))
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29');
const jsCookieValue = (value: string): string =>
  encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, (s) => decodeURIComponent(s));

let idp: DevIdp;
let verifier: TokenVerifier;
let codec: SessionCodec;
const tokens: Record<string, TokenSet> = {};
let aliceOtherClient: TokenSet;

async function signIn(username: string, password: string, clientId = CLIENT_ID): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId, redirectUri: `${ORIGIN}/api/auth/sign-in-callback`, username, password });
  return { idToken: t.idToken, accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) };
}

function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

/** The cookies Amplify's TokenStore.storeTokens writes through js-cookie after a sign-in, as [wire name, wire value]. */
function amplifyBrowserCookies(username: string, t: TokenSet, clientId = CLIENT_ID): Array<[string, string]> {
  const prefix = `CognitoIdentityServiceProvider.${clientId}`;
  const entries: Array<[string, string]> = [
    [`${prefix}.LastAuthUser`, username],
    [`${prefix}.${username}.accessToken`, t.accessToken],
    [`${prefix}.${username}.idToken`, t.idToken],
    [`${prefix}.${username}.refreshToken`, t.refreshToken!],
    [`${prefix}.${username}.signInDetails`, JSON.stringify({ loginId: username, authFlowType: 'USER_SRP_AUTH' })],
    [`${prefix}.${username}.clockDrift`, '0'],
  ];
  return entries.map(([name, value]) => [jsCookieName(name), jsCookieValue(value)]);
}

function header(cookies: Array<[string, string]>): string {
  return cookies.map(([name, value]) => `${name}=${value}`).join('; ');
}

function storeFor(cookie: string): { store: CookieStore; response: Response } {
  const response = new Response(null);
  const store = createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: cookie ? { cookie } : {} }), response);
  return { store, response };
}

async function readHeader(cookie: string, c: SessionCodec = codec) {
  return c.read(storeFor(cookie).store);
}

function tamperSignature(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  // Change a middle character: the last one may carry only padding bits.
  const i = Math.floor(s.length / 2);
  return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
}

function withPayload(jwt: string, patch: Record<string, unknown>): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const claims = { ...(JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>), ...patch };
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

function unsigned(jwt: string): string {
  const [, p] = jwt.split('.') as [string, string];
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
}

beforeAll(async () => {
  const client = (clientId: string) => ({
    clientId,
    redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`],
    postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`],
  });
  idp = await startDevIdp({ port: 0, quiet: true, users: USERS, clients: [client(CLIENT_ID), client(OTHER_CLIENT_ID)] });
  verifier = devIdpVerifier(idp.issuer, CLIENT_ID, 30);
  codec = createAmplifyCodec({ clientId: CLIENT_ID, verifier, cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: YEAR } });
  const signedIn = await Promise.all(USERS.map((u) => signIn(u.username, u.password)));
  USERS.forEach((u, i) => (tokens[u.username] = signedIn[i]!));
  aliceOtherClient = await signIn('alice@example.com', 'alice-password', OTHER_CLIENT_ID);
});

afterAll(async () => {
  await idp?.close();
});

describe('amplify codec: reads what Amplify JS v6 (ssr: true) wrote in the browser', () => {
  it('builds the exact js-cookie names and values for @, + and space', () => {
    const alice = header(amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!));
    expect(alice).toContain(`${P}.LastAuthUser=alice@example.com; `);
    expect(alice).toContain(`${P}.alice%40example.com.accessToken=${tokens['alice@example.com']!.accessToken}; `);
    expect(alice).toContain(`${P}.alice%40example.com.idToken=${tokens['alice@example.com']!.idToken}; `);
    expect(alice).toContain(`${P}.alice%40example.com.refreshToken=${tokens['alice@example.com']!.refreshToken}; `);
    expect(alice).toContain(`${P}.alice%40example.com.signInDetails={%22loginId%22:%22alice@example.com%22%2C%22authFlowType%22:%22USER_SRP_AUTH%22}; `);
    expect(alice).toContain(`${P}.alice%40example.com.clockDrift=0`);
    const bob = header(amplifyBrowserCookies('bob+test@example.com', tokens['bob+test@example.com']!));
    expect(bob).toContain(`${P}.LastAuthUser=bob+test@example.com; `);
    expect(bob).toContain(`${P}.bob+test%40example.com.idToken=`);
    const carol = header(amplifyBrowserCookies('carol smith', tokens['carol smith']!));
    expect(carol).toContain(`${P}.LastAuthUser=carol%20smith; `);
    expect(carol).toContain(`${P}.carol%20smith.accessToken=`);
  });

  it.each(USERS.map((u) => u.username))('reads %s as that user, tokens and all', async (username) => {
    const t = tokens[username]!;
    const cookies = [['theme', 'dark'] as [string, string], ...amplifyBrowserCookies(username, t), ['other', 'x%40y'] as [string, string]];
    const session = await readHeader(header(cookies));
    expect(session).toBeDefined();
    expect(session!.tokens).toEqual(t);
    expect(session!.accessToken.payload.username).toBe(username);
    expect(session!.idToken.payload['cognito:username']).toBe(username);
    expect(session!.idToken.payload.sub).toBe(payload(t.idToken).sub);
    expect(session!.expiresAt).toBe((payload(t.accessToken).exp as number) * 1000);
  });

  it('picks the LastAuthUser among several users and ignores another client', async () => {
    const cookie = header([
      ...amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!, OTHER_CLIENT_ID),
      ...amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!).filter(([n]) => !n.endsWith('LastAuthUser')),
      ...amplifyBrowserCookies('bob+test@example.com', tokens['bob+test@example.com']!),
    ]);
    const session = await readHeader(cookie);
    expect(session?.accessToken.payload.username).toBe('bob+test@example.com');
  });

  it('reads token cookies whose names an older adapter left unencoded or fully encoded', async () => {
    const t = tokens['bob+test@example.com']!;
    const raw = header([
      [`${P}.LastAuthUser`, 'bob+test@example.com'],
      [`${P}.bob+test@example.com.idToken`, t.idToken],
      [`${P}.bob%2Btest%40example.com.accessToken`, t.accessToken],
    ]);
    const session = await readHeader(raw);
    expect(session?.tokens).toEqual({ idToken: t.idToken, accessToken: t.accessToken });
  });

  it('prefers the canonical name when a stale variant of the same cookie is also present', async () => {
    const alice = tokens['alice@example.com']!;
    const bob = tokens['bob@example.com']!;
    const cookie = header([
      [`${P}.LastAuthUser`, 'alice@example.com'],
      [`${P}.alice@example.com.idToken`, bob.idToken],
      [`${P}.alice%40example.com.idToken`, alice.idToken],
      [`${P}.alice%40example.com.accessToken`, alice.accessToken],
    ]);
    expect((await readHeader(cookie))?.tokens.idToken).toBe(alice.idToken);
  });

  it('reads a session without a refresh token (Amplify implicit flow) and tokens past their expiry (the caller refreshes)', async () => {
    const short = await startDevIdp({ port: 0, quiet: true, accessTokenTtl: 1, users: USERS.slice(0, 1), clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [] }] });
    try {
      const t = await signInWithPassword({ issuer: short.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
      const shortCodec = createAmplifyCodec({
        clientId: CLIENT_ID,
        verifier: devIdpVerifier(short.issuer, CLIENT_ID, 0),
        cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: YEAR },
      });
      const expiresAt = (payload(t.accessToken).exp as number) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1100));
      const cookie = header(amplifyBrowserCookies('alice@example.com', { idToken: t.idToken, accessToken: t.accessToken, refreshToken: '' }).filter(([n]) => !n.endsWith('.refreshToken')));
      const session = await readHeader(cookie, shortCodec);
      expect(session?.tokens).toEqual({ idToken: t.idToken, accessToken: t.accessToken });
      expect(session!.expiresAt).toBeLessThan(Date.now());
    } finally {
      await short.close();
    }
  });
});

describe('amplify codec: write', () => {
  it('writes LastAuthUser and the three token cookies under exact names, Amplify attributes, not httpOnly', async () => {
    const t = tokens['alice@example.com']!;
    const { store, response } = storeFor('');
    const session = await codec.write(store, t);
    expect(session.tokens).toEqual(t);
    const lines = response.headers.getSetCookie();
    expect(setNames(lines)).toEqual(
      [`${P}.LastAuthUser`, `${P}.alice%40example.com.accessToken`, `${P}.alice%40example.com.idToken`, `${P}.alice%40example.com.refreshToken`].sort(),
    );
    expect(expiredNames(lines)).toEqual([]);
    for (const line of lines) {
      const c = parseSetCookie(line);
      expect(c).toMatchObject({ path: '/', secure: true, sameSite: 'lax', maxAge: YEAR });
      expect(c.httpOnly).toBeUndefined();
      expect(c.domain).toBeUndefined();
    }
    const byName = Object.fromEntries(lines.map((l) => parseSetCookie(l)).map((c) => [c.name, c.value]));
    expect(byName[`${P}.LastAuthUser`]).toBe('alice@example.com');
    expect(byName[`${P}.alice%40example.com.idToken`]).toBe(t.idToken);
    // js-cookie's reader finds every cookie under Amplify's own key.
    for (const name of Object.keys(byName)) expect(decodeURIComponent(name)).toMatch(/^CognitoIdentityServiceProvider\.amplify-codec-client\.(LastAuthUser|alice@example\.com\.(idToken|accessToken|refreshToken))$/);
  });

  it.each(USERS.map((u) => u.username))('round-trips %s through a browser cookie jar', async (username) => {
    const t = tokens[username]!;
    const { store, response } = storeFor('');
    await codec.write(store, t);
    const jar = new CookieJar();
    jar.apply(response.headers.getSetCookie());
    const key = jsCookieName(username);
    expect(jar.names()).toEqual([`${P}.${key}.accessToken`, `${P}.${key}.idToken`, `${P}.${key}.refreshToken`, `${P}.LastAuthUser`].sort());
    const session = await readHeader(jar.header());
    expect(session?.tokens).toEqual(t);
    expect(session?.accessToken.payload.username).toBe(username);
    // Read-your-writes through the same store too.
    expect((await codec.read(store))?.tokens).toEqual(t);
  });

  it('sets HttpOnly, Domain and SameSite when configured', async () => {
    const c = createAmplifyCodec({ clientId: CLIENT_ID, verifier, cookieOptions: { httpOnly: true, secure: false, sameSite: 'strict', domain: 'example.com', path: '/', maxAge: 60 } });
    const { store, response } = storeFor('');
    await c.write(store, tokens['bob@example.com']!);
    for (const line of response.headers.getSetCookie()) {
      expect(parseSetCookie(line)).toMatchObject({ httpOnly: true, sameSite: 'strict', domain: 'example.com', path: '/', maxAge: 60 });
      expect(parseSetCookie(line).secure).toBeUndefined();
    }
  });

  it("deletes a previous LastAuthUser's session cookies (every name variant) and keeps its device keys", async () => {
    const alice = amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!);
    const cookie = header([
      ...alice,
      [`${P}.alice@example.com.idToken`, 'stale'], // raw `@` leftover of adapter-nextjs 1.6: expired by its exact name
      [`${P}.alice%40example.com.deviceKey`, 'dk'],
      [`${P}.alice%40example.com.oauthMetadata`, jsCookieValue('{"oauthSignIn":true}')],
    ]);
    const { store, response } = storeFor(cookie);
    await codec.write(store, tokens['bob+test@example.com']!);
    const lines = response.headers.getSetCookie();
    const a = `${P}.alice%40example.com`;
    expect(expiredNames(lines)).toEqual(
      [`${a}.accessToken`, `${a}.idToken`, `${P}.alice@example.com.idToken`, `${a}.refreshToken`, `${a}.signInDetails`, `${a}.clockDrift`, `${a}.oauthMetadata`].sort(),
    );
    const b = `${P}.bob+test%40example.com`;
    expect(setNames(lines)).toEqual([`${P}.LastAuthUser`, `${b}.accessToken`, `${b}.idToken`, `${b}.refreshToken`].sort());
    const jar = new CookieJar(Object.fromEntries(cookie.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])));
    jar.apply(lines);
    expect((await readHeader(jar.header()))?.accessToken.payload.username).toBe('bob+test@example.com');
  });

  it('replaces a non-canonical variant of a name it writes and drops a refresh token the new set lacks', async () => {
    const t = tokens['bob+test@example.com']!;
    const cookie = header([
      [`${P}.LastAuthUser`, 'bob+test@example.com'],
      [`${P}.bob%2Btest%40example.com.idToken`, t.idToken],
      [`${P}.bob+test%40example.com.accessToken`, t.accessToken],
      [`${P}.bob+test%40example.com.refreshToken`, t.refreshToken!],
    ]);
    const { store, response } = storeFor(cookie);
    await codec.write(store, { idToken: t.idToken, accessToken: t.accessToken });
    const lines = response.headers.getSetCookie();
    expect(expiredNames(lines)).toEqual([`${P}.bob%2Btest%40example.com.idToken`, `${P}.bob+test%40example.com.refreshToken`].sort());
    expect(setNames(lines)).toEqual([`${P}.LastAuthUser`, `${P}.bob+test%40example.com.accessToken`, `${P}.bob+test%40example.com.idToken`].sort());
    expect((await codec.read(store))?.tokens).toEqual({ idToken: t.idToken, accessToken: t.accessToken });
  });

  it('refuses a token over the browser cookie limit before writing anything', async () => {
    const t = tokens['alice@example.com']!;
    const big = withPayload(t.idToken, { padding: 'x'.repeat(4000) });
    const { store, response } = storeFor(header(amplifyBrowserCookies('bob@example.com', tokens['bob@example.com']!)));
    let error: unknown;
    try {
      await codec.write(store, { ...t, idToken: big });
    } catch (err) {
      error = err;
    }
    expect(isAuthError(error, 'InvalidConfig')).toBe(true);
    expect((error as Error).message).toMatch(/idToken.*4096-byte/);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('amplify codec: clear', () => {
  it('expires every Amplify cookie of this client for every username present, and nothing else', () => {
    const perUser = ['accessToken', 'idToken', 'refreshToken', 'clockDrift', 'signInDetails', 'deviceKey', 'randomPasswordKey', 'deviceGroupKey', 'oauthMetadata', 'oidcProvider'];
    const cookies: Array<[string, string]> = [
      ['theme', 'dark'],
      [`${P}.LastAuthUser`, 'bob+test@example.com'],
      [`${P}.AuthUserList`, jsCookieValue('bob+test@example.com,alice@example.com')],
      ...perUser.map((k): [string, string] => [`${P}.alice%40example.com.${k}`, 'v']),
      ...perUser.map((k): [string, string] => [`${P}.bob+test%40example.com.${k}`, 'v']),
      [`${P}.bob%2Btest%40example.com.idToken`, 'v'],
      [`${P}.carol%20smith.deviceKey`, 'v'],
      [`CognitoIdentityServiceProvider.${OTHER_CLIENT_ID}.LastAuthUser`, 'alice@example.com'],
      [`CognitoIdentityServiceProvider.${OTHER_CLIENT_ID}.alice%40example.com.idToken`, 'v'],
      [`${P}.alice%40example.com.unrelated`, 'v'],
      [`${P}.idToken`, 'v'], // no username segment: not an Amplify key
    ];
    const { store, response } = storeFor(header(cookies));
    codec.clear(store);
    const lines = response.headers.getSetCookie();
    expect(expiredNames(lines)).toEqual(
      [
        `${P}.LastAuthUser`,
        `${P}.AuthUserList`,
        ...perUser.map((k) => `${P}.alice%40example.com.${k}`),
        ...perUser.map((k) => `${P}.bob+test%40example.com.${k}`),
        `${P}.bob%2Btest%40example.com.idToken`,
        `${P}.carol%20smith.deviceKey`,
      ].sort(),
    );
    expect(setNames(lines)).toEqual([]);
    for (const line of lines) expect(parseSetCookie(line)).toMatchObject({ path: '/', maxAge: 0 });
  });

  it('clears a session written through the same store, so a read sees no one', async () => {
    const { store, response } = storeFor(header(amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!)));
    await codec.write(store, tokens['carol smith']!);
    codec.clear(store);
    expect(await codec.read(store)).toBeUndefined();
    const jar = new CookieJar();
    jar.apply(response.headers.getSetCookie());
    expect(jar.names()).toEqual([]);
  });

  it('uses the configured domain so the browser drops the right cookies', () => {
    const c = createAmplifyCodec({ clientId: CLIENT_ID, verifier, cookieOptions: { secure: true, sameSite: 'lax', domain: 'example.com', path: '/', maxAge: YEAR } });
    const { store, response } = storeFor(`${P}.LastAuthUser=x`);
    c.clear(store);
    expect(parseSetCookie(response.headers.getSetCookie()[0]!)).toMatchObject({ name: `${P}.LastAuthUser`, domain: 'example.com', path: '/', maxAge: 0 });
  });
});

describe('amplify codec: anything tampered, foreign or incomplete reads as signed out', () => {
  const aliceWith = (patch: Partial<TokenSet>): string => header(amplifyBrowserCookies('alice@example.com', { ...tokens['alice@example.com']!, ...patch }));

  it('reads the untampered fixture (control)', async () => {
    expect(await readHeader(aliceWith({}))).toBeDefined();
  });

  it('one character changed in a signature', async () => {
    const t = tokens['alice@example.com']!;
    expect(await readHeader(aliceWith({ idToken: tamperSignature(t.idToken) }))).toBeUndefined();
    expect(await readHeader(aliceWith({ accessToken: tamperSignature(t.accessToken) }))).toBeUndefined();
  });

  it("a payload swapped to another user's sub", async () => {
    const t = tokens['alice@example.com']!;
    const bobSub = payload(tokens['bob@example.com']!.idToken).sub;
    expect(await readHeader(aliceWith({ idToken: withPayload(t.idToken, { sub: bobSub }), accessToken: withPayload(t.accessToken, { sub: bobSub }) }))).toBeUndefined();
  });

  it('validly signed tokens of two different users', async () => {
    expect(await readHeader(aliceWith({ accessToken: tokens['bob@example.com']!.accessToken }))).toBeUndefined();
  });

  it('an ID token (or the whole set) issued to another client', async () => {
    expect(await readHeader(aliceWith({ idToken: aliceOtherClient.idToken }))).toBeUndefined();
    expect(await readHeader(aliceWith({ accessToken: aliceOtherClient.accessToken }))).toBeUndefined();
    expect(await readHeader(aliceWith(aliceOtherClient))).toBeUndefined();
  });

  it('alg: none', async () => {
    const t = tokens['alice@example.com']!;
    expect(await readHeader(aliceWith({ idToken: unsigned(t.idToken) }))).toBeUndefined();
    expect(await readHeader(aliceWith({ accessToken: unsigned(t.accessToken) }))).toBeUndefined();
  });

  it('tokens in swapped slots, and garbage', async () => {
    const t = tokens['alice@example.com']!;
    expect(await readHeader(aliceWith({ idToken: t.accessToken, accessToken: t.idToken }))).toBeUndefined();
    expect(await readHeader(aliceWith({ idToken: 'not-a-jwt' }))).toBeUndefined();
    expect(await readHeader(aliceWith({ accessToken: '%E0%A4%A' }))).toBeUndefined();
  });

  it('LastAuthUser pointing to a user whose token cookies are missing', async () => {
    const alice = amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!);
    const lastAuthUser = `${P}.LastAuthUser`;
    expect(await readHeader(header([[lastAuthUser, 'bob@example.com'], ...alice.filter(([n]) => n !== lastAuthUser)]))).toBeUndefined();
    expect(await readHeader(header(alice.filter(([n]) => !n.endsWith('.idToken'))))).toBeUndefined();
    expect(await readHeader(header(alice.filter(([n]) => !n.endsWith('.accessToken'))))).toBeUndefined();
    expect(await readHeader(header([[lastAuthUser, ''], ...alice.filter(([n]) => n !== lastAuthUser)]))).toBeUndefined();
    expect(await readHeader(header(alice.filter(([n]) => n !== lastAuthUser)))).toBeUndefined();
    expect(await readHeader('')).toBeUndefined();
  });

  it('never throws when the IdP keys cannot be fetched', async () => {
    const offline = createAmplifyCodec({
      clientId: CLIENT_ID,
      verifier: createTokenVerifier({ issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito', jwksUri: () => Promise.reject(new Error('down')), algorithms: ['RS256'], clockSkew: 30, timeoutMs: 100 }),
      cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: YEAR },
    });
    expect(await readHeader(aliceWith({}), offline)).toBeUndefined();
  });
});

describe('amplify codec: attacks on a layout nobody sealed', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('expired ID token beside a fresh access token does not authorise: the session ends at the ID token exp', async () => {
    const short = await startDevIdp({ port: 0, quiet: true, accessTokenTtl: 3600, idTokenTtl: 1, users: USERS.slice(0, 1), clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [] }] });
    try {
      const t = await signInWithPassword({ issuer: short.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
      const shortCodec = createAmplifyCodec({
        clientId: CLIENT_ID,
        verifier: devIdpVerifier(short.issuer, CLIENT_ID, 0),
        cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: YEAR },
      });
      const session = await readHeader(header(amplifyBrowserCookies('alice@example.com', { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! })), shortCodec);
      // The access token is good for an hour; the ID token (identity, groups) for a second: that second is the session.
      expect((payload(t.accessToken).exp as number) - (payload(t.accessToken).iat as number)).toBe(3600);
      expect(session!.expiresAt).toBe((payload(t.idToken).exp as number) * 1000);
    } finally {
      await short.close();
    }
  });

  it("an ID token of another sign-in of the same user (other origin_jti, auth_time, iat) beside this sign-in's access token reads as signed out", async () => {
    await sleep(1100); // a later second: the two sign-ins differ in iat too
    const later = await signIn('alice@example.com', 'alice-password');
    const earlier = tokens['alice@example.com']!;
    expect(payload(later.idToken).origin_jti).not.toBe(payload(earlier.idToken).origin_jti);
    expect(await readHeader(header(amplifyBrowserCookies('alice@example.com', { ...later, idToken: earlier.idToken })))).toBeUndefined();
    expect(await readHeader(header(amplifyBrowserCookies('alice@example.com', { ...earlier, accessToken: later.accessToken })))).toBeUndefined();
    expect((await readHeader(header(amplifyBrowserCookies('alice@example.com', later))))?.tokens).toEqual(later);
  });

  it('old ID token with ADMINS group beside a new access token of a demoted user reads as signed out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amplify-demote-'));
    const stateFile = join(dir, 'state.json');
    const client = { clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [] };
    const admin = { username: 'dana@example.com', password: 'dana-password', groups: ['ADMINS'] };
    const first = await startDevIdp({ port: 0, quiet: true, stateFile, users: [admin], clients: [client] });
    let old: TokenSet;
    try {
      const t = await signInWithPassword({ issuer: first.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: admin.username, password: admin.password });
      old = { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
    } finally {
      await first.close();
    }
    await sleep(2100); // the refresh comes seconds after the sign-in (any real one minutes), beyond the 1 s issuance tolerance
    // Same keys, grants and issuer; dana is no longer an admin.
    const second = await startDevIdp({ port: first.port, quiet: true, stateFile, users: [{ ...admin, groups: [] }], clients: [client] });
    try {
      const response = await fetch(`${second.issuer}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old.refreshToken!, client_id: CLIENT_ID }),
      });
      const refreshed = (await response.json()) as { id_token: string; access_token: string; refresh_token: string };
      const demotedAccess = refreshed.access_token;
      expect(payload(old.idToken)['cognito:groups']).toEqual(['ADMINS']);
      expect(payload(demotedAccess)).not.toHaveProperty('cognito:groups');
      // Same sign-in: origin_jti and auth_time agree. Only the issuance differs.
      expect(payload(demotedAccess).origin_jti).toBe(payload(old.idToken).origin_jti);
      expect(payload(demotedAccess).auth_time).toBe(payload(old.idToken).auth_time);

      const demotedCodec = createAmplifyCodec({
        clientId: CLIENT_ID,
        verifier: devIdpVerifier(second.issuer, CLIENT_ID, 30),
        cookieOptions: { secure: true, sameSite: 'lax', path: '/', maxAge: YEAR },
      });
      const mixed = { idToken: old.idToken, accessToken: demotedAccess, refreshToken: refreshed.refresh_token };
      expect(await readHeader(header(amplifyBrowserCookies(admin.username, mixed)), demotedCodec)).toBeUndefined();
      // Control: the pair the IdP issued together reads, without the group.
      const current = { idToken: refreshed.id_token, accessToken: demotedAccess, refreshToken: refreshed.refresh_token };
      const session = await readHeader(header(amplifyBrowserCookies(admin.username, current)), demotedCodec);
      expect(session?.tokens).toEqual(current);
      expect(session?.idToken.payload).not.toHaveProperty('cognito:groups');
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('planted duplicate Amplify cookie reads as signed out', async () => {
    const alice = amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!);
    const bob = tokens['bob@example.com']!;
    expect(await readHeader(header(alice))).toBeDefined();
    // A sibling subdomain (Domain=.example.com) or a path-scoped cookie plants a second copy of each name in turn.
    for (const [name, value] of alice.filter(([n]) => /\.(LastAuthUser|idToken|accessToken|refreshToken)$/.test(n))) {
      const planted = name.endsWith('LastAuthUser') ? 'bob@example.com' : name.endsWith('idToken') ? bob.idToken : name.endsWith('accessToken') ? bob.accessToken : 'x';
      expect(await readHeader(header([[name, planted], ...alice])), name).toBeUndefined();
      expect(await readHeader(header([...alice, [name, value]])), name).toBeUndefined();
    }
  });

  it('planted duplicate Amplify cookie reads as signed out in middleware/proxy (NextRequest) and the Pages Router too', async () => {
    const alice = amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!);
    const idName = alice.find(([n]) => n.endsWith('.idToken'))![0];
    const twice = header([...alice, [idName, tokens['alice@example.com']!.idToken]]);
    const middleware = (cookie: string) => createCookieStoreFromNextMiddleware(new NextRequest(`${ORIGIN}/`, { headers: { cookie } }), NextResponse.next());
    const pages = (cookie: string) =>
      createCookieStoreFromPagesRouter({ headers: { cookie } }, { headersSent: false, getHeader: () => undefined, setHeader: () => undefined });
    for (const make of [middleware, pages]) {
      expect(await codec.read(make(header(alice)))).toBeDefined();
      expect(await codec.read(make(twice))).toBeUndefined();
    }
  });

  it('a duplicated cookie the codec does not read (device key, another client) changes nothing', async () => {
    const alice = amplifyBrowserCookies('alice@example.com', tokens['alice@example.com']!);
    const extra: Array<[string, string]> = [
      [`${P}.alice%40example.com.deviceKey`, 'a'],
      [`${P}.alice%40example.com.deviceKey`, 'b'],
      [`CognitoIdentityServiceProvider.${OTHER_CLIENT_ID}.LastAuthUser`, 'x'],
      [`CognitoIdentityServiceProvider.${OTHER_CLIENT_ID}.LastAuthUser`, 'y'],
    ];
    expect((await readHeader(header([...alice, ...extra])))?.tokens).toEqual(tokens['alice@example.com']);
  });

  it('sign-out deletes raw-@ and raw-parenthesis Amplify cookie names', () => {
    const raw = [
      `${P}.LastAuthUser`,
      `${P}.alice@example.com.idToken`, // adapter-nextjs 1.6: raw @
      `${P}.alice@example.com.accessToken`,
      `${P}.user(1)@example.com.refreshToken`, // adapter-nextjs 1.8: raw ( )
      `${P}.user(1)@example.com.clockDrift`,
      `${P}.user%281%29%40example.com.idToken`, // js-cookie's encoding of the same user
    ];
    const { store, response } = storeFor(raw.map((n) => `${n}=v`).join('; '));
    codec.clear(store);
    const lines = response.headers.getSetCookie();
    expect(expiredNames(lines)).toEqual([...raw].sort());
    for (const line of lines) expect(line).toMatch(/^[^=;,\s]+=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax$/);
  });
});
