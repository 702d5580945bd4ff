// Part 6 — server-side sessions (issue 11): `session.codec: 'server'` beside
// the stateless sealed cookie, on the same Cognito-sized tokens, in one run.
//   1. cookie bytes per request: server mode vs sealed vs Amplify's plain cookies;
//   2. warm read (`fetchAuthSession` in a `{ cookies }` context, Next's
//      `cookies()` object built per request, as Part 1) and the library's share;
//   3. cold read: one store round trip + unseal, vs the sealed cold read;
//   4. revocation propagation across 3 instances (3 Node processes, each its
//      own runtime and Redis client, one redis-server): sign-out or
//      revokeSession on instance 1, time until instances 2 and 3 read a copy
//      of the cookie as signed out; then the same with the push channel down.
//
//   node bench/server-sessions.mjs [--out FILE] [--rounds N] [--revocations N]
//
// Needs the library built (dist/) and Debian's redis-server (installed by
// scripts/ensure-redis.mjs), which it starts on a free loopback port.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unsealData } from 'iron-session';
import { createCookieStoreFromFetchApi } from '../dist/cookies/createCookieStoreFromFetchApi.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { createRedisStore } from '../dist/redis/index.js';
import { fetchAuthSession } from '../dist/server.js';
import { sha256Base64url } from '../dist/session/base64url.js';
import { createSessionIdCookie } from '../dist/session/createSessionIdCookie.js';
import { measure, median, quantile } from './lib/measure.mjs';
import { startBenchRedis } from './lib/redis.mjs';
import { CLIENT_ID, ISSUER, REGION, USER_POOL_ID, makeCognitoTokens } from './lib/tokens.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { RequestCookies } = require('next/dist/compiled/@edge-runtime/cookies/index.js');
const { RequestCookiesAdapter } = require('next/dist/server/web/spec-extension/adapters/request-cookies.js');
const { HeadersAdapter } = require('next/dist/server/web/spec-extension/adapters/headers.js');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    rounds: { type: 'string', default: '41' },
    'sample-ms': { type: 'string', default: '40' },
    'warmup-ms': { type: 'string', default: '400' },
    revocations: { type: 'string', default: '200' },
    'offline-sessions': { type: 'string', default: '200' },
  },
});
const ROUNDS = Number(args.rounds);
const SAMPLE_MS = Number(args['sample-ms']);
const WARMUP_MS = Number(args['warmup-ms']);
const REVOCATIONS = Number(args.revocations);
const OFFLINE_SESSIONS = Number(args['offline-sessions']);
const OFFLINE_MAX_AGE = 5; // seconds: session.offlineMaxAge's default
const COLD_POOL = 256;
const COLD_MAX_BATCH = 64;

// As Part 1: a production-like https origin (`__Host-` cookie names) and a
// Cognito user pool from amplify_outputs.json (no discovery; JWKS stubbed).
const ORIGIN = 'https://app.example.com';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const AMPLIFY_OUTPUTS = {
  version: '1.3',
  auth: {
    aws_region: REGION,
    user_pool_id: USER_POOL_ID,
    user_pool_client_id: CLIENT_ID,
    oauth: {
      identity_providers: [],
      domain: 'bench-pool.auth.us-east-1.amazoncognito.com',
      scopes: ['openid', 'email', 'profile'],
      redirect_sign_in_uri: [`${ORIGIN}/api/auth/sign-in-callback`],
      redirect_sign_out_uri: [`${ORIGIN}/api/auth/sign-out-callback`],
      response_type: 'code',
    },
  },
};
const JWKS_URL = `${ISSUER}/.well-known/jwks.json`;
const log = (s) => console.log(`[server-sessions] ${s}`);

// ---------------------------------------------------------------- Redis, tokens
const redis = await startBenchRedis();
log(`redis-server ${redis.version} on ${redis.url}`);
const prefix = `bench6-${process.pid}`;

const { tokens, jwks } = await makeCognitoTokens();
const tokenSizes = Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, v.length]));
// Each session its own refresh token (sign-out ends a refresh token in the
// process), the same shape and size; ID and access tokens shared.
const fresh = () => ({
  ...tokens,
  refreshToken: tokens.refreshToken
    .split('.')
    .map((part, i) => (i === 0 ? part : randomBytes(Math.ceil((part.length * 3) / 4)).toString('base64url').slice(0, part.length)))
    .join('.'),
});

