import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthRuntime, createRuntimeRefresher } from '../createServerRunner.js';
import { getContextState } from '../context/contextRegistry.js';
import { createRunWithServerContext } from '../context/createRunWithServerContext.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { writeSession } from '../context/writeSession.js';
import { expireAccessToken } from '../context/__tests__/expiredSession.js';
import { sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { createRedisStore } from '../redis/createRedisStore.js';
import { startRedis } from '../redis/__tests__/startRedis.js';
import type { StartedRedis } from '../redis/__tests__/startRedis.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { ApiProxy } from './ApiProxy.js';
import type { ApiProxyOptions } from './ApiProxyOptions.js';
import { createApiProxyFor } from './createApiProxy.js';
import { startUpstream, STREAM_BYTES } from './__tests__/startUpstream.js';
import type { TestUpstream } from './__tests__/startUpstream.js';

// Everything real over loopback: the dev IdP, an upstream HTTP server that
// records what reaches it, Redis for server-side sessions. The proxy is
// called with Web Requests, as Next.js's route handlers are.

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'api-proxy-client';
const SECRET = 'api-proxy-secret-api-proxy-secret-api-proxy-0123';
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-api-proxy-'));
const stateFile = join(stateDir, 'idp.json');

let idp: DevIdp;
let upstream: TestUpstream;
let redis: StartedRedis;
let store: AuthStore;
let runtime: AuthRuntime;
let proxy: ApiProxy;

/** Every token the IdP issued in this file, and everything the browser or the console saw. */
const issued = new Set<string>();
const browserSaw: string[] = [];
const consoleSaw: string[] = [];

function newRuntime(extra: Parameters<typeof createAuthRuntime>[1] = {}): AuthRuntime {
  const base = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN, ...extra }, {});
  // A private refresher memory: tests never share refresh results.
  const state = { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() };
  return { ...base, refresher: createRuntimeRefresher(base, { state }) };
}

function proxyFor(rt: AuthRuntime, options: Partial<ApiProxyOptions> = {}): ApiProxy {
  return createApiProxyFor(rt)({
    routes: { '/api/proxy/orders': `${upstream.origin}/v1/orders`, '/api/proxy/slow': `${upstream.origin}/hang` },
    ...options,
  });
}

async function signIn(): Promise<TokenSet> {
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  const tokens = { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken! };
  for (const token of Object.values(tokens)) issued.add(token);
  return tokens;
}

const cookieOf = (rt: AuthRuntime, tokens: TokenSet) => sealedCookieHeader(rt, tokens);

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  setCookies: string[];
}

/** Calls a proxy method like a browser would (same-origin unless told) and reads the whole answer. */
async function call(path: string, init: RequestInit & { cookie?: string; via?: ApiProxy } = {}): Promise<Answer> {
  const { cookie, via = proxy, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (cookie !== undefined) headers.set('cookie', cookie);
  if (!headers.has('sec-fetch-site') && !headers.has('origin')) headers.set('sec-fetch-site', 'same-origin');
  const request = new Request(`${ORIGIN}${path}`, { ...rest, headers });
  const method = (rest.method ?? 'GET') as keyof ApiProxy;
  const response = await via[method](request);
  const text = await response.text();
  browserSaw.push(text, ...[...response.headers].map(([n, v]) => `${n}: ${v}`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, setCookies: response.headers.getSetCookie() };
}

const refreshCalls = () => idp.stats().tokenCalls.refresh_token ?? 0;
const seenTokens = () => upstream.seen.map((s) => s.token);
const sessionWrites = (lines: string[]) => lines.filter((l) => /^nsa\.session(\.\d+)?=[^;]/.test(l) && !/Max-Age=0/.test(l));
const sessionClears = (lines: string[]) => lines.filter((l) => /^nsa\.session(\.\d+)?=/.test(l) && /Max-Age=0/.test(l));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    stateFile,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
  });
  upstream = await startUpstream();
  runtime = newRuntime();
  proxy = proxyFor(runtime);
  for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleSaw.push(args.map(String).join(' ')));
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await upstream?.close();
  await store?.close();
  await redis?.stop();
  await idp?.close();
  rmSync(stateDir, { recursive: true, force: true });
});
beforeEach(() => {
  idp.resetStats();
  upstream.seen.length = 0;
  upstream.rejectTokens.clear();
});

