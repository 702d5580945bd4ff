// Refresh storm across instances (issue 10): one browser's expired session
// hits 3 app instances at once (3 child processes, bench/store-storm-worker.mjs,
// each createServerRunner from dist/ answering route-handler requests),
// with and without a shared Redis store (Debian's redis-server, started here
// on a free loopback port), against the real dev IdP with strict rotation
// (reusing a rotated-out refresh token revokes the whole grant). Records
// token-endpoint calls per storm, requests signed out, whether the grant is
// still alive afterwards, and per-request latency. Then, in this process, the
// warm read with a store configured vs without (same cookie, interleaved).
//
//   node bench/store-storm.mjs --out results.json [--sizes 30,200] [--storms 5]
import { fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCookieStoreFromFetchApi } from '../dist/cookies/createCookieStoreFromFetchApi.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { startDevIdp, signInWithPassword } from '../dist/dev-idp/index.js';
import { createRedisStore } from '../dist/redis/index.js';
import { fetchAuthSession } from '../dist/server.js';
import { ensureRedis } from '../scripts/ensure-redis.mjs';
import { measure, median, quantile } from './lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { RequestCookies } = require('next/dist/compiled/@edge-runtime/cookies/index.js');
const { RequestCookiesAdapter } = require('next/dist/server/web/spec-extension/adapters/request-cookies.js');
const { HeadersAdapter } = require('next/dist/server/web/spec-extension/adapters/headers.js');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    sizes: { type: 'string', default: '30,200' },
    storms: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '31' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const storms = Number(args.storms);
const ORIGIN = 'http://localhost:3000';
const CLIENT_ID = 'bench-store-storm';
const SECRET = 'bench-store-storm-secret-bench-store-storm-01';
const TTL = 2;
const log = (s) => console.log(`[store-storm] ${s}`);

// --- Redis ----------------------------------------------------------------
const REDIS_SERVER = ensureRedis();
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const redisPort = await freePort();
const redis = spawn(REDIS_SERVER, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  let out = '';
  redis.stdout.on('data', (c) => {
    out += c;
    if (out.includes('Ready to accept connections')) resolve();
  });
  redis.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
});
redis.stdout.resume();
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const redisVersion = (await import('node:child_process')).spawnSync(REDIS_SERVER, ['--version']).stdout.toString().match(/v=(\S+)/)?.[1];
log(`redis-server ${redisVersion} on ${redisUrl}`);

// --- the dev IdP (strict rotation is its default) ------------------------
const idp = await startDevIdp({
  port: 0,
  quiet: true,
  accessTokenTtl: TTL,
  clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
});
const prefix = `bench-${process.pid}`;

// --- 3 instances ------------------------------------------------------------
const workers = await Promise.all(
  [0, 1, 2].map(
    () =>
      new Promise((resolve, reject) => {
        const child = fork(join(here, 'store-storm-worker.mjs'), [JSON.stringify({ issuer: idp.issuer, clientId: CLIENT_ID, secret: SECRET, origin: ORIGIN, redisUrl, prefix })], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        child.once('message', (m) => (m.type === 'up' ? resolve(child) : reject(new Error('worker did not start'))));
        child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      }),
  ),
);
const ask = (child, msg, want) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.type !== want) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send(msg);
  });

// A store-less runtime of this process: seals the first cookie, checks the grant afterwards.
const local = createAuthRuntime({ oidc: { issuer: idp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: SECRET, origin: ORIGIN }, {});
const localRun = createRunWithServerContext(local);

async function sealedCookie(runtime, tokens) {
  const response = new Response(null);
  await runtime.codec.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), tokens);
  return response.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
}