let jwksFetches = 0;
let fetchAllowed = true;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url === JWKS_URL && fetchAllowed) {
    jwksFetches++;
    return new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } });
  }
  if (url === JWKS_URL) throw new Error('bench: JWKS fetched inside a timed section');
  return realFetch(input, init);
};

/** A store client that counts calls by method. */
function countingStore() {
  const real = createRedisStore({ url: redis.url, prefix });
  const calls = {};
  const store = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return (...a) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return value.apply(target, a);
      };
    },
  });
  return { store, real, calls, total: () => Object.values(calls).reduce((n, c) => n + c, 0) };
}
const clients = [];
function runtime(codec, { verifySignatures = 'once', cacheSize, store } = {}) {
  const session = { codec, verifySignatures, ...(cacheSize !== undefined ? { cacheSize } : {}) };
  return createAuthRuntime(AMPLIFY_OUTPUTS, { secret: SECRET, origin: ORIGIN, session, ...(store ? { store } : {}) }, {});
}
function serverRuntime(options = {}, wrap = (store) => store) {
  const counted = countingStore();
  clients.push(counted.real);
  return { rt: runtime('server', { ...options, store: wrap(counted.store) }), counted };
}
/** For comparison only: a store that drops the last-seen writes (`seen:<hash>`), which a cold read makes without waiting for them. */
const withoutLastSeen = (store) =>
  new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop === 'set') return (key, ...rest) => (key.startsWith('seen:') ? Promise.resolve() : value.call(target, key, ...rest));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

async function write(rt, set) {
  const response = new Response(null);
  await rt.codec.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), set, { userAgent: USER_AGENT });
  const lines = response.headers.getSetCookie();
  return { lines, header: lines.map((l) => l.split(';')[0]).join('; ') };
}

// ---------------------------------------------------------------- 1. cookie bytes
const sealedWriter = runtime('sealed', { verifySignatures: 'never' });
const amplifyWriter = runtime('amplify', { verifySignatures: 'never' });
const serverWriter = serverRuntime({ verifySignatures: 'never' });
const describe = ({ lines, header }) => ({
  cookies: lines.length,
  names: lines.map((l) => l.slice(0, l.indexOf('='))),
  setCookieBytes: lines.reduce((n, l) => n + l.length, 0),
  setCookieLineBytes: lines.map((l) => l.length),
  cookieHeaderBytes: header.length,
  valueBytes: lines.map((l) => l.split(';')[0]).reduce((n, p) => n + p.length - p.indexOf('=') - 1, 0),
  sample: lines.map((l) => `${l.slice(0, l.indexOf('=') + 13)}…${l.slice(l.indexOf(';'))}`),
});
const firstServer = await write(serverWriter.rt, fresh());
const firstSealed = await write(sealedWriter, fresh());
const firstAmplify = await write(amplifyWriter, fresh());
const cookieBytes = { server: describe(firstServer), sealed: describe(firstSealed), amplify: describe(firstAmplify) };
for (const [k, v] of Object.entries(cookieBytes)) log(`${k}: ${v.cookies} cookie(s), Cookie header ${v.cookieHeaderBytes} B, Set-Cookie ${v.setCookieBytes} B`);
const recordHash = (await serverWriter.rt.codec.read(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: { cookie: firstServer.header } }), new Response(null))))
  .serverId;
const storedRecord = await serverWriter.counted.real.get(`sess:${recordHash}`);
log(`server record in Redis: ${storedRecord.length} B (sealed tokens + sub, createdAt, user agent)`);

// ---------------------------------------------------------------- 2./3. reads
log(`writing ${COLD_POOL} server sessions and sealing ${COLD_POOL} cookies for the cold reads…`);
const serverPool = [];
const sealedPool = [];
for (let i = 0; i < COLD_POOL; i++) {
  serverPool.push((await write(serverWriter.rt, fresh())).header);
  sealedPool.push(await write(sealedWriter, fresh()));
}

