import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthEvents } from '../config/AuthEvents.js';
import { closedPort } from '../config/__tests__/closedPort.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import { getContextState } from '../context/contextRegistry.js';
import { getCurrentUser } from '../context/getCurrentUser.js';
import { writeSession } from '../context/writeSession.js';
import { sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { createAuthRuntime } from '../createServerRunner.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../oauth/verifyLogoutToken.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import { createAuthRouteHandlersFor } from './createAuthRouteHandlers.js';
import type { AuthRouteHandlers } from './createAuthRouteHandlers.js';
import { BACKCHANNEL_LOGOUT_MAX_BODY } from './handleBackchannelLogout.js';

// The IdP side is the real dev IdP: its signing key (read from its state
// file) signs the logout tokens these tests post, and its own /logout and
// admin sign-out post real ones over loopback HTTP.

const CLIENT_ID = 'bcl-client';
const CLIENT_SECRET = 'bcl-client-secret-bcl-client-secret-0123456789';
const SECRET = 'bcl-app-secret-bcl-app-secret-bcl-app-secret-01';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const BOB = { username: 'bob@example.com', password: 'bob-password' };
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-bcl-'));

let idp: DevIdp;
let idpKey: JWK & { kid: string; alg: string };
let app: Server;
let origin: string;
/** Where the loopback app server sends requests: set by the test that needs it. */
let serve: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;

interface EndCall {
  sub?: string;
  sid?: string;
}

interface Instance {
  runtime: AuthRuntime;
  handlers: AuthRouteHandlers;
  /** Every endSessions call that reached the session directory. */
  ended: EndCall[];
  events: Array<{ name: string; event: unknown }>;
}

/**
 * One app instance. Its session directory is the runtime's own, wrapped to
 * record the calls (what the route asked to end is observable in every
 * codec); `fail` makes it reject as a store outage would.
 */
function instance(options: { store?: AuthStore; fail?: () => unknown; issuer?: string; codec?: 'sealed' | 'server' } = {}): Instance {
  const events: Instance['events'] = [];
  const record = (name: keyof AuthEvents) => (event: unknown) => void events.push({ name, event });
  const built = createAuthRuntime(
    { oidc: { issuer: options.issuer ?? idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, flavor: 'cognito' } },
    {
      secret: SECRET,
      origin,
      ...(options.store ? { store: options.store } : {}),
      ...(options.codec ? { session: { codec: options.codec } } : {}),
      events: { backchannelLogout: record('backchannelLogout'), backchannelLogout_failure: record('backchannelLogout_failure') },
    },
    {},
  );
  const ended: EndCall[] = [];
  const runtime: AuthRuntime = {
    ...built,
    sessions: {
      mode: built.sessions.mode,
      async endSessions(match) {
        ended.push(match);
        const failure = options.fail?.();
        if (failure !== undefined) throw failure;
        await built.sessions.endSessions(match);
      },
    },
  };
  return { runtime, handlers: createAuthRouteHandlersFor(runtime)({}), ended, events };
}

async function signIn(login = ALICE): Promise<{ tokens: TokenSet; sub: string; sid: string }> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${origin}/api/auth/sign-in-callback`, ...login });
  const claims = decodeJwt(t.idToken);
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new Error('the dev IdP issued an ID token without sub or sid');
  return { tokens: { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! }, sub: claims.sub, sid: claims.sid };
}

/** Who the session cookie reads as on `runtime`, or the error code. */
async function whoIs(runtime: AuthRuntime, cookie: string): Promise<string> {
  try {
    return (
      await createRunWithServerContext(runtime)({
        nextServerContext: { request: new Request(`${origin}/me`, { headers: { cookie } }), response: new Response(null) },
        operation: (ctx) => getCurrentUser(ctx),
      })
    ).username;
  } catch (err) {
    return isAuthError(err) ? err.code : 'unexpected error';
  }
}

type Claims = Record<string, unknown>;

/**
 * A logout token as the dev IdP signs them (its private key, kid, alg, typ
 * `logout+jwt`, exp 2 minutes), with `claims` merged over the defaults
 * (`undefined` removes a claim) and `header` over the protected header.
 */
async function logoutToken(claims: Claims = {}, options: { header?: Record<string, unknown>; key?: CryptoKey | Uint8Array; now?: number } = {}): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Claims = {
    iss: idp.issuer,
    aud: CLIENT_ID,
    iat,
    exp: iat + 120,
    jti: crypto.randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sub: 'subject-without-sessions',
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const header = { alg: idpKey.alg, kid: idpKey.kid, typ: 'logout+jwt', ...options.header };
  const key = options.key ?? ((await importJWK(idpKey, idpKey.alg)) as CryptoKey);
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
}

/** A JWT with `alg: none` and an empty signature, as an attacker would hand-write it. */
function unsignedToken(claims: Claims): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'logout+jwt' })}.${part(claims)}.`;
}