describe('createApiProxy: forwarding', () => {
  it('a signed-in GET reaches the upstream base with the path rest and the query, carrying the session access token', async () => {
    const tokens = await signIn();
    const answer = await call('/api/proxy/orders/42/items?expand=lines&x=%2F', { cookie: await cookieOf(runtime, tokens) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ method: 'GET', url: '/v1/orders/42/items?expand=lines&x=%2F' });
    expect(upstream.seen).toHaveLength(1);
    expect(upstream.seen[0]!.token).toBe(tokens.accessToken);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    expect(answer.setCookies).toEqual([]);
    expect(refreshCalls()).toBe(0);
  });

  it('the prefix itself maps to the base; a same-origin POST carries its body and content type', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    expect((await call('/api/proxy/orders', { cookie })).json).toEqual({ method: 'GET', url: '/v1/orders' });
    const answer = await call('/api/proxy/orders', { cookie, method: 'POST', body: '{"item":"x"}', headers: { 'content-type': 'application/json', origin: ORIGIN } });
    expect(answer.status).toBe(200);
    expect(upstream.seen[1]).toMatchObject({ method: 'POST', url: '/v1/orders', body: '{"item":"x"}' });
    expect(upstream.seen[1]!.headers['content-type']).toBe('application/json');
  });

  it('an upstream redirect is not followed on the server; under the base it becomes the same-origin proxy path', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const inside = await call('/api/proxy/orders/redirect', { cookie });
    expect(inside.status).toBe(302);
    expect(inside.headers.get('location')).toBe('/api/proxy/orders/2?x=1');
    const outside = await call('/api/proxy/orders/redirect-out', { cookie });
    expect(outside.status).toBe(302);
    expect(outside.headers.get('location')).toBe('https://elsewhere.example/x');
    expect(upstream.seen.map((s) => s.url)).toEqual(['/v1/orders/redirect', '/v1/orders/redirect-out']);
  });

  it('a large response is streamed (first bytes arrive before the upstream finishes)', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const response = await proxy.GET(new Request(`${ORIGIN}/api/proxy/orders/stream`, { headers: { cookie } }));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let received = 0;
    const first = await reader.read();
    received += first.value!.byteLength;
    // The upstream is still holding the rest back: these bytes came through before it finished.
    expect(received).toBeGreaterThan(0);
    expect(upstream.streamFinished()).toBe(false);
    upstream.releaseStream();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    expect(received).toBe(STREAM_BYTES);
  });
});