const nextCookies = (header) => RequestCookiesAdapter.seal(new RequestCookies(HeadersAdapter.from({ cookie: header })));
function reader(rt) {
  const run = createRunWithServerContext(rt);
  return async (header) => {
    const session = await run({ nextServerContext: { cookies: async () => nextCookies(header) }, operation: (ctx) => fetchAuthSession(ctx) });
    if (session.userSub === undefined) throw new Error('bench: the session read as signed out');
  };
}
function prebuiltReader(rt, header) {
  const run = createRunWithServerContext(rt);
  const prebuilt = nextCookies(header);
  return async () => {
    const session = await run({ nextServerContext: { cookies: async () => prebuilt }, operation: (ctx) => fetchAuthSession(ctx) });
    if (session.userSub === undefined) throw new Error('bench: the session read as signed out');
  };
}

// Warm: the defaults (verifySignatures 'once'), a cache hit after the first read.
const serverWarm = serverRuntime();
const sealedWarmRt = runtime('sealed');
// Cold: no cache (cacheSize 0), so every read is a first read; the pools are cycled.
const serverCold = serverRuntime({ verifySignatures: 'never', cacheSize: 0 });
const serverColdOnce = serverRuntime({ cacheSize: 0 });
const serverColdNoSeen = serverRuntime({ verifySignatures: 'never', cacheSize: 0 }, withoutLastSeen);
const sealedColdRt = runtime('sealed', { verifySignatures: 'never', cacheSize: 0 });
const sealedColdOnceRt = runtime('sealed', { cacheSize: 0 });
const sealedStore = countingStore();
clients.push(sealedStore.real);
const sealedColdStoreRt = runtime('sealed', { cacheSize: 0, store: sealedStore.store });
// Subscribed before anything is read: a live push keeps warm entries until their access token is due.
for (const s of [serverWarm, serverCold, serverColdOnce, serverColdNoSeen]) if (!(await s.rt.serverCodec.ready())) throw new Error('bench: could not subscribe');

const serverHeader = firstServer.header;
const sealedHeader = firstSealed.header;
const readServerWarm = reader(serverWarm.rt);
const readSealedWarm = reader(sealedWarmRt);
const readServerLib = prebuiltReader(serverWarm.rt, serverHeader);
const readSealedLib = prebuiltReader(sealedWarmRt, sealedHeader);
const readServerCold = reader(serverCold.rt);
const readServerColdOnce = reader(serverColdOnce.rt);
const readServerColdNoSeen = reader(serverColdNoSeen.rt);
const readSealedCold = reader(sealedColdRt);
const readSealedColdOnce = reader(sealedColdOnceRt);
const readSealedColdStore = reader(sealedColdStoreRt);

// Prime: warm caches, each verifying runtime's JWKS.
await readServerWarm(serverHeader);
await readSealedWarm(sealedHeader);
await readServerLib();
await readSealedLib();
await readServerCold(serverPool[0]);
await readServerColdOnce(serverPool[0]);
await readServerColdNoSeen(serverPool[0]);
await readSealedCold(sealedPool[0].header);
await readSealedColdOnce(sealedPool[0].header);
await readSealedColdStore(sealedPool[0].header);
const jwksBeforeTiming = jwksFetches;
fetchAllowed = false;

const baseStore = createRedisStore({ url: redis.url, prefix });
clients.push(baseStore);
const secrets = sealedWriter.options.secrets;
const ttl = sealedWriter.options.cookies.maxAge;
const sealedValues = sealedPool.map((p) => p.lines.map((l) => l.slice(l.indexOf('=') + 1, l.indexOf(';'))).join(''));
await unsealData(storedRecord, { password: secrets, ttl });
// The cookie's own check, as the server codec's cold read does it first: the HMAC, then the store key.
const ids = createSessionIdCookie(secrets);
const idValues = serverPool.map((h) => h.slice(h.indexOf('=') + 1));
async function idCheck(value) {
  const id = await ids.verify(value);
  if (id === undefined) throw new Error('bench: the session id did not verify');
  return sha256Base64url(id);
}
await idCheck(idValues[0]);
await unsealData(sealedValues[0], { password: secrets, ttl });

