import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, decodeJwt, EmbeddedJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRuntime } from '../createServerRunner.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { callRoute, captureCallback, cookieHeaderOf } from '../routes/__tests__/signInFlow.js';
import { createAuthRouteHandlersFor } from '../routes/createAuthRouteHandlers.js';
import type { ApiProxy } from './ApiProxy.js';
import { createApiProxyFor } from './createApiProxy.js';

// A real dev IdP with DPoP enforced, and a small upstream that checks DPoP
// proofs as RFC 9449 §7 and §9 say a resource server must (with jose).

const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'dpop-proxy-client';
const SECRET = 'dpop-proxy-secret-dpop-proxy-secret-012345678';
const UPSTREAM_NONCE = 'upstream-nonce-1';

interface Seen {
  method: string;
  path: string;
  authorization: string;
  dpop: string | undefined;
  /** Why the upstream refused, or 'ok'. */
  verdict: string;
  proof?: Record<string, unknown>;
}

let idp: DevIdp;
let runtime: AuthRuntime;
let proxy: ApiProxy;
let cookie: string;
let upstream: Server;
let upstreamOrigin: string;
/** `required`: proofs must carry UPSTREAM_NONCE; `never`: every proof is refused with use_dpop_nonce. */
let nonceMode: 'off' | 'required' | 'never' = 'off';
const seen: Seen[] = [];

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** What a DPoP-checking resource server decides about one request. */
async function judge(method: string, url: string, authorization: string, dpop: string | undefined): Promise<{ verdict: string; proof?: Record<string, unknown> }> {
  const match = /^DPoP (\S+)$/.exec(authorization);
  if (!match) return { verdict: 'not_dpop_scheme' };
  if (dpop === undefined || dpop.includes(',')) return { verdict: 'no_single_proof' };
  const token = match[1]!;
  const { payload, protectedHeader } = await jwtVerify(dpop, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] }).catch(() => ({ payload: undefined, protectedHeader: undefined }));
  if (!payload || !protectedHeader) return { verdict: 'bad_signature' };
  const jkt = (decodeJwt(token).cnf as { jkt?: string } | undefined)?.jkt;
  if (jkt !== (await calculateJwkThumbprint(protectedHeader.jwk!))) return { verdict: 'wrong_key', proof: payload };
  if (payload.htm !== method) return { verdict: 'htm', proof: payload };
  if (payload.htu !== url) return { verdict: 'htu', proof: payload };
  if (payload.ath !== sha256(token)) return { verdict: 'ath', proof: payload };
  if (nonceMode === 'never' || (nonceMode === 'required' && payload.nonce !== UPSTREAM_NONCE)) return { verdict: 'use_dpop_nonce', proof: payload };
  return { verdict: 'ok', proof: payload };
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = `${upstreamOrigin}${new URL(req.url ?? '/', upstreamOrigin).pathname}`;
      const dpop = req.headers.dpop;
      void judge(req.method ?? 'GET', url, req.headers.authorization ?? '', Array.isArray(dpop) ? dpop.join(',') : dpop).then(({ verdict, proof }) => {
        seen.push({ method: req.method ?? '', path: url, authorization: req.headers.authorization ?? '', dpop: Array.isArray(dpop) ? dpop.join(',') : dpop, verdict, ...(proof ? { proof } : {}) });
        if (verdict === 'use_dpop_nonce') {
          res.writeHead(401, { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'dpop-nonce': UPSTREAM_NONCE });
          return res.end();
        }
        if (verdict !== 'ok') {
          res.writeHead(401, { 'www-authenticate': `DPoP error="invalid_token", error_description="${verdict}"` });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ orders: [1, 2], body: Buffer.concat(chunks).toString() }));
      });
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  idp = await startDevIdp({
    port: 0,
    quiet: true,
    mode: 'oidc',
    dpop: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/api/auth/sign-in-callback`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] }],
  });
  runtime = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'offline_access'], dpop: true } }, { secret: SECRET, origin: ORIGIN }, {});
  const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/' });
  const { callbackUrl, cookie: transaction } = await captureCallback(handlers, ORIGIN, { username: 'alice@example.com', password: 'alice-password' });
  const callback = await callRoute(handlers, callbackUrl.href, transaction);
  expect(callback.status).toBe(303);
  cookie = cookieHeaderOf(callback);
  proxy = createApiProxyFor(runtime)({ routes: { '/api/proxy/orders': `${upstreamOrigin}/v1/orders` } });
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await idp.close();
});

function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  headers.set('sec-fetch-site', 'same-origin');
  const request = new Request(`${ORIGIN}${path}`, { ...init, headers });
  return (init.method === 'POST' ? proxy.POST : proxy.GET)(request);
}

describe('API proxy with a DPoP-bound session (RFC 9449 §7)', () => {
  it("the upstream sees Authorization: DPoP and a valid proof bound to the token (ath), for the upstream URL and method", async () => {
    seen.length = 0;
    const response = await call('/api/proxy/orders/42?x=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orders: [1, 2] });
    expect(seen).toHaveLength(1);
    const [get] = seen;
    expect(get!.verdict).toBe('ok');
    expect(get!.authorization).toMatch(/^DPoP /);
    // htu is the upstream's URL without its query (RFC 9449 §4.2), not the proxy's.
    expect(get!.proof).toMatchObject({ htm: 'GET', htu: `${upstreamOrigin}/v1/orders/42` });

    seen.length = 0;
    const post = await call('/api/proxy/orders', { method: 'POST', body: '{"item":7}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(200);
    expect(seen.map((s) => s.verdict)).toEqual(['ok']);
    expect(seen[0]!.proof).toMatchObject({ htm: 'POST', htu: `${upstreamOrigin}/v1/orders` });
    // Every proof is new (jti).
    expect(get!.proof!.jti).not.toBe(seen[0]!.proof!.jti);
  });

  it('a DPoP header sent by the browser never reaches the upstream: only the proxy\'s own proof does', async () => {
    seen.length = 0;
    const response = await call('/api/proxy/orders', { headers: { dpop: 'forged.proof.value', authorization: 'Bearer stolen' } });
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.dpop).not.toContain('forged');
    expect(seen[0]!.verdict).toBe('ok');
  });

  it("an upstream asking for its nonce (401 use_dpop_nonce) gets exactly one retry carrying it, and later requests carry it at once", async () => {
    nonceMode = 'required';
    try {
      seen.length = 0;
      const response = await call('/api/proxy/orders');
      expect(response.status).toBe(200);
      expect(seen.map((s) => s.verdict)).toEqual(['use_dpop_nonce', 'ok']);
      expect(seen[1]!.proof!.nonce).toBe(UPSTREAM_NONCE);

      seen.length = 0;
      expect((await call('/api/proxy/orders')).status).toBe(200);
      expect(seen.map((s) => s.verdict)).toEqual(['ok']);
    } finally {
      nonceMode = 'off';
    }
  });

  it('an upstream that keeps answering use_dpop_nonce is not retried in a loop: one nonce retry, then the usual one refresh and retry, then its 401', async () => {
    nonceMode = 'never';
    const before = idp.stats().tokenCalls.refresh_token;
    try {
      seen.length = 0;
      const response = await call('/api/proxy/orders');
      expect(response.status).toBe(401);
      expect(seen.map((s) => s.verdict)).toEqual(['use_dpop_nonce', 'use_dpop_nonce', 'use_dpop_nonce']);
    } finally {
      nonceMode = 'off';
    }
    expect(idp.stats().tokenCalls.refresh_token - before).toBe(1);
  });
});