async function post(target: Instance, body: BodyInit | null, contentType: string | null = 'application/x-www-form-urlencoded', extra: RequestInit = {}): Promise<Response> {
  const headers = new Headers(extra.headers);
  if (contentType !== null) headers.set('content-type', contentType);
  const request = new Request(`${origin}/api/auth/backchannel-logout`, { method: 'POST', ...extra, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  return target.handlers.POST(request, { params: Promise.resolve({ slug: 'backchannel-logout' }) });
}

const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

/** The refusal every bad request gets: 400 JSON invalid_request (§2.8), no-store, nothing of the token in it. */
async function expectRefused(response: Response, token?: string): Promise<string> {
  const text = await response.text();
  expect(response.status).toBe(400);
  expect(response.headers.get('cache-control')).toContain('no-store');
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body.error).toBe('invalid_request');
  expect(typeof body.error_description).toBe('string');
  if (token) {
    for (const segment of token.split('.').filter((s) => s.length > 8)) expect(text).not.toContain(segment);
  }
  expect(response.headers.getSetCookie()).toEqual([]);
  return body.error_description;
}

/** The attack's token is refused with 400, ends nothing, and the signed-in user still reads as signed in. */
async function expectNothingEnded(target: Instance, response: Response, token?: string): Promise<string> {
  const description = await expectRefused(response, token);
  expect(target.ended).toEqual([]);
  expect(target.events.filter((e) => e.name === 'backchannelLogout')).toEqual([]);
  for (const segment of (token ?? '').split('.').filter((s) => s.length > 8)) expect(JSON.stringify(target.events)).not.toContain(segment);
  return description;
}

beforeAll(async () => {
  app = createServer((req, res) => {
    const handle = serve ?? (async (_q, r) => void r.writeHead(404).end());
    handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const stateFile = join(stateDir, 'idp.json');
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    stateFile,
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${origin}/api/auth/sign-in-callback`],
        postLogoutRedirectUris: [`${origin}/api/auth/sign-out-callback`],
        backchannelLogoutUri: `${origin}/api/auth/backchannel-logout`,
      },
    ],
  });
  idpKey = (JSON.parse(readFileSync(stateFile, 'utf8')) as { signingKey: typeof idpKey }).signingKey;
});

afterAll(async () => {
  app.closeAllConnections();
  app.close();
  await idp.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('back-channel logout: a valid logout token', () => {
  it('ends the sessions of its sub and sid, answers 200 no-store and emits backchannelLogout without the token', async () => {
    const target = instance();
    const { sub, sid } = await signIn();
    const token = await logoutToken({ sub, sid });
    const response = await post(target, form(token));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await response.text()).toBe('');
    expect(target.ended).toEqual([{ sub, sid }]);
    expect(target.events).toEqual([{ name: 'backchannelLogout', event: { sub, sid } }]);
  });

  it('with only sid ends that IdP session only (no sub in the match)', async () => {
    const target = instance();
    const { sid } = await signIn();
    expect((await post(target, form(await logoutToken({ sub: undefined, sid })))).status).toBe(200);
    expect(target.ended).toEqual([{ sid }]);
  });

  it('untyped (no typ header) is accepted: typ is only checked when present', async () => {
    const target = instance();
    const token = await logoutToken({}, { header: { typ: undefined } });
    expect((await post(target, form(token))).status).toBe(200);
    expect(target.ended).toHaveLength(1);
  });

  it('accepts a charset parameter on the form content type', async () => {
    const target = instance();
    expect((await post(target, form(await logoutToken()), 'application/x-www-form-urlencoded; charset=UTF-8')).status).toBe(200);
  });
});

describe('back-channel logout: refused tokens end nothing', () => {
  let target: Instance;
  let cookie: string;
  let sub: string;
  let sid: string;

  beforeAll(async () => {
    const seed = instance();
    const session = await signIn();
    ({ sub, sid } = session);
    cookie = await sealedCookieHeader(seed.runtime, session.tokens);
  });

  /** A fresh instance per attack (its own JWKS cache and replay memory); the signed-in session is read after it. */
  async function attack(token: string, send?: (t: Instance) => Promise<Response>): Promise<string> {
    target = instance();
    const response = await (send ? send(target) : post(target, form(token)));
    const description = await expectNothingEnded(target, response, token);
    expect(await whoIs(target.runtime, cookie)).toBe(ALICE.username);
    return description;
  }

  it('forged: signed with another key under the IdP kid is refused', async () => {
    const { privateKey } = await generateKeyPair(idpKey.alg, { extractable: true });
    expect(await attack(await logoutToken({ sub, sid }, { key: privateKey }))).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
  });

  it('forged: signed with another key under its own kid is refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair(idpKey.alg, { extractable: true });
    const kid = `attacker-${(await exportJWK(publicKey)).n?.slice(0, 8) ?? 'key'}`;
    expect(await attack(await logoutToken({ sub, sid }, { key: privateKey, header: { kid } }))).toMatch(/NO_MATCHING_KEY/);
  });

  it('wrong issuer (the IdP key, another iss) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, iss: 'https://evil.example' }))).toMatch(/CLAIM_VALIDATION_FAILED/);
  });

  it('wrong audience (a logout token for another client) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, aud: 'another-client' }))).toMatch(/CLAIM_VALIDATION_FAILED/);
  });

  it('nonce present (an ID-token-shaped logout token) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, nonce: 'n-0S6_WzA2Mj' }))).toMatch(/nonce/);
  });

  it('an ID token posted as a logout token is refused', async () => {
    const { tokens } = await signIn();
    const why = await attack(tokens.idToken);
    expect(why).toMatch(/typ|events|nonce/);
  });

  it('missing events claim is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, events: undefined }))).toMatch(/events/);
  });

  it('events without the back-channel logout member is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, events: { 'http://schemas.openid.net/event/other': {} } }))).toMatch(/events/);
  });

  it('events whose back-channel logout member is not a JSON object is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: true } }))).toMatch(/events/);
  });

  it('neither sub nor sid (a token that would match everybody) is refused', async () => {
    expect(await attack(await logoutToken({ sub: undefined, sid: undefined }))).toMatch(/neither sub nor sid/);
  });

  it('sub that is not a string is refused', async () => {
    expect(await attack(await logoutToken({ sub: 42, sid }))).toMatch(/sub/);
  });

  it('missing jti (a token that cannot be checked for replay) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, jti: undefined }))).toMatch(/jti/);
  });

  it('expired (exp beyond the clock skew) is refused', async () => {
    const old = Date.now() - 10 * 60_000;
    expect(await attack(await logoutToken({ sub, sid }, { now: old }))).toMatch(/EXPIRED/);
  });

  it('missing exp (required by the final spec) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, exp: undefined }))).toMatch(/CLAIM_VALIDATION_FAILED|exp/);
  });

  it('missing iat is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid, iat: undefined }))).toMatch(/CLAIM_VALIDATION_FAILED|iat/);
  });

  it('issued long ago with a far exp (a stockpiled token) is refused', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3600;
    // exp is an hour ahead: only the iat age bound (jose's maxTokenAge, reported as expired) refuses it.
    expect(await attack(await logoutToken({ sub, sid, iat, exp: iat + 7200 }))).toMatch(/EXPIRED/);
  });

  it('issued in the future beyond the skew is refused', async () => {
    const iat = Math.floor(Date.now() / 1000) + 3600;
    expect(await attack(await logoutToken({ sub, sid, iat, exp: iat + 120 }))).toMatch(/CLAIM_VALIDATION_FAILED|future/);
  });

  it('typed as another kind of JWT (typ at+jwt) is refused', async () => {
    expect(await attack(await logoutToken({ sub, sid }, { header: { typ: 'at+jwt' } }))).toMatch(/typ/);
  });

  it('alg HS256 signed with the client secret is refused', async () => {
    const token = await logoutToken({ sub, sid }, { key: new TextEncoder().encode(CLIENT_SECRET), header: { alg: 'HS256', kid: undefined } });
    expect(await attack(token)).toMatch(/symmetric/);
  });

  it('alg none (unsigned) is refused', async () => {
    const iat = Math.floor(Date.now() / 1000);
    const token = unsignedToken({ iss: idp.issuer, aud: CLIENT_ID, iat, exp: iat + 120, jti: crypto.randomUUID(), events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sub, sid });
    expect(await attack(token)).toMatch(/unsigned/);
  });

  it('garbage in logout_token is refused', async () => {
    expect(await attack('not-a-jwt')).toMatch(/not a signed JWT/);
  });

  it('a JWE (encrypted, five parts) is refused', async () => {
    expect(await attack('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d')).toMatch(/not a signed JWT/);
  });

  it('oversized body (over 16 KB, with a valid token inside) is refused without reading it all', async () => {
    const token = await logoutToken({ sub, sid });
    const body = `${form(token)}&pad=${'x'.repeat(BACKCHANNEL_LOGOUT_MAX_BODY)}`;
    expect(await attack(token, (t) => post(t, body))).toMatch(/16384 bytes/);
  });

  it('oversized streamed body without Content-Length is refused', async () => {
    const token = await logoutToken({ sub, sid });
    const chunk = new TextEncoder().encode(`${form(token)}&pad=${'x'.repeat(4096)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Endless: the route must stop reading by itself.
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    expect(await attack(token, (t) => post(t, stream))).toMatch(/16384 bytes/);
    expect(sent).toBeLessThan(10);
  });

  it('wrong content type (JSON) is refused', async () => {
    const token = await logoutToken({ sub, sid });
    expect(await attack(token, (t) => post(t, JSON.stringify({ logout_token: token }), 'application/json'))).toMatch(/x-www-form-urlencoded/);
  });

  it('no content type is refused', async () => {
    const token = await logoutToken({ sub, sid });
    expect(await attack(token, (t) => post(t, new Blob([form(token)]), null))).toMatch(/x-www-form-urlencoded/);
  });

  it('two logout_token parameters are refused', async () => {
    const token = await logoutToken({ sub, sid });
    const other = await logoutToken({ sub: 'someone-else' });
    expect(await attack(token, (t) => post(t, `${form(token)}&${form(other)}`))).toMatch(/exactly one/);
  });

  it('no logout_token (empty body) is refused', async () => {
    expect(await attack('', (t) => post(t, ''))).toMatch(/exactly one/);
  });

  it('the token in the query string instead of the body is refused', async () => {
    const token = await logoutToken({ sub, sid });
    expect(
      await attack(token, (t) =>
        t.handlers.POST(new Request(`${origin}/api/auth/backchannel-logout?${form(token)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }), {
          params: Promise.resolve({ slug: 'backchannel-logout' }),
        }),
      ),
    ).toMatch(/exactly one/);
  });

  it('GET is 405 with Allow: POST and ends nothing', async () => {
    target = instance();
    const token = await logoutToken({ sub, sid });
    const response = await target.handlers.GET(new Request(`${origin}/api/auth/backchannel-logout?${form(token)}`), { params: Promise.resolve({ slug: 'backchannel-logout' }) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.text()).not.toContain(token.split('.')[2]);
    expect(target.ended).toEqual([]);
    expect(await whoIs(target.runtime, cookie)).toBe(ALICE.username);
  });

  it('every refusal is reported as backchannelLogout_failure with a reason and no token', async () => {
    target = instance();
    const token = await logoutToken({ sub, sid, aud: 'another-client' });
    await expectNothingEnded(target, await post(target, form(token)), token);
    expect(target.events).toEqual([{ name: 'backchannelLogout_failure', event: { reason: 'rejected' } }]);
  });
});

describe('back-channel logout: replay', () => {
  it('replayed jti: the second POST of the same token is refused and ends nothing more', async () => {
    const target = instance();
    const { sub, sid } = await signIn();
    const token = await logoutToken({ sub, sid });
    expect((await post(target, form(token))).status).toBe(200);
    const description = await expectRefused(await post(target, form(token)), token);
    expect(description).toMatch(/already used/);
    expect(target.ended).toEqual([{ sub, sid }]);
    expect(target.events.map((e) => e.event)).toEqual([{ sub, sid }, { reason: 'replayed' }]);
  });

  it('replayed jti with another signature-valid token body is refused (the jti, not the token, is single use)', async () => {
    const target = instance();
    const jti = crypto.randomUUID();
    expect((await post(target, form(await logoutToken({ jti, sub: 'first-user' })))).status).toBe(200);
    await expectRefused(await post(target, form(await logoutToken({ jti, sub: 'second-user' }))));
    expect(target.ended).toEqual([{ sub: 'first-user' }]);
  });

  it('concurrent replays of one token to one instance: exactly one is accepted', async () => {
    const target = instance();
    const token = await logoutToken();
    const statuses = await Promise.all(Array.from({ length: 5 }, () => post(target, form(token)).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 400, 400, 400, 400]);
    expect(target.ended).toHaveLength(1);
  });

  it('the same jti from another issuer value is a different key (jti is unique per issuer only)', async () => {
    // Only one issuer is trusted, so this is about the key: iss + jti, never jti alone.
    const { logoutJtiKey } = await import('../oauth/createLogoutReplayGuard.js');
    expect(await logoutJtiKey('https://a.example', 'same')).not.toBe(await logoutJtiKey('https://b.example', 'same'));
    expect(await logoutJtiKey('https://a.example', 'same')).toMatch(/^bcl:[A-Za-z0-9_-]{43}$/);
  });
});

describe('back-channel logout: failures on our side are 503, never 500', () => {
  it('store unavailable while ending sessions: 503 with Retry-After, and the IdP retry of the same token is accepted', async () => {
    let down = true;
    const target = instance({ fail: () => (down ? new AuthError('StoreUnavailable', 'store down') : undefined) });
    const token = await logoutToken({ sid: 'sid-during-outage', sub: undefined });
    const first = await post(target, form(token));
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('5');
    expect(first.headers.get('cache-control')).toContain('no-store');
    expect(await first.text()).not.toContain(token.split('.')[2]);
    expect(target.events.map((e) => e.event)).toEqual([{ reason: 'unavailable' }]);
    down = false;
    expect((await post(target, form(token))).status).toBe(200);
    expect(target.ended).toEqual([{ sid: 'sid-during-outage' }, { sid: 'sid-during-outage' }]);
  });

  it('the IdP unreachable (discovery/JWKS down) is a 503: no verdict on the token, nothing ended', async () => {
    const target = instance({ issuer: `http://127.0.0.1:${await closedPort()}` });
    const token = await logoutToken();
    const response = await post(target, form(token));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).not.toContain(token.split('.')[2]);
    expect(target.ended).toEqual([]);
  });

  it('an unexpected error while ending sessions is a 503, not a 500 with a stack', async () => {
    const target = instance({ fail: () => new TypeError('boom') });
    const response = await post(target, form(await logoutToken()));
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('boom');
  });
});

describe('back-channel logout: with a shared Redis store', () => {
  let redis: StartedRedis;
  let store: AuthStore;

  beforeAll(async () => {
    redis = await startRedis();
    store = createRedisStore({ url: redis.url, prefix: `nsa-bcl-${process.pid}` });
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it('replayed jti across two instances sharing one Redis: the second instance refuses it', async () => {
    const [a, b] = [instance({ store }), instance({ store })];
    const { sub, sid } = await signIn(BOB);
    const token = await logoutToken({ sub, sid });
    expect((await post(a, form(token))).status).toBe(200);
    expect(await expectRefused(await post(b, form(token)), token)).toMatch(/already used/);
    expect(a.ended).toEqual([{ sub, sid }]);
    expect(b.ended).toEqual([]);
  });

  it('the jti is kept in Redis under a hashed key until the token expires, never the token', async () => {
    const a = instance({ store });
    const jti = crypto.randomUUID();
    expect((await post(a, form(await logoutToken({ jti })))).status).toBe(200);
    const { logoutJtiKey } = await import('../oauth/createLogoutReplayGuard.js');
    expect(await store.get(await logoutJtiKey(idp.issuer, jti))).toBe('1');
  });

  it('Redis down while ending sessions: 503 with Retry-After, nothing refused for good: the retry once Redis is back is accepted', async () => {
    const a = instance({ store });
    const token = await logoutToken({ sid: 'sid-while-redis-down', sub: undefined });
    await redis.stop();
    try {
      // The jti check falls back to this process; recording the cut-off needs the store: 503, the jti released.
      const first = await post(a, form(token));
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('5');
      expect(await first.text()).not.toContain(token.split('.')[2]);
    } finally {
      await redis.restart();
    }
    await vi.waitFor(async () => expect((await post(a, form(token))).status).toBe(200), { timeout: 10_000, interval: 100 });
    expect(a.events.filter((e) => e.name === 'backchannelLogout')).toEqual([{ name: 'backchannelLogout', event: { sid: 'sid-while-redis-down' } }]);
  });
});

describe('back-channel logout: the real dev IdP calls the route over HTTP', () => {
  /** Runs the App Router handlers behind the loopback server, body included. */
  function appRouter(target: Instance) {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const slug = new URL(req.url ?? '/', origin).pathname.split('/').pop() ?? '';
      const request = new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
      const response = await target.handlers.POST(request, { params: Promise.resolve({ slug }) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    };
  }

  /** The Pages Router handler as Next runs it: with its body parser (req.body already a parsed object) or without (bodyParser: false). */
  function pagesRouter(target: Instance, bodyParser: boolean) {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const query = { slug: 'backchannel-logout' };
      if (!bodyParser) return target.handlers.handler(Object.assign(req, { query }), res);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      return target.handlers.handler(Object.assign(req, { query, body }), res);
    };
  }

  it.each(['app', 'pages', 'pages with body parser'] as const)('the IdP admin sign-out of alice posts a logout token that ends her session and sid (%s router)', async (router) => {
    const target = instance();
    serve = router === 'app' ? appRouter(target) : pagesRouter(target, router === 'pages with body parser');
    try {
      const { sub, sid } = await signIn();
      idp.resetStats();
      const result = await idp.logoutUser(ALICE.username);
      expect(result.failed).toBe(0);
      expect(result.delivered).toBeGreaterThanOrEqual(1);
      expect(idp.stats().backchannelLogouts).toEqual({ delivered: result.delivered, failed: 0 });
      // Every IdP session of alice ended, the one signed in here among them.
      expect(target.ended).toContainEqual({ sub, sid });
      for (const call of target.ended) expect(call.sub).toBe(sub);
      expect(target.events.filter((e) => e.name === 'backchannelLogout_failure')).toEqual([]);
    } finally {
      serve = undefined;
    }
  });
});

describe('back-channel logout with one Redis: sessions end on every instance, refusals end none', () => {
  let redis: StartedRedis;
  const stores: AuthStore[] = [];
  const prefix = `nsa-bcl-multi-${process.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });

  /** One app instance with its own Redis client (its own subscription), as a separate server would have. */
  async function node(codec: 'server' | 'sealed'): Promise<Instance> {
    const store = createRedisStore({ url: redis.url, prefix, timeoutMs: 500 });
    stores.push(store);
    const inst = instance({ store, codec });
    if (inst.runtime.serverCodec) expect(await inst.runtime.serverCodec.ready()).toBe(true);
    return inst;
  }

  /** Signs `tokens` in on `inst` as the callback does; the browser's Cookie header. */
  async function sessionCookie(inst: Instance, tokens: TokenSet): Promise<string> {
    const response = new Response(null);
    await createRunWithServerContext(inst.runtime)({
      nextServerContext: { request: new Request(`${origin}/api/auth/sign-in-callback`), response },
      operation: (ctx) => writeSession(getContextState(ctx), tokens),
    });
    return response.headers
      .getSetCookie()
      .map((l) => l.split(';')[0]!)
      .join('; ');
  }

  it.each(['server', 'sealed'] as const)(
    '%s sessions: a logout token for one IdP session posted to instance A signs that session out on A and B; the same user\'s other session stays',
    async (codec) => {
      const [a, b] = [await node(codec), await node(codec)];
      const first = await signIn();
      const second = await signIn();
      expect(second.sid).not.toBe(first.sid);
      const ended = await sessionCookie(a, first.tokens);
      const kept = await sessionCookie(b, second.tokens);
      // Both instances hold both sessions warm.
      for (const inst of [a, b]) {
        expect(await whoIs(inst.runtime, ended)).toBe(ALICE.username);
        expect(await whoIs(inst.runtime, kept)).toBe(ALICE.username);
      }
      const response = await post(a, form(await logoutToken({ sub: first.sub, sid: first.sid })));
      expect(response.status).toBe(200);
      expect(await whoIs(a.runtime, ended)).toBe('UserUnAuthenticated');
      // B learns it through the store's push (bounded wait, no timing assertion).
      await vi.waitFor(async () => expect(await whoIs(b.runtime, ended)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
      for (const inst of [a, b]) expect(await whoIs(inst.runtime, kept)).toBe(ALICE.username);
    },
  );

  it.each(['server', 'sealed'] as const)('%s sessions: forged, wrong-audience, nonce-carrying and replayed logout tokens end nothing on any instance', async (codec) => {
    const [a, b] = [await node(codec), await node(codec)];
    const { tokens, sub, sid } = await signIn();
    const cookie = await sessionCookie(a, tokens);
    const { privateKey } = await generateKeyPair(idpKey.alg, { extractable: true });
    // A real logout token for someone else, used once: its replay must not end anything either.
    const used = await logoutToken({ sub: 'someone-else' });
    expect((await post(a, form(used))).status).toBe(200);
    const attacks = [
      await logoutToken({ sub, sid }, { key: privateKey }),
      await logoutToken({ sub, sid, aud: 'another-client' }),
      await logoutToken({ sub, sid, nonce: 'replayed-id-token-nonce' }),
      used,
    ];
    for (const token of attacks) {
      for (const target of [a, b]) await expectRefused(await post(target, form(token)), token);
    }
    expect(a.ended).toEqual([{ sub: 'someone-else' }]);
    expect(b.ended).toEqual([]);
    for (const inst of [a, b]) expect(await whoIs(inst.runtime, cookie)).toBe(ALICE.username);
    // A cold instance too (no warm cache to hide an ended record or a recorded cut-off).
    expect(await whoIs((await node(codec)).runtime, cookie)).toBe(ALICE.username);
    // And the user really could be signed out: a valid token does it.
    expect((await post(b, form(await logoutToken({ sub, sid })))).status).toBe(200);
    await vi.waitFor(async () => expect(await whoIs(a.runtime, cookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
  });

  it('the real dev IdP admin sign-out, over HTTP to instance A, signs alice out on instance B (server sessions)', async () => {
    const [a, b] = [await node('server'), await node('server')];
    const alice = await signIn();
    const bob = await signIn(BOB);
    const aliceCookie = await sessionCookie(b, alice.tokens);
    const bobCookie = await sessionCookie(b, bob.tokens);
    expect(await whoIs(b.runtime, aliceCookie)).toBe(ALICE.username);
    serve = async (req, res) => a.handlers.handler(Object.assign(req, { query: { slug: 'backchannel-logout' } }), res);
    try {
      const result = await idp.logoutUser(ALICE.username);
      expect(result.failed).toBe(0);
      expect(result.delivered).toBeGreaterThanOrEqual(1);
    } finally {
      serve = undefined;
    }
    expect(a.ended).toContainEqual({ sub: alice.sub, sid: alice.sid });
    await vi.waitFor(async () => expect(await whoIs(b.runtime, aliceCookie)).toBe('UserUnAuthenticated'), { timeout: 5000, interval: 10 });
    expect(await whoIs(a.runtime, aliceCookie)).toBe('UserUnAuthenticated');
    expect(await whoIs(b.runtime, bobCookie)).toBe(BOB.username);
  });
});
