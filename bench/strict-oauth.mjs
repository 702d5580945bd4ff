// Part 8 — Cognito server actions and strict OAuth (issues 13, 14): what each
// new path costs next to its baseline, measured in the same run.
//
//   node bench/strict-oauth.mjs [--out FILE] [--rounds N]
//
// Two real dev IdPs, each in its own process (bench/strict-oauth-idp.mjs), so
// this process's CPU time is the library's alone (the IdP's is read from
// /proc): a cognito-mode one with an identity pool, and an oidc-mode one with
// DPoP, a second factor (acr), a resource server (RFC 8707) and one client per
// client-authentication method. The library runs in this process from dist/,
// driven as the Next.js adapters drive it (Web Request/Response, the route
// handlers, the guard with NextRequest, the API proxy, server-action seams).
//
// Network cases: `rounds` rounds, one operation per case per round, the order
// rotated each round, each operation timed on its own (wall time from start
// to the awaited result) and its CPU time (process.cpuUsage) recorded.
// Micro cases (the guard): bench/lib/measure.mjs (batched, interleaved).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URLSearchParams } from 'node:url';
import { Buffer } from 'node:buffer';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { unsealData } from 'iron-session';
import { NextRequest } from 'next/server.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { MutableRequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { createAuthRouteHandlersFor } from '../dist/routes/createAuthRouteHandlers.js';
import { createCognitoActionsFor } from '../dist/routes/cognito/createCognitoActions.js';
import { createAuthGuardFor } from '../dist/guard/createAuthGuard.js';
import { createApiProxyFor } from '../dist/api-proxy/createApiProxy.js';
import { createDPoPSigner } from '../dist/tokens/createDPoPSigner.js';
import { fetchAuthSession, getAccessToken } from '../dist/server.js';
import { DEFAULT_IDENTITY_POOL_ID, DEV_IDP_USER_POOL_ID } from '../dist/dev-idp/index.js';
import { CookieJar } from '../dist/dev-idp/CookieJar.js';
import { measure, quantile } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { out: { type: 'string' }, rounds: { type: 'string', default: '60' }, only: { type: 'string' } } });
const ROUNDS = Number(args.rounds);
const log = (s) => console.log(`[strict-oauth] ${s}`);

const ORIGIN = 'http://localhost:3000';
const CALLBACK = `${ORIGIN}/api/auth/sign-in-callback`;
const SECRET = 'bench-strict-oauth-secret-bench-strict-oauth-0123';
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const API = 'https://api.bench.example';
const SCOPES = ['openid', 'email', 'offline_access', 'api:read'];
const CLIENT_SECRET = 'bench-client-secret-bench-client-secret-bench-client-secret-0123456789';
const TICK_MS = 10; // /proc/<pid>/stat counts in USER_HZ (100 on Linux)

// ---------------------------------------------------------------- IdP processes
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

function startIdp(options) {
  const child = spawn(process.execPath, [join(root, 'bench', 'strict-oauth-idp.mjs'), JSON.stringify(options)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev IdP not ready:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /READY (\S+)/.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        issuer: m[1],
        /** CPU milliseconds (user + system) the IdP process has used. */
        cpuMs() {
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
        },
        stats: async () => (await fetch(`${m[1]}/dev/stats`)).json(),
        resetStats: async () => void (await fetch(`${m[1]}/dev/stats/reset`, { method: 'POST' })).arrayBuffer(),
        stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', done), child.kill('SIGTERM')))),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c));
    child.once('exit', (code) => reject(new Error(`dev IdP exited (${code}):\n${output}`)));
  });
}