describe('createApiProxy: the allow-list holds', () => {
  const traversals = [
    '/api/proxy/orders/../admin',
    '/api/proxy/orders/..%2fadmin',
    '/api/proxy/orders/..%2Fadmin',
    '/api/proxy/orders/%2e%2e/admin',
    '/api/proxy/orders/%2E%2E/admin',
    '/api/proxy/orders/.%2e/admin',
    '/api/proxy/orders/%2e./admin',
    '/api/proxy/orders/%2e',
    '/api/proxy/orders/..\\admin',
    '/api/proxy/orders/..%5cadmin',
    '/api/proxy/orders/%5c..%5cadmin',
    '/api/proxy/orders/%252e%252e/admin',
    '/api/proxy/orders/%252f',
    '/api/proxy/orders/..;/admin',
    '/api/proxy/orders/x/..;/..;/admin',
    '/api/proxy/orders/%3b/admin',
    '/api/proxy/orders/%c0%ae%c0%ae/admin',
    '/api/proxy/orders/%e0%80%ae/admin',
    '/api/proxy/orders/%00/admin',
    '/api/proxy/orders/a%2fb',
    '/api/proxy/orders/x/%2e%2e%2f%2e%2e%2fadmin',
    '/api/proxy/orders/x//..//admin',
    '/api/proxy/orders/%zz',
    '/api/proxy/orders/\t../admin',
    '/api/proxy/orders/.%00./admin',
  ];

  it('a path with ../ or %2e%2e or %2f or a backslash never reaches anything outside the upstream base', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    for (const spelling of traversals) {
      upstream.seen.length = 0;
      const answer = await call(spelling, { cookie });
      if (upstream.seen.length === 0) {
        expect([400, 404], spelling).toContain(answer.status);
        expect(answer.json, spelling).toEqual({ error: answer.status === 400 ? 'bad_path' : 'not_found' });
        expect(answer.headers.get('cache-control')).toBe('private, no-store');
      } else {
        // Only what the URL parser already made plain (`/orders/./x` → `/orders/x`) may pass, and only under the base.
        const seen = upstream.seen[0]!.url;
        expect(seen, spelling).toMatch(/^\/v1\/orders(\/|$|\?)/);
        expect(seen, spelling).not.toMatch(/\.\.|%2e|%2f|%5c|%25|\\|;/i);
      }
    }
  });

  it('an absolute URL or //host in the path cannot change the upstream host', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const spellings = [
      '/api/proxy/orders//evil.example/x',
      '/api/proxy/orders/http://evil.example/',
      '/api/proxy/orders/https:%2f%2fevil.example/',
      '/api/proxy/orders/%2f%2fevil.example',
      '/api/proxy/orders/@evil.example',
      '/api/proxy/orders/%40evil.example',
      '/api/proxy/orders@evil.example',
      '/api/proxy/orders/x@evil.example:80',
      '/api/proxy/orders/\\\\evil.example',
    ];
    for (const spelling of spellings) {
      upstream.seen.length = 0;
      const answer = await call(spelling, { cookie });
      expect([400, 404], spelling).toContain(answer.status);
      expect(upstream.seen, spelling).toEqual([]);
    }
    // A scheme-looking segment stays a segment of the path on the one upstream.
    const plain = await call('/api/proxy/orders/http:evil.example', { cookie });
    expect(plain.json).toEqual({ method: 'GET', url: '/v1/orders/http:evil.example' });
  });

  it('for any suffix, the upstream request URL starts with the base or the proxy answers 400/404', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const pieces = ['.', '..', '/', '\\', '%', '%2e', '%2E', '%2f', '%5c', '%25', '%00', ';', '@', ':', '//', '?', '#', 'a', '1', 'é', '%c0%ae', '\t', 'http:', 'evil.example'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), async (parts) => {
        const path = `/api/proxy/orders${parts.join('')}`;
        let url: URL;
        try {
          url = new URL(`${ORIGIN}${path}`);
        } catch {
          return;
        }
        upstream.seen.length = 0;
        const answer = await call(url.pathname + url.search, { cookie });
        if (upstream.seen.length === 0) {
          expect([400, 404]).toContain(answer.status);
          return;
        }
        expect(answer.status).toBe(200);
        const seen = new URL(upstream.seen[0]!.url, upstream.origin);
        expect(`${seen.origin}${seen.pathname}`).toMatch(new RegExp(`^${upstream.origin.replace(/\./g, '\\.')}/v1/orders(/|$)`));
        expect(seen.pathname).not.toMatch(/\.\.|%2e|%2f|%5c|%25|\\|;|\/\//i);
      }),
      { numRuns: 150 },
    );
  });

  it('a prefix without a segment boundary (/api/proxy/ordersX) is not routed', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    for (const path of ['/api/proxy/ordersX', '/api/proxy/orders-admin', '/api/proxy/orders.json', '/api/proxy/order', '/api/proxy', '/api/proxy/Orders', '/api/proxy/%6frders']) {
      const answer = await call(path, { cookie });
      expect(answer.status, path).toBe(404);
      expect(answer.json).toEqual({ error: 'not_found' });
    }
    expect(upstream.seen).toEqual([]);
  });
});

describe('createApiProxy: who may call', () => {
  it('signed out → 401 JSON and the upstream is never called', async () => {
    for (const cookie of [undefined, 'nsa.session=garbage', 'nsa.session.0=Fe26.2**x; nsa.session.1=y']) {
      for (const method of ['GET', 'POST'] as const) {
        const answer = await call('/api/proxy/orders/1', { ...(cookie ? { cookie } : {}), method, ...(method === 'POST' ? { body: '{}' } : {}) });
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ error: 'unauthenticated' });
        expect(answer.headers.get('cache-control')).toBe('private, no-store');
        expect(answer.headers.get('location')).toBeNull();
      }
    }
    expect(upstream.seen).toEqual([]);
  });

  it('a cross-site POST/PUT/DELETE is refused with 403 and nothing reaches the upstream', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const crossSite: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'none' }];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      for (const headers of crossSite) {
        const answer = await call('/api/proxy/orders/1', { cookie, method, headers, ...(method === 'DELETE' ? {} : { body: '{"x":1}' }) });
        expect(answer.status, `${method} ${JSON.stringify(headers)}`).toBe(403);
        expect(answer.json).toEqual({ error: 'cross_site' });
      }
      // Neither header: not provably same-origin, refused too.
      const bare = await proxy[method](new Request(`${ORIGIN}/api/proxy/orders/1`, { method, headers: { cookie } }));
      expect(bare.status).toBe(403);
    }
    expect(upstream.seen).toEqual([]);
    expect(refreshCalls()).toBe(0);
    // The same calls from this origin go through.
    expect((await call('/api/proxy/orders/1', { cookie, method: 'DELETE', headers: { origin: ORIGIN } })).status).toBe(200);
    expect((await call('/api/proxy/orders/1', { cookie, method: 'PUT', body: '{}', headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });
});