async function signIn(issuer = idp.issuer) {
  const t = await signInWithPassword({ issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}/cb`, username: 'alice@example.com', password: 'alice-password' });
  return { idToken: t.idToken, accessToken: t.accessToken, refreshToken: t.refreshToken };
}

/** Is the grant behind `cookie` alive? A forced refresh of it (after the storm's count was taken). */
async function grantAlive(cookie) {
  if (!cookie) return false;
  try {
    const s = await localRun({
      nextServerContext: { request: new Request(`${ORIGIN}/api/me`, { headers: { cookie } }), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx, { forceRefresh: true }),
    });
    return s.tokens?.idToken.payload.email === 'alice@example.com';
  } catch {
    return false;
  }
}

async function storm(mode, instances, size) {
  const cookie = await sealedCookie(local, await signIn());
  await sleep(TTL * 1000 + 150); // the access token really expires
  const used = workers.slice(0, instances);
  const share = (i) => Math.floor(size / instances) + (i < size % instances ? 1 : 0);
  await Promise.all(used.map((w, i) => ask(w, { type: 'prepare', mode, cookie, count: share(i) }, 'ready')));
  idp.resetStats();
  const done = await Promise.all(used.map((w) => ask(w, { type: 'go' }, 'done')));
  const tokenCalls = idp.stats().tokenCalls.refresh_token ?? 0;
  const ok = done.reduce((n, d) => n + d.ok, 0);
  const alive = await grantAlive(done.find((d) => d.newCookie)?.newCookie);
  return {
    tokenCalls,
    ok,
    alive,
    threw: done.flatMap((d) => d.threw).length,
    storeUnavailable: done.reduce((n, d) => n + d.storeUnavailable, 0),
    latencies: done.flatMap((d) => d.latencies),
  };
}

const CONFIGS = [
  { mode: 'none', instances: 1, label: '1 instance, no store' },
  { mode: 'store', instances: 1, label: '1 instance, Redis store' },
  { mode: 'none', instances: 3, label: '3 instances, no store' },
  { mode: 'store', instances: 3, label: '3 instances, one Redis store' },
];
// One uncounted storm per configuration first: JIT, keep-alive and Redis connections warm in every instance.
for (const c of CONFIGS) await storm(c.mode, c.instances, 30);
const stormResults = [];
for (const size of sizes) {
  const acc = new Map(CONFIGS.map((c) => [c, { per: [], all: [] }]));
  // Configurations interleaved storm by storm: the same interference for each.
  for (let i = 0; i < storms; i++) {
    for (const c of CONFIGS) {
      const r = await storm(c.mode, c.instances, size);
      const a = acc.get(c);
      a.per.push({ tokenCalls: r.tokenCalls, ok: r.ok, alive: r.alive, threw: r.threw, storeUnavailable: r.storeUnavailable });
      a.all.push(...r.latencies);
      log(`${size} requests, ${c.label}, storm ${i + 1}/${storms}: ${r.tokenCalls} token-endpoint call(s), ${r.ok}/${size} signed in, grant ${r.alive ? 'alive' : 'REVOKED'}${r.threw ? `, ${r.threw} threw` : ''}`);
    }
  }
  for (const c of CONFIGS) {
    const { per, all } = acc.get(c);
    stormResults.push({
      size,
      mode: c.mode,
      instances: c.instances,
      label: c.label,
      storms,
      tokenCalls: per.map((s) => s.tokenCalls),
      signedIn: per.map((s) => s.ok),
      grantAlive: per.map((s) => s.alive),
      // A session is lost when any of its requests ended signed out or its grant is revoked afterwards.
      sessionsLost: per.filter((s) => s.ok < size || !s.alive).length,
      threw: per.reduce((n, s) => n + s.threw, 0),
      storeUnavailable: per.reduce((n, s) => n + s.storeUnavailable, 0),
      p50Ms: Number(median(all).toFixed(2)),
      p99Ms: Number(quantile(all, 0.99).toFixed(2)),
      maxMs: Number(Math.max(...all).toFixed(2)),
    });
  }
}
await Promise.all(workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.send({ type: 'exit' })))));

// --- warm read, store vs no store, same process, same cookie ---------------
log('warm read: store vs no store…');
const warmIdp = await startDevIdp({
  port: 0,
  quiet: true,
  clients: [{ clientId: CLIENT_ID, redirectUris: [`${ORIGIN}/cb`], postLogoutRedirectUris: [`${ORIGIN}/`] }],
});
const realStore = createRedisStore({ url: redisUrl, prefix: `${prefix}-warm` });
let storeCalls = 0;
const countingStore = new Proxy(realStore, {
  get(target, prop, receiver) {
    const value = Reflect.get(target, prop, receiver);
    if (typeof value !== 'function') return value;
    return (...a) => {
      storeCalls++;
      return value.apply(target, a);
    };
  },
});
const warmConfig = { oidc: { issuer: warmIdp.issuer, clientId: CLIENT_ID, flavor: 'cognito' } };
const plainRt = createAuthRuntime(warmConfig, { secret: SECRET, origin: ORIGIN }, {});
const storeRt = createAuthRuntime(warmConfig, { secret: SECRET, origin: ORIGIN, store: countingStore }, {});
const header = await sealedCookie(plainRt, await signIn(warmIdp.issuer));
const nextCookies = (h) => RequestCookiesAdapter.seal(new RequestCookies(HeadersAdapter.from({ cookie: h })));
function reader(rt) {
  const run = createRunWithServerContext(rt);
  return async (n) => {
    for (let i = 0; i < n; i++) {
      const session = await run({ nextServerContext: { cookies: async () => nextCookies(header) }, operation: (ctx) => fetchAuthSession(ctx) });
      if (session.userSub === undefined) throw new Error('bench: the warm read came back signed out');
    }
  };
}
const readPlain = reader(plainRt);
const readStore = reader(storeRt);
await readPlain(1);
await readStore(1);
const callsBefore = storeCalls;
const warm = await measure(
  [
    { name: 'warm.noStore', run: readPlain },
    { name: 'warm.store', run: readStore },
  ],
  { rounds: Number(args.rounds), sampleMs: 40, warmupMs: 400, log },
);
const storeCallsDuringWarm = storeCalls - callsBefore;
const ratio = warm['warm.store'].medianUs / warm['warm.noStore'].medianUs;
log(`warm: no store ${warm['warm.noStore'].medianUs.toFixed(2)} µs, store ${warm['warm.store'].medianUs.toFixed(2)} µs, ratio ${ratio.toFixed(3)}, store calls ${storeCallsDuringWarm}`);
await realStore.close();
await warmIdp.close();
await idp.close();
redis.kill('SIGKILL');

const out = {
  date: new Date().toISOString(),
  ttlSeconds: TTL,
  rotation: 'strict',
  redis: redisVersion,
  storms: stormResults,
  warm: {
    rounds: Number(args.rounds),
    noStoreUs: warm['warm.noStore'],
    storeUs: warm['warm.store'],
    ratio: Number(ratio.toFixed(4)),
    storeCalls: storeCallsDuringWarm,
  },
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
else console.log(JSON.stringify(out, null, 2));