const loop = (fn) => async (n) => {
  for (let i = 0; i < n; i++) await fn();
};
const served = { serverCold: 0, serverColdOnce: 0, sealedCold: 0, sealedColdOnce: 0, sealedColdStore: 0, unsealCookie: 0, idCheck: 0, serverColdNoSeen: 0 };
const next = (key, pool) => pool[served[key]++ % pool.length];
const cases = [
  { name: 'server.warm', run: loop(() => readServerWarm(serverHeader)) },
  { name: 'sealed.warm', run: loop(() => readSealedWarm(sealedHeader)) },
  { name: 'server.warm.libraryOnly', run: loop(readServerLib) },
  { name: 'sealed.warm.libraryOnly', run: loop(readSealedLib) },
  { name: 'next.cookiesObject.server', run: loop(async () => nextCookies(serverHeader).getAll()) },
  { name: 'next.cookiesObject.sealed', run: loop(async () => nextCookies(sealedHeader).getAll()) },
  { name: 'server.cold', run: loop(() => readServerCold(next('serverCold', serverPool))), maxBatch: COLD_MAX_BATCH },
  { name: 'sealed.cold', run: loop(() => readSealedCold(next('sealedCold', sealedPool).header)), maxBatch: COLD_MAX_BATCH },
  { name: 'server.cold.noLastSeen', run: loop(() => readServerColdNoSeen(next('serverColdNoSeen', serverPool))), maxBatch: COLD_MAX_BATCH },
  { name: 'server.cold.verifyOnce', run: loop(() => readServerColdOnce(next('serverColdOnce', serverPool))), maxBatch: COLD_MAX_BATCH },
  { name: 'sealed.cold.verifyOnce', run: loop(() => readSealedColdOnce(next('sealedColdOnce', sealedPool).header)), maxBatch: COLD_MAX_BATCH },
  { name: 'sealed.cold.verifyOnce.store', run: loop(() => readSealedColdStore(next('sealedColdStore', sealedPool).header)), maxBatch: COLD_MAX_BATCH },
  { name: 'server.idCheck', run: loop(() => idCheck(next('idCheck', idValues))) },
  { name: 'redis.get', run: loop(() => baseStore.get(`sess:${recordHash}`)), maxBatch: COLD_MAX_BATCH },
  { name: 'iron.unseal.record', run: loop(() => unsealData(storedRecord, { password: secrets, ttl })), maxBatch: COLD_MAX_BATCH },
  { name: 'iron.unseal.cookie', run: loop(() => unsealData(next('unsealCookie', sealedValues), { password: secrets, ttl })), maxBatch: COLD_MAX_BATCH },
];
const warmCallsBefore = serverWarm.counted.total();
const coldGetsBefore = { never: serverCold.counted.calls.get ?? 0, once: serverColdOnce.counted.calls.get ?? 0, sealed: sealedStore.calls.get ?? 0 };
const servedBefore = { ...served };
log(`measuring ${cases.length} cases, ${ROUNDS} rounds of ~${SAMPLE_MS} ms…`);
const micro = await measure(cases, { rounds: ROUNDS, sampleMs: SAMPLE_MS, warmupMs: WARMUP_MS, log: (s) => log(s.trim()) });
if (jwksFetches !== jwksBeforeTiming) throw new Error('bench: the JWKS was fetched during timing');
for (const [name, r] of Object.entries(micro)) log(`  ${name.padEnd(30)} ${r.medianUs.toFixed(2).padStart(9)} µs  (p25 ${r.p25Us.toFixed(2)}, p75 ${r.p75Us.toFixed(2)}, batch ${r.batch})`);
const perRead = (gets, key) => Number((gets / (served[key] - servedBefore[key])).toFixed(3));
const storeCalls = {
  warmReads: serverWarm.counted.total() - warmCallsBefore,
  serverColdGetsPerRead: perRead((serverCold.counted.calls.get ?? 0) - coldGetsBefore.never, 'serverCold'),
  serverColdOnceGetsPerRead: perRead((serverColdOnce.counted.calls.get ?? 0) - coldGetsBefore.once, 'serverColdOnce'),
  sealedStoreGetsPerRead: perRead((sealedStore.calls.get ?? 0) - coldGetsBefore.sealed, 'sealedColdStore'),
  serverColdCalls: { ...serverCold.counted.calls },
};
log(`store calls: warm ${storeCalls.warmReads}; GETs per cold read: server ${storeCalls.serverColdGetsPerRead}, sealed+store ${storeCalls.sealedStoreGetsPerRead}`);