describe('createApiProxy: headers both ways', () => {
  it("the browser's Cookie and Authorization never reach the upstream; the upstream's Set-Cookie never reaches the browser", async () => {
    const tokens = await signIn();
    const cookie = `${await cookieOf(runtime, tokens)}; theme=dark; other=1`;
    const answer = await call('/api/proxy/orders/headers', { cookie, headers: { authorization: 'Bearer attacker-chosen', 'x-app': 'kept' } });
    expect(answer.status).toBe(200);
    const seen = upstream.seen[0]!;
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(seen.headers['x-app']).toBe('kept');
    expect(answer.setCookies).toEqual([]);
    expect(answer.headers.get('clear-site-data')).toBeNull();
    expect(answer.headers.get('x-kept')).toBe('yes');
    // The upstream said public caching; the answer is this user's.
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
  });

  it('a gzip-encoded upstream body reaches the browser decoded, without a stale Content-Encoding or Content-Length', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const answer = await call('/api/proxy/orders/gzip', { cookie });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ compressed: true });
    expect(answer.headers.get('content-encoding')).toBeNull();
    expect(answer.headers.get('content-length')).toBeNull();
  });

  it('hop-by-hop headers (and those named in Connection) are stripped both ways', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const answer = await call('/api/proxy/orders/headers', {
      cookie,
      headers: {
        connection: 'x-client-hop',
        'x-client-hop': 'secret',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        trailer: 'x-t',
        'proxy-authorization': 'Basic eDp5',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        forwarded: 'for=6.6.6.6;host=evil.example',
        'x-real-ip': '6.6.6.6',
        'x-middleware-subrequest': 'middleware:middleware:middleware',
        'x-app': 'kept',
      },
    });
    expect(answer.status).toBe(200);
    const seen = upstream.seen[0]!.headers;
    for (const name of ['x-client-hop', 'keep-alive', 'te', 'trailer', 'proxy-authorization', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip', 'x-middleware-subrequest']) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen['x-app']).toBe('kept');
    expect(seen.host).toBe(new URL(upstream.origin).host);
    for (const name of ['x-upstream-hop', 'keep-alive', 'proxy-authenticate', 'connection', 'transfer-encoding']) {
      expect(answer.headers.get(name), name).toBeNull();
    }
    expect(answer.headers.get('x-kept')).toBe('yes');
  });
});