// ---------------------------------------------------------------- cookies and contexts
/** The Cookie header after a response's Set-Cookie lines (deletions applied). */
function applySetCookie(cookie, lines) {
  const jar = new Map(cookie ? cookie.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]) : []);
  for (const line of lines) {
    const pair = line.split(';')[0];
    const name = pair.slice(0, pair.indexOf('='));
    if (/;\s*Max-Age=0\b/i.test(line) || /;\s*Expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, pair.slice(pair.indexOf('=') + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
const sessionOnly = (cookie) => cookie.split('; ').filter((p) => /^nsa\.session(\.\d+)?=/.test(p)).join('; ');

/** Runs `operation` in a route-handler context ({ request, response }); returns its value and the Cookie header the browser would send next. */
async function inContext(runtime, cookie, operation) {
  const response = new Response(null);
  const value = await createRunWithServerContext(runtime)({
    nextServerContext: { request: new Request(`${ORIGIN}/api/bench`, { headers: { cookie } }), response },
    operation,
  });
  return { value, cookie: sessionOnly(applySetCookie(cookie, response.headers.getSetCookie())) };
}

const route = (handlers, url, cookie) =>
  handlers.GET(new Request(url, { headers: cookie ? { cookie } : {} }), { params: Promise.resolve({ slug: new URL(url).pathname.split('/').pop() }) });

/** A sign-in through the auth routes and the IdP's real login page (as signInFlow.ts in the tests). Returns the session Cookie header. */
async function signInThroughRoutes(runtime) {
  const handlers = createAuthRouteHandlersFor(runtime)({ redirectOnSignInComplete: '/me' });
  const start = await route(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/me`);
  if (start.status !== 302) throw new Error(`bench: sign-in answered ${start.status}`);
  const transaction = applySetCookie('', start.headers.getSetCookie());
  const jar = new CookieJar();
  let url = new URL(start.headers.get('location'));
  let response = await jar.fetch(url);
  for (let hop = 0; hop < 20; hop++) {
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      url = new URL(response.headers.get('location'), url);
      if (url.origin === ORIGIN) {
        const callback = await route(handlers, url.href, transaction);
        if (callback.status !== 303) throw new Error(`bench: callback answered ${callback.status}: ${await callback.text()}`);
        return sessionOnly(applySetCookie('', callback.headers.getSetCookie()));
      }
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    const action = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i.exec(html)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`bench: the IdP showed no login form (${response.status})`);
    url = new URL(action, url);
    response = await jar.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(ALICE).toString() });
  }
  throw new Error('bench: too many redirects');
}

// ---------------------------------------------------------------- sampling
const summary = (values) => ({
  p50: quantile(values, 0.5),
  p90: quantile(values, 0.9),
  p99: quantile(values, 0.99),
  mean: values.reduce((a, b) => a + b, 0) / values.length,
  n: values.length,
});

/**
 * Each round runs every case once, order rotated. Per case: wall ms and this
 * process's CPU ms per operation (p50/p99), and the IdP's CPU ms per
 * operation (sum over the case's operations / their number: /proc ticks are 10 ms).
 */
async function sample(cases, rounds, idp) {
  const wall = Object.fromEntries(cases.map((c) => [c.name, []]));
  const cpu = Object.fromEntries(cases.map((c) => [c.name, []]));
  const idpCpu = Object.fromEntries(cases.map((c) => [c.name, 0]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length];
      const at = c.idp ?? idp;
      const idpBefore = at?.cpuMs() ?? 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await c.run();
      const ms = performance.now() - t0;
      const used = process.cpuUsage(c0);
      idpCpu[c.name] += (at?.cpuMs() ?? 0) - idpBefore;
      wall[c.name].push(ms);
      cpu[c.name].push((used.user + used.system) / 1000);
    }
  }
  return Object.fromEntries(
    cases.map((c) => [c.name, { label: c.label, wallMs: summary(wall[c.name]), cpuMs: summary(cpu[c.name]), ...(idp ? { idpCpuMsPerOp: idpCpu[c.name] / rounds } : {}) }]),
  );
}

const show = (name, v) =>
  log(`  ${name}: p50 ${v.wallMs.p50.toFixed(2)} ms, p99 ${v.wallMs.p99.toFixed(2)} ms, CPU p50 ${v.cpuMs.p50.toFixed(2)} ms${v.idpCpuMsPerOp !== undefined ? `, IdP CPU ${v.idpCpuMsPerOp.toFixed(1)} ms/op` : ''} (N ${v.wallMs.n})`);

// ---------------------------------------------------------------- cognito (1, 2)
function outputs(clientId, identity = {}) {
  return {
    version: '1.4',
    auth: {
      user_pool_id: DEV_IDP_USER_POOL_ID,
      aws_region: 'us-east-1',
      user_pool_client_id: clientId,
      ...identity,
      oauth: { domain: 'my-app.auth.us-east-1.amazoncognito.com', scopes: ['openid', 'email'], redirect_sign_in_uri: [CALLBACK], redirect_sign_out_uri: [`${ORIGIN}/`], response_type: 'code' },
    },
  };
}

async function cognitoPart() {
  const idp = await startIdp({ clients: [{ clientId: 'benchcognito', redirectUris: [CALLBACK], postLogoutRedirectUris: [] }], identityPool: { id: DEFAULT_IDENTITY_POOL_ID } });
  try {
    const runtimeOf = (cognito, identity) => createAuthRuntime(outputs('benchcognito', identity), { secret: SECRET, origin: ORIGIN, cognito: { userPoolEndpoint: idp.issuer, ...cognito } }, {});
    const srp = runtimeOf({});
    const password = runtimeOf({ authFlow: 'USER_PASSWORD_AUTH' });
    if (srp.config.authFlow !== 'USER_SRP_AUTH') throw new Error(`bench: default authFlow is ${srp.config.authFlow}`);
    const signIn = async (runtime) => {
      let written = [];
      const store = MutableRequestCookiesAdapter.wrap(new RequestCookies(new Headers()), (lines) => void (written = lines));
      const cognito = createCognitoActionsFor(runtime, { cookies: async () => store, headers: async () => new Headers({ 'user-agent': 'bench' }) });
      const { user } = await cognito.signIn(ALICE);
      if (user.username !== ALICE.username) throw new Error('bench: signIn returned another user');
      const cookie = sessionOnly(applySetCookie('', written));
      if (!cookie) throw new Error('bench: signIn wrote no session cookie');
      return cookie;
    };
    log('(1) cognito.signIn: USER_SRP_AUTH vs USER_PASSWORD_AUTH');
    for (let i = 0; i < 3; i++) await Promise.all([signIn(srp), signIn(password)]);
    const signInRounds = Math.max(10, Math.round(ROUNDS * 0.75));
    const signInCases = await sample(
      [
        { name: 'srp', label: '`cognito.signIn`, `USER_SRP_AUTH` (the default): InitiateAuth + RespondToAuthChallenge (PASSWORD_VERIFIER)', run: () => signIn(srp) },
        { name: 'password', label: '`cognito.signIn`, `authFlow: \'USER_PASSWORD_AUTH\'`: one InitiateAuth', run: () => signIn(password) },
      ],
      signInRounds,
      idp,
    );
    for (const [k, v] of Object.entries(signInCases)) show(k, v);

    log('(2) fetchAuthSession with identity-pool credentials');
    const cookie = await signIn(password);
    const read = (runtime) =>
      inContext(runtime, cookie, async (ctx) => {
        const s = await fetchAuthSession(ctx);
        if (!s.tokens) throw new Error('bench: signed out');
        return s;
      });
    const withPool = () => runtimeOf({}, { identity_pool_id: DEFAULT_IDENTITY_POOL_ID });
    // Fresh runtimes per round: each keeps its own credentials cache (per runner).
    let pool;
    let none;
    for (let i = 0; i < 3; i++) await read(withPool()); // SDK import, JIT
    await idp.resetStats();
    const identityRounds = ROUNDS;
    const identityCases = await sample(
      [
        {
          name: 'noPoolFirst',
          label: 'without an identity pool: first call of a new runner',
          run: async () => {
            none = runtimeOf({});
            await read(none);
          },
        },
        {
          name: 'poolFirst',
          label: 'with `identity_pool_id`: first call of a new runner (GetId + GetCredentialsForIdentity over loopback)',
          run: async () => {
            pool = withPool();
            const { value } = await read(pool);
            if (!value.credentials?.accessKeyId || !value.identityId) throw new Error('bench: no identity credentials');
          },
        },
        {
          name: 'poolCached',
          label: 'with `identity_pool_id`: the same runner again (credentials cached)',
          run: async () => {
            const { value } = await read(pool);
            if (!value.credentials) throw new Error('bench: no cached credentials');
          },
        },
        { name: 'noPoolWarm', label: 'without an identity pool: the same runner again', run: () => read(none) },
      ],
      identityRounds,
      idp,
    );
    const stats = await idp.stats();
    for (const [k, v] of Object.entries(identityCases)) show(k, v);
    // The cached read against the warm read without a pool, batched (single operations are too short to time alone on this machine).
    const identityMicro = await measure(
      [
        { name: 'poolCached', run: async (n) => { for (let i = 0; i < n; i++) await read(pool); } },
        { name: 'noPoolWarm', run: async (n) => { for (let i = 0; i < n; i++) await read(none); } },
        {
          name: 'sha256',
          // What the credentials cache does per call to make its key (createIdentityCredentials' keyOf).
          run: async (n) => {
            for (let i = 0; i < n; i++) await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`identity:${'8f4c1b2e-0d3a-4c5e-9f7a-1b2c3d4e5f60'}`));
          },
        },
      ],
      { rounds: 21, sampleMs: 40, warmupMs: 500 },
    );
    for (const [k, v] of Object.entries(identityMicro)) log(`  ${k} (batched): median ${v.medianUs.toFixed(1)} µs (p25 ${v.p25Us.toFixed(1)}, p75 ${v.p75Us.toFixed(1)})`);
    log(`  identity calls: ${JSON.stringify(stats.identityCalls)}`);
    return { signIn: signInCases, identity: { cases: identityCases, micro: identityMicro, identityCalls: stats.identityCalls } };
  } finally {
    await idp.stop();
  }
}