// ---------------------------------------------------------------- 4. propagation
log('revocation propagation: 3 instances…');
const workerConfig = {
  redisUrl: redis.url,
  prefix,
  secret: SECRET,
  origin: ORIGIN,
  amplifyOutputs: AMPLIFY_OUTPUTS,
  jwks,
  jwksUrl: JWKS_URL,
  offlineMaxAge: OFFLINE_MAX_AGE,
  userAgent: USER_AGENT,
};
const workers = await Promise.all(
  [0, 1, 2].map(
    () =>
      new Promise((resolve, reject) => {
        const child = fork(join(here, 'server-sessions-worker.mjs'), [JSON.stringify(workerConfig)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        child.once('message', (m) => (m.type === 'up' ? resolve(child) : reject(new Error(`worker: ${m.message ?? m.type}`))));
        child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      }),
  ),
);
/** The next message of `type` from `child` (registered now: call before sending what triggers it). */
const waitFor = (child, type) =>
  new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.type === 'error') {
        child.off('message', on);
        reject(new Error(`worker: ${m.message}`));
      } else if (m.type === type) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
  });
const ask = (child, msg, type) => {
  const reply = waitFor(child, type);
  child.send(msg);
  return reply;
};
const [first, ...watchers] = workers;
await ask(first, { type: 'actor', mode: 'push', tokens: fresh() }, 'actorReady');

async function revocationRound(kind) {
  const {
    sessions: [s],
  } = await ask(first, { type: 'signIn', mode: 'push', tokens: [fresh()] }, 'signedIn');
  const seen = watchers.map((w) => waitFor(w, 'seen'));
  await Promise.all(watchers.map((w) => ask(w, { type: 'watch', mode: 'push', cookies: [s.cookie], pollMs: 1, timeoutMs: 2000 }, 'watching')));
  const r = await ask(first, kind === 'signOut' ? { type: 'signOut', mode: 'push', cookie: s.cookie } : { type: 'revoke', mode: 'push', id: s.id, cookie: s.cookie }, 'revoked');
  const times = (await Promise.all(seen)).map((m) => m.seen[0]);
  const ok = kind === 'signOut' ? r.status === 303 || r.status === 302 || r.status === 307 : r.ended === true;
  return { kind, ok, localSignedIn: r.localSignedIn, callMs: r.t1 - r.t0, delays: times.map((t) => (t === null ? null : t - r.t0)), afterCall: times.map((t) => (t === null ? null : t - r.t1)) };
}
const KINDS = ['signOut', 'revokeSession'];
for (let i = 0; i < 20; i++) await revocationRound(KINDS[i % 2]); // uncounted: JIT, connections
const rounds = [];
const propagationStarted = Date.now();
for (let i = 0; i < 2 * REVOCATIONS; i++) rounds.push(await revocationRound(KINDS[i % 2]));
log(`${rounds.length} revocations in ${((Date.now() - propagationStarted) / 1000).toFixed(1)} s`);
const summarize = (values) => {
  const v = values.filter((x) => x !== null);
  return {
    n: v.length,
    p50Ms: Number(median(v).toFixed(3)),
    p99Ms: Number(quantile(v, 0.99).toFixed(3)),
    maxMs: Number(Math.max(...v).toFixed(3)),
    minMs: Number(Math.min(...v).toFixed(3)),
  };
};
const propagation = {
  instances: 3,
  perKind: REVOCATIONS,
  kinds: Object.fromEntries(
    KINDS.map((kind) => {
      const rs = rounds.filter((r) => r.kind === kind);
      return [
        kind,
        {
          revocations: rs.length,
          callSucceeded: rs.filter((r) => r.ok).length,
          revokerSignedOut: rs.filter((r) => !r.localSignedIn).length,
          signedOutEverywhere: rs.filter((r) => r.delays.every((d) => d !== null)).length,
          delay: summarize(rs.flatMap((r) => r.delays)),
          call: summarize(rs.map((r) => r.callMs)),
          afterCall: summarize(rs.flatMap((r) => r.afterCall)),
        },
      ];
    }),
  ),
  all: summarize(rounds.flatMap((r) => r.delays)),
  missed: rounds.flatMap((r) => r.delays).filter((d) => d === null).length,
};
for (const [k, v] of Object.entries(propagation.kinds)) log(`${k}: p50 ${v.delay.p50Ms} ms, p99 ${v.delay.p99Ms} ms, max ${v.delay.maxMs} ms (call ${v.call.p50Ms} ms); everywhere ${v.signedOutEverywhere}/${v.revocations}`);