describe('createApiProxy: tokens and refresh', () => {
  it('an expired access token is refreshed once for N concurrent proxied calls (one IdP refresh_token call), the upstream sees the new token', async () => {
    const tokens = await signIn();
    const cookie = await cookieOf(runtime, await expireAccessToken(tokens, stateFile));
    idp.resetStats();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(`/api/proxy/orders/${i}`, { cookie })));
    expect(refreshCalls()).toBe(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(sessionWrites(answer.setCookies)).not.toEqual([]);
    }
    const used = new Set(seenTokens());
    expect(used.size).toBe(1);
    const [fresh] = used;
    expect(fresh).not.toBe(tokens.accessToken);
    issued.add(fresh!);
    expect(upstream.seen).toHaveLength(20);
  });

  it('an upstream 401 triggers exactly one forced refresh and one retry', async () => {
    const tokens = await signIn();
    const cookie = await cookieOf(runtime, tokens);
    idp.resetStats();
    // The upstream no longer accepts the current (unexpired) token, e.g. revoked there.
    upstream.rejectTokens.add(tokens.accessToken);
    const answer = await call('/api/proxy/orders', { cookie, method: 'POST', body: '{"n":1}', headers: { origin: ORIGIN, 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    expect(refreshCalls()).toBe(1);
    expect(upstream.seen).toHaveLength(2);
    expect(upstream.seen[0]!.token).toBe(tokens.accessToken);
    expect(upstream.seen[1]!.token).not.toBe(tokens.accessToken);
    issued.add(upstream.seen[1]!.token!);
    // The retry carries the same body; the new session is written.
    expect(upstream.seen.map((s) => s.body)).toEqual(['{"n":1}', '{"n":1}']);
    expect(sessionWrites(answer.setCookies)).not.toEqual([]);
  });

  it('an upstream that keeps answering 401 gets one retry only, and its 401 passes through', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    idp.resetStats();
    upstream.rejectTokens.add('*');
    const answer = await call('/api/proxy/orders/1', { cookie });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid_token' });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(refreshCalls()).toBe(1);
    expect(upstream.seen).toHaveLength(2);
    for (const s of upstream.seen) issued.add(s.token!);
  });

  it('a body larger than maxBodyBytes is streamed through, and an upstream 401 then passes through without a refresh', async () => {
    const small = proxyFor(runtime, { maxBodyBytes: 1024 });
    const tokens = await signIn();
    const cookie = await cookieOf(runtime, tokens);
    idp.resetStats();
    const big = 'x'.repeat(64 * 1024);
    expect((await call('/api/proxy/orders/upload', { via: small, cookie, method: 'PUT', body: big, headers: { origin: ORIGIN } })).status).toBe(200);
    expect(upstream.seen[0]!.body).toBe(big);
    upstream.rejectTokens.add(tokens.accessToken);
    const refused = await call('/api/proxy/orders/upload', { via: small, cookie, method: 'PUT', body: big, headers: { origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refreshCalls()).toBe(0);
    expect(upstream.seen).toHaveLength(2);
  });

  it('a refresh the IdP rejects → 401 and the session cookie cleared', async () => {
    const tokens = await signIn();
    // The grant is revoked at the IdP (signed out elsewhere); the access token has expired.
    const revoked = await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID }),
    });
    expect(revoked.status).toBe(200);
    const cookie = await cookieOf(runtime, await expireAccessToken(tokens, stateFile));
    idp.resetStats();
    const answer = await call('/api/proxy/orders/1', { cookie });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'unauthenticated' });
    expect(refreshCalls()).toBe(1);
    expect(sessionClears(answer.setCookies)).not.toEqual([]);
    expect(sessionWrites(answer.setCookies)).toEqual([]);
    expect(upstream.seen).toEqual([]);
  });

  it('an upstream 401 whose forced refresh the IdP rejects → 401 unauthenticated and the session cookie cleared', async () => {
    const tokens = await signIn();
    const cookie = await cookieOf(runtime, tokens);
    await fetch(`${idp.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken!, client_id: CLIENT_ID }),
    });
    upstream.rejectTokens.add(tokens.accessToken);
    const answer = await call('/api/proxy/orders/1', { cookie });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'unauthenticated' });
    expect(sessionClears(answer.setCookies)).not.toEqual([]);
    expect(upstream.seen).toHaveLength(1);
  });
});

describe('createApiProxy: upstream failures', () => {
  it('upstream down → 502, hanging → 504 (with a short timeoutMs)', async () => {
    const cookie = await cookieOf(runtime, await signIn());
    const down = createApiProxyFor(runtime)({ routes: { '/api/proxy/orders': `http://127.0.0.1:${await closedPort()}/v1/orders` } });
    const a = await call('/api/proxy/orders/1', { via: down, cookie });
    expect(a.status).toBe(502);
    expect(a.json).toEqual({ error: 'upstream_unavailable' });
    expect(a.headers.get('cache-control')).toBe('private, no-store');
    const hanging = proxyFor(runtime, { timeoutMs: 200 });
    const b = await call('/api/proxy/slow', { via: hanging, cookie });
    expect(b.status).toBe(504);
    expect(b.json).toEqual({ error: 'upstream_timeout' });
    expect(consoleSaw.some((l) => l.includes('upstream unreachable (ECONNREFUSED)'))).toBe(true);
  });

  it('the IdP down while a refresh is due → 503 JSON, nothing cleared, the upstream not called', async () => {
    const rt = newRuntime();
    const broken = { ...rt, refresher: { ...rt.refresher, refresh: () => Promise.reject(new Error('connect ECONNREFUSED')) } } as AuthRuntime;
    const cookie = await cookieOf(rt, await expireAccessToken(await signIn(), stateFile));
    const answer = await call('/api/proxy/orders/1', { via: proxyFor(broken), cookie });
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ error: 'idp_unavailable' });
    expect(sessionClears(answer.setCookies)).toEqual([]);
    expect(upstream.seen).toEqual([]);
  });
});