// ---------------------------------------------------------------- strict OAuth (3–8)
async function keyPair(alg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const pub = await exportJWK(publicKey);
  return { privateJwk: await exportJWK(privateKey), publicJwk: { ...pub, kid: await calculateJwkThumbprint(pub) } };
}

async function strictPart() {
  const es256 = await keyPair('ES256');
  const rs256 = await keyPair('RS256');
  const client = (clientId, extra) => ({ clientId, redirectUris: [CALLBACK], postLogoutRedirectUris: [`${ORIGIN}/`], ...extra });
  const common = { mode: 'oidc', secondFactor: true, accessTokenTtl: 3600, resources: { [API]: { scope: 'api:read' } } };
  // Two IdP processes, the same but for DPoP: the dev IdP drops a client's
  // `dpopBoundAccessTokens: false` (resolveOptions' checkClient does not copy
  // it), so with `dpop: true` every client is bound and a Bearer client's code
  // exchange is refused (invalid_grant). The DPoP client has its own IdP.
  const idp = await startIdp({
    ...common,
    clients: [
      client('bench-basic', { clientSecret: CLIENT_SECRET }),
      client('bench-pkjwt-es256', { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [es256.publicJwk] } }),
      client('bench-pkjwt-rs256', { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [rs256.publicJwk] } }),
      client('bench-csjwt', { tokenEndpointAuthMethod: 'client_secret_jwt', clientSecret: CLIENT_SECRET }),
    ],
  });
  const dpopIdp = await startIdp({ ...common, dpop: true, clients: [client('bench-dpop', { clientSecret: CLIENT_SECRET })] });
  const upstream = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const ok = /^Bearer \S+$/.test(auth) || (/^DPoP \S+$/.test(auth) && typeof req.headers.dpop === 'string');
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? JSON.stringify({ notes: ['a', 'b'], scheme: auth.split(' ')[0] }) : '{}');
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamOrigin = `http://127.0.0.1:${upstream.address().port}`;
  try {
    const runtimeOf = (oidc, at = idp) => createAuthRuntime({ oidc: { issuer: at.issuer, scopes: SCOPES, resources: [API], ...oidc } }, { secret: SECRET, origin: ORIGIN }, {});
    const runtimes = {
      basic: runtimeOf({ clientId: 'bench-basic', clientSecret: CLIENT_SECRET }),
      pkjwtEs256: runtimeOf({ clientId: 'bench-pkjwt-es256', clientPrivateKey: es256.privateJwk }),
      pkjwtRs256: runtimeOf({ clientId: 'bench-pkjwt-rs256', clientPrivateKey: rs256.privateJwk }),
      csjwt: runtimeOf({ clientId: 'bench-csjwt', clientSecret: CLIENT_SECRET, clientAuthentication: 'client_secret_jwt' }),
      dpop: runtimeOf({ clientId: 'bench-dpop', clientSecret: CLIENT_SECRET, dpop: true }, dpopIdp),
      par: runtimeOf({ clientId: 'bench-basic', clientSecret: CLIENT_SECRET, pushedAuthorizationRequests: true }),
    };
    const cookies = {};
    for (const name of ['basic', 'pkjwtEs256', 'pkjwtRs256', 'csjwt', 'dpop']) cookies[name] = await signInThroughRoutes(runtimes[name]);
    log(`signed in 5 clients through the routes`);

    // (3) refresh through the library's refresher (forceRefresh in a route handler context), the cookie chained.
    log('(3) refresh: client authentication methods and DPoP');
    const refresh = (name) => async () => {
      const before = cookies[name];
      const { value, cookie } = await inContext(runtimes[name], before, (ctx) => fetchAuthSession(ctx, { forceRefresh: true }));
      if (!value.tokens || cookie === before || !cookie) throw new Error(`bench: ${name} did not refresh`);
      cookies[name] = cookie;
    };
    const refreshLabels = {
      basic: '`client_secret_basic`',
      pkjwtEs256: '`private_key_jwt`, ES256 client key',
      pkjwtRs256: '`private_key_jwt`, RS256 client key (2048-bit)',
      csjwt: '`client_secret_jwt` (HS256)',
      dpop: '`client_secret_basic` + DPoP (`dpop: true`: a proof per token request, ES256)',
    };
    for (let i = 0; i < 3; i++) for (const name of Object.keys(refreshLabels)) await refresh(name)();
    await idp.resetStats();
    await dpopIdp.resetStats();
    const refreshCases = await sample(
      Object.entries(refreshLabels).map(([name, label]) => ({ name, label, run: refresh(name), ...(name === 'dpop' ? { idp: dpopIdp } : {}) })),
      ROUNDS,
      idp,
    );
    const refreshStats = await idp.stats();
    refreshStats.tokenCalls.refresh_token += (await dpopIdp.stats()).tokenCalls.refresh_token;
    for (const [k, v] of Object.entries(refreshCases)) show(k, v);
    const expectedRefreshes = ROUNDS * Object.keys(refreshLabels).length;
    if (refreshStats.tokenCalls.refresh_token !== expectedRefreshes) throw new Error(`bench: ${refreshStats.tokenCalls.refresh_token} refresh calls, expected ${expectedRefreshes}`);

    // (4) sign-in start with and without PAR.
    log('(4) /api/auth/sign-in: plain vs PAR');
    const plainHandlers = createAuthRouteHandlersFor(runtimes.basic)({ redirectOnSignInComplete: '/me' });
    const parHandlers = createAuthRouteHandlersFor(runtimes.par)({ redirectOnSignInComplete: '/me' });
    const start = (handlers, pushed) => async () => {
      const res = await route(handlers, `${ORIGIN}/api/auth/sign-in?returnTo=/me`);
      const location = res.headers.get('location') ?? '';
      if (res.status !== 302 || location.includes('request_uri=') !== pushed) throw new Error(`bench: sign-in start ${res.status} ${location.slice(0, 120)}`);
    };
    for (let i = 0; i < 5; i++) await Promise.all([start(plainHandlers, false)(), start(parHandlers, true)()]);
    const startCases = await sample(
      [
        { name: 'plain', label: 'plain authorization request (a redirect with the parameters in the URL)', run: start(plainHandlers, false) },
        { name: 'par', label: '`pushedAuthorizationRequests: true`: POST to the IdP\'s `/request` (client_secret_basic) first, redirect with `request_uri`', run: start(parHandlers, true) },
      ],
      ROUNDS,
      idp,
    );
    for (const [k, v] of Object.entries(startCases)) show(k, v);

    // (5) API proxy per request, Bearer vs DPoP.
    log('(5) createApiProxy: Bearer vs DPoP');
    const routes = { '/api/proxy/notes': `${upstreamOrigin}/notes` };
    const proxies = { basic: createApiProxyFor(runtimes.basic)({ routes }), dpop: createApiProxyFor(runtimes.dpop)({ routes }) };
    const proxied = (name, scheme) => async () => {
      const res = await proxies[name].GET(new Request(`${ORIGIN}/api/proxy/notes`, { headers: { cookie: cookies[name], 'sec-fetch-site': 'same-origin' } }));
      const body = await res.text();
      if (res.status !== 200 || !body.includes(`"scheme":"${scheme}"`)) throw new Error(`bench: proxy ${name} answered ${res.status} ${body.slice(0, 100)}`);
      if (res.headers.getSetCookie().length) throw new Error('bench: the proxy rewrote the session (refresh?)');
    };
    const direct = async () => {
      const res = await fetch(`${upstreamOrigin}/notes`, { headers: { authorization: 'Bearer x' } });
      if (res.status !== 200) throw new Error('bench: upstream');
      await res.text();
    };
    for (let i = 0; i < 50; i++) await Promise.all([proxied('basic', 'Bearer')(), proxied('dpop', 'DPoP')(), direct()]);
    const proxyRounds = ROUNDS * 5;
    const proxyCases = await sample(
      [
        { name: 'direct', label: 'baseline: `fetch` straight to the upstream (no proxy, no session)', run: direct },
        { name: 'bearer', label: 'proxy, Bearer session (`Authorization: Bearer`)', run: proxied('basic', 'Bearer') },
        { name: 'dpop', label: 'proxy, DPoP session (`Authorization: DPoP` + a new ES256 proof per request)', run: proxied('dpop', 'DPoP') },
      ],
      proxyRounds,
    );
    for (const [k, v] of Object.entries(proxyCases)) show(k, v);
    // What the DPoP proof alone costs: the proxy's per-request signer (key import cached) vs one bare WebCrypto ES256 signature.
    const unsealed = async (cookie) => unsealData(cookie.split('; ').sort().map((p) => p.slice(p.indexOf('=') + 1)).join(''), { password: { 1: SECRET }, ttl: 0 });
    const session = await unsealed(cookies.dpop);
    if (typeof session.dk !== 'string' || typeof session.at !== 'string') throw new Error('bench: no DPoP key in the DPoP session');
    const upstreamUrl = new URL(`${upstreamOrigin}/notes`);
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const proofInput = new TextEncoder().encode('x'.repeat(400));
    const proofCases = await measure(
      [
        {
          name: 'signer',
          run: async (n) => {
            for (let i = 0; i < n; i++) {
              const headers = new Headers();
              await (await createDPoPSigner(session.dk)).authorize(headers, upstreamUrl, 'GET', session.at);
              if (!headers.get('dpop')) throw new Error('bench: no proof');
            }
          },
        },
        {
          name: 'es256Sign',
          run: async (n) => {
            for (let i = 0; i < n; i++) await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, proofInput);
          },
        },
      ],
      { rounds: 21, sampleMs: 40, warmupMs: 500, log },
    );
    for (const [k, v] of Object.entries(proofCases)) log(`  ${k}: median ${v.medianUs.toFixed(1)} µs (p25 ${v.p25Us.toFixed(1)}, p75 ${v.p75Us.toFixed(1)})`);

    // (6) sealed cookie bytes, fresh from a sign-in, with and without the DPoP key.
    log('(6) cookie bytes');
    const cookieBytes = async (runtime) => {
      const cookie = await signInThroughRoutes(runtime);
      const chunks = cookie.split('; ').sort();
      const sealed = chunks.map((p) => p.slice(p.indexOf('=') + 1)).join('');
      const data = await unsealData(sealed, { password: { 1: SECRET }, ttl: 0 });
      const fields = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v.length : JSON.stringify(v).length]));
      return { cookieHeaderBytes: Buffer.byteLength(cookie), sealedBytes: sealed.length, chunks: chunks.length, fields, jsonBytes: JSON.stringify(data).length };
    };
    const bytes = { bearer: await cookieBytes(runtimes.basic), dpop: await cookieBytes(runtimes.dpop) };
    log(`  bearer ${JSON.stringify(bytes.bearer)}`);
    log(`  dpop   ${JSON.stringify(bytes.dpop)}`);

    // (7) getAccessToken(resource): cached vs a fresh grant; two sessions of one client so the fresh grants' rotations never touch the cached one.
    log('(7) getAccessToken(resource): cached vs fresh grant');
    const sessions = { cached: await signInThroughRoutes(runtimes.basic), fresh: await signInThroughRoutes(runtimes.basic), own: cookies.basic };
    const accessToken = (which, options) => async () => {
      const { value, cookie } = await inContext(runtimes.basic, sessions[which], (ctx) => getAccessToken(ctx, options));
      if (typeof value.token !== 'string') throw new Error('bench: no access token');
      const aud = JSON.parse(Buffer.from(value.token.split('.')[1], 'base64url').toString()).aud;
      if (options.resource && ![aud].flat().includes(options.resource)) throw new Error(`bench: resource token with aud ${aud}`);
      if (cookie) sessions[which] = cookie;
    };
    for (let i = 0; i < 3; i++) {
      await accessToken('cached', { resource: API })();
      await accessToken('fresh', { resource: API, forceRefresh: true })();
      await accessToken('own', {})();
    }
    await idp.resetStats();
    const tokenCases = await sample(
      [
        { name: 'own', label: 'baseline: `getAccessToken(ctx)`, the session\'s own token (valid: no IdP call)', run: accessToken('own', {}) },
        { name: 'cached', label: '`getAccessToken(ctx, { resource })`, cached (this process\'s resource-token cache)', run: accessToken('cached', { resource: API }) },
        { name: 'fresh', label: '`getAccessToken(ctx, { resource, forceRefresh: true })`: a refresh_token grant with `resource=` (rotating: the session is written back)', run: accessToken('fresh', { resource: API, forceRefresh: true }) },
      ],
      ROUNDS,
      idp,
    );
    const tokenStats = await idp.stats();
    for (const [k, v] of Object.entries(tokenCases)) show(k, v);
    if (tokenStats.tokenCalls.refresh_token !== ROUNDS) throw new Error(`bench: ${tokenStats.tokenCalls.refresh_token} grants for ${ROUNDS} fresh calls`);

    // (8) guard per request: a step-up rule vs a plain rule (warm session, micro-benchmark).
    log('(8) guard: step-up rule vs plain rule');
    const guards = {
      plain: createAuthGuardFor(runtimes.basic)({ rules: [{ path: '/secure' }] }),
      stepUp: createAuthGuardFor(runtimes.basic)({ rules: [{ path: '/secure', maxAge: 3600, acr: 'pwd' }] }),
    };
    const guardCookie = sessions.cached;
    const through = (guard) => async (n) => {
      for (let i = 0; i < n; i++) {
        const res = await guard(new NextRequest(`${ORIGIN}/secure`, { headers: { cookie: guardCookie } }));
        if (res.headers.get('x-middleware-next') !== '1') throw new Error(`bench: the guard did not let the request through (${res.status})`);
      }
    };
    const guardCases = await measure(
      [
        { name: 'plain', run: through(guards.plain) },
        { name: 'stepUp', run: through(guards.stepUp) },
      ],
      { rounds: 31, sampleMs: 40, warmupMs: 1000, log },
    );
    for (const [k, v] of Object.entries(guardCases)) log(`  ${k}: median ${v.medianUs.toFixed(1)} µs (p25 ${v.p25Us.toFixed(1)}, p75 ${v.p75Us.toFixed(1)}, ${v.samples} samples of ${v.batch})`);

    return {
      refresh: { cases: refreshCases, refreshCalls: refreshStats.tokenCalls.refresh_token },
      signInStart: { cases: startCases },
      proxy: { cases: proxyCases, proof: proofCases },
      cookieBytes: bytes,
      resourceToken: { cases: tokenCases, grants: tokenStats.tokenCalls.refresh_token },
      guard: { cases: guardCases },
    };
  } finally {
    upstream.closeAllConnections();
    upstream.close();
    await idp.stop();
    await dpopIdp.stop();
  }
}

// ---------------------------------------------------------------- run
const started = performance.now();
const cognito = args.only === 'strict' ? {} : await cognitoPart();
const strict = args.only === 'cognito' ? {} : await strictPart();
const result = { date: new Date().toISOString(), rounds: ROUNDS, seconds: (performance.now() - started) / 1000, ...cognito, ...strict };
log(`done in ${result.seconds.toFixed(0)} s`);
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