// Push channel down on every instance: entries live at most offlineMaxAge.
// The watchers cache session i at C + i·Δ (spread over offlineMaxAge, so
// entries expire one at a time, as with real traffic); instance 1 signs it out
// at C + offlineMaxAge + i·Δ + φ_i, φ_i spread evenly over [0, offlineMaxAge)
// (golden-ratio sequence): revocations at every point of an entry's lifetime.
log(`push channel down: ${OFFLINE_SESSIONS} sessions, offlineMaxAge ${OFFLINE_MAX_AGE} s…`);
const OFFLINE_POLL_MS = 20;
const { sessions: offlineSessions } = await ask(first, { type: 'signIn', mode: 'down', tokens: Array.from({ length: OFFLINE_SESSIONS }, fresh) }, 'signedIn');
const offlineCookies = offlineSessions.map((s) => s.cookie);
const lifeMs = OFFLINE_MAX_AGE * 1000;
const step = lifeMs / OFFLINE_SESSIONS;
const C = Number(process.hrtime.bigint()) / 1e6 + 200;
const primeAt = offlineCookies.map((_, i) => C + i * step);
const signOutAt = offlineCookies.map((cookie, i) => ({ cookie, at: C + lifeMs + i * step + ((i * 0.6180339887498949) % 1) * lifeMs }));
const offlineSeen = watchers.map((w) => waitFor(w, 'seen'));
const offlineWatching = watchers.map((w) => waitFor(w, 'watching'));
const spreadDone = waitFor(first, 'revokedAll');
for (const w of watchers) w.send({ type: 'watch', mode: 'down', cookies: offlineCookies, pollMs: OFFLINE_POLL_MS, timeoutMs: 4 * lifeMs, primeAt });
first.send({ type: 'signOutAt', mode: 'down', items: signOutAt });
await Promise.all(offlineWatching);
const spread = await spreadDone;
const offlineTimes = (await Promise.all(offlineSeen)).map((m) => m.seen);
const offlineDelays = offlineTimes.flatMap((seen) => seen.map((t, i) => (t === null ? null : t - spread.results[i].t0)));
const lateStarts = spread.results.map((r, i) => r.t0 - signOutAt[i].at);
const offline = {
  offlineMaxAgeSeconds: OFFLINE_MAX_AGE,
  sessions: OFFLINE_SESSIONS,
  pollMs: OFFLINE_POLL_MS,
  signOutStartedLateMs: summarize(lateStarts),
  signedOutEverywhere: offlineCookies.filter((_, i) => offlineTimes.every((seen) => seen[i] !== null)).length,
  revokerSignedOut: spread.results.filter((r) => !r.localSignedIn).length,
  delay: summarize(offlineDelays),
  missed: offlineDelays.filter((d) => d === null).length,
};
log(`push down: p50 ${offline.delay.p50Ms} ms, p99 ${offline.delay.p99Ms} ms, max ${offline.delay.maxMs} ms; everywhere ${offline.signedOutEverywhere}/${OFFLINE_SESSIONS}`);
const workerStats = await Promise.all(workers.map((w) => ask(w, { type: 'stats' }, 'stats')));
await Promise.all(workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.send({ type: 'exit' })))));

for (const rt of [serverWriter, serverWarm, serverCold, serverColdOnce, serverColdNoSeen]) await rt.rt.serverCodec.close();
await Promise.all(clients.map((c) => c.close().catch(() => {})));
await redis.stop();

const out = {
  date: new Date().toISOString(),
  redis: redis.version,
  tokenSizes,
  cookies: cookieBytes,
  recordBytes: storedRecord.length,
  micro: { settings: { rounds: ROUNDS, sampleMs: SAMPLE_MS, warmupMs: WARMUP_MS, coldPool: COLD_POOL }, cases: micro, storeCalls, coldReads: served },
  jwksFetches: { beforeTiming: jwksBeforeTiming, duringTiming: jwksFetches - jwksBeforeTiming },
  propagation: { ...propagation, offline, idpRevocationCalls: workerStats.map((s) => s.revocationCalls) },
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
else console.log(JSON.stringify(out, null, 2));
process.exit(0);