describe('createApiProxy: configuration', () => {
  it('refuses routes that are not plain prefixes or safe upstreams, naming the entry', () => {
    const make = createApiProxyFor(runtime);
    const bad: Array<Record<string, string>> = [
      {},
      { 'api/proxy': 'https://api.example.com' },
      { '/api/../x': 'https://api.example.com' },
      { '/api/%2e%2e': 'https://api.example.com' },
      { '/api/proxy': 'http://api.example.com/orders' },
      { '/api/proxy': 'https://user:pw@api.example.com' },
      { '/api/proxy': 'https://api.example.com/orders?x=1' },
      { '/api/proxy': 'https://api.example.com/orders#x' },
      { '/api/proxy': 'ftp://api.example.com' },
      { '/api/proxy': 'not a url' },
    ];
    for (const routes of bad) expect(() => make({ routes }), JSON.stringify(routes)).toThrow(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(() => make({ routes: { '/a': 'https://a.example' }, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => make({ routes: { '/a': 'https://a.example' }, maxBodyBytes: -1 })).toThrow(/maxBodyBytes/);
    expect(() => make({ routes: { '/api/proxy/': 'https://api.example.com/' } })).not.toThrow();
  });
});

describe('createApiProxy with server-side sessions (Redis)', () => {
  beforeAll(async () => {
    redis = await startRedis();
    store = createRedisStore({ url: redis.url, prefix: `nsa-proxy-${process.pid}` });
  });

  async function serverCookie(rt: AuthRuntime, tokens: TokenSet): Promise<string> {
    const response = new Response(null);
    await createRunWithServerContext(rt)({
      nextServerContext: { request: new Request(`${ORIGIN}/api/auth/sign-in-callback`), response },
      operation: (ctx) => writeSession(getContextState(ctx), tokens),
    });
    return response.headers.getSetCookie().map((l) => l.split(';')[0]!).join('; ');
  }

  it('a signed-in GET reaches the upstream with the access token from the store record, no cookie rewritten', async () => {
    const rt = newRuntime({ store, session: { codec: 'server' } });
    const tokens = await signIn();
    const cookie = await serverCookie(rt, tokens);
    expect(cookie).toMatch(/^nsa\.sid=/);
    const answer = await call('/api/proxy/orders/7', { via: proxyFor(rt), cookie });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ method: 'GET', url: '/v1/orders/7' });
    expect(seenTokens()).toEqual([tokens.accessToken]);
    expect(upstream.seen[0]!.headers.cookie).toBeUndefined();
    expect(answer.setCookies).toEqual([]);
  });

  it('an upstream 401 refreshes the store record once and the retry carries the new token', async () => {
    const rt = newRuntime({ store, session: { codec: 'server' } });
    const tokens = await signIn();
    const cookie = await serverCookie(rt, tokens);
    idp.resetStats();
    upstream.rejectTokens.add(tokens.accessToken);
    const via = proxyFor(rt);
    const answer = await call('/api/proxy/orders/7', { via, cookie });
    expect(answer.status).toBe(200);
    expect(refreshCalls()).toBe(1);
    const fresh = upstream.seen[1]!.token!;
    issued.add(fresh);
    expect(fresh).not.toBe(tokens.accessToken);
    // The same cookie now maps to the refreshed record.
    expect((await call('/api/proxy/orders/8', { via, cookie })).status).toBe(200);
    expect(upstream.seen[2]!.token).toBe(fresh);
  });

  it('signed out (unknown session id) → 401 JSON and the upstream is never called', async () => {
    const rt = newRuntime({ store, session: { codec: 'server' } });
    const answer = await call('/api/proxy/orders/7', { via: proxyFor(rt), cookie: 'nsa.sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'unauthenticated' });
    expect(upstream.seen).toEqual([]);
  });
});

describe('createApiProxy: no token leaks', () => {
  it('no token appears in any response header/body to the browser or in console output', () => {
    // Runs last: everything every test above sent to the browser or printed.
    expect(issued.size).toBeGreaterThan(10);
    expect(browserSaw.length).toBeGreaterThan(100);
    for (const token of issued) {
      for (const seen of browserSaw) expect(seen.includes(token)).toBe(false);
      for (const line of consoleSaw) expect(line.includes(token)).toBe(false);
    }
  });
});
