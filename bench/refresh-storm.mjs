// Refresh storm (issue 4): N concurrent requests carrying the same expired
// session, against a real dev IdP that rotates refresh tokens and revokes the
// whole grant on reuse. Records token-endpoint calls per storm and per-request
// latency (p50/p99). In-process: route-handler contexts (Request/Response)
// through the library's runWithServerContext, so the numbers are the
// library's and the IdP's, not Next's HTTP stack (the e2e suite runs the same
// storm against `next start`).
//
//   node bench/refresh-storm.mjs --out results.json [--sizes 10,50,200] [--storms 5]
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { fetchAuthSession } from '../dist/context/fetchAuthSession.js';
import { startDevIdp, signInWithPassword } from '../dist/dev-idp/index.js';
import { median, quantile } from './lib/measure.mjs';

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, sizes: { type: 'string', default: '10,50,200' }, storms: { type: 'string', default: '5' } },
});
const sizes = args.sizes.split(',').map(Number);
const storms = Number(args.storms);
const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'bench-storm';
const TTL = 2;

const idp = await startDevIdp({
  port: 0,
  quiet: true,
  accessTokenTtl: TTL,
  clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
});

async function storm(size) {
  // A fresh runtime per storm: no grace mapping carried over from the last one.
  const runtime = createAuthRuntime(
    { oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } },
    { secret: 'bench-storm-secret-bench-storm-secret-01', origin: ORIGIN },
    {},
  );
  const run = createRunWithServerContext(runtime);
  const t = await signInWithPassword({ issuer: idp.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  const sealed = new Response(null);
  await runtime.codec.write(
    (await import('../dist/cookies/createCookieStoreFromFetchApi.js')).createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), sealed),
    { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken },
  );
  const cookie = sealed.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
  // Let the access token really expire (plus the 30 s default leeway is capped at a quarter of the lifetime).
  await sleep(TTL * 1000 + 100);
  // Discovery and JWKS are fetched once per runtime; do it before timing, as a warm server would have.
  await runtime.endpoints();
  idp.resetStats();
  const latencies = [];
  let ok = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      const t0 = performance.now();
      const session = await run({
        nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
        operation: (ctx) => fetchAuthSession(ctx),
      });
      latencies.push(performance.now() - t0);
      if (session.tokens?.idToken.payload.email === 'alice@example.com' && session.tokens.accessToken.payload.exp * 1000 > Date.now()) ok++;
    }),
  );
  return { tokenCalls: idp.stats().tokenCalls.refresh_token, ok, latencies };
}

const results = [];
for (const size of sizes) {
  const perStorm = [];
  const all = [];
  for (let i = 0; i < storms; i++) {
    const r = await storm(size);
    perStorm.push({ tokenCalls: r.tokenCalls, ok: r.ok });
    all.push(...r.latencies);
    console.log(`[storm] ${size} concurrent, storm ${i + 1}/${storms}: ${r.tokenCalls} token-endpoint call(s), ${r.ok}/${size} signed in`);
  }
  results.push({
    size,
    storms,
    tokenCalls: perStorm.map((s) => s.tokenCalls),
    signedIn: perStorm.map((s) => s.ok),
    p50Ms: Number(median(all).toFixed(2)),
    p99Ms: Number(quantile(all, 0.99).toFixed(2)),
    maxMs: Number(Math.max(...all).toFixed(2)),
  });
}
await idp.close();
const out = { date: new Date().toISOString(), ttlSeconds: TTL, rotation: true, results };
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
else console.log(JSON.stringify(out, null, 2));
