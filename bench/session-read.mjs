// Part 1 — per-request cost of reading a valid sealed session with
// `fetchAuthSession` in a `{ cookies }` context, beside the baselines, on the
// same Cognito-sized tokens, in one process and one run.
//
//   node bench/session-read.mjs [--out FILE] [--rounds N] [--sample-ms MS]
//
// Needs the library built (`npm run build` → dist/). Prints a summary and,
// with --out, writes the raw results as JSON (scripts/bench.mjs uses that).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { encode as authjsEncode, decode as authjsDecode } from '@auth/core/jwt';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { parseCookie } from 'cookie';
import { unsealData } from 'iron-session';
import { jwtVerify } from 'jose';
import { createCookieStoreFromFetchApi } from '../dist/cookies/createCookieStoreFromFetchApi.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { createAuthGuardFor } from '../dist/guard/createAuthGuard.js';
import { fetchAuthSession } from '../dist/server.js';
import { createSessionCache } from '../dist/session/SessionCache.js';
import { measure } from './lib/measure.mjs';
import { CLIENT_ID, ISSUER, REGION, USER_POOL_ID, makeCognitoTokens } from './lib/tokens.mjs';

const require = createRequire(import.meta.url);
const { RequestCookies } = require('next/dist/compiled/@edge-runtime/cookies/index.js');
const { RequestCookiesAdapter } = require('next/dist/server/web/spec-extension/adapters/request-cookies.js');
const { HeadersAdapter } = require('next/dist/server/web/spec-extension/adapters/headers.js');
const { NextRequest } = require('next/server.js');

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    rounds: { type: 'string', default: '21' },
    'sample-ms': { type: 'string', default: '40' },
    'warmup-ms': { type: 'string', default: '400' },
    'cold-pool': { type: 'string', default: '3000' },
  },
});
const ROUNDS = Number(args.rounds);
const SAMPLE_MS = Number(args['sample-ms']);
const WARMUP_MS = Number(args['warmup-ms']);
const COLD_POOL = Number(args['cold-pool']);
const COLD_MAX_BATCH = 64;

// A production-like https origin: the session cookie is `__Host-nsa.session.N`.
const ORIGIN = 'https://app.example.com';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
// amplify_outputs.json for a Cognito user pool: the issuer and every endpoint
// are known without discovery, so the only network call per-request
// verification needs is the JWKS, stubbed below before anything is timed.
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

const log = (s) => console.log(s);

// ---------------------------------------------------------------- tokens
const { tokens, publicKey, jwks, username } = await makeCognitoTokens();
const tokenSizes = Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, v.length]));
log(`tokens: id ${tokenSizes.idToken} B, access ${tokenSizes.accessToken} B, refresh ${tokenSizes.refreshToken} B`);

// The JWKS "fetch": served from memory, counted, and refused once timing starts.
const realFetch = globalThis.fetch;
let jwksFetches = 0;
let fetchAllowed = true;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url === JWKS_URL && fetchAllowed) {
    jwksFetches += 1;
    return new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } });
  }
  if (url === JWKS_URL) throw new Error('bench: JWKS fetched inside a timed section');
  return realFetch(input, init);
};

// ---------------------------------------------------------------- our library
// verifySignatures: 'never' (the seal alone, the cold-read baseline), 'once'
// (per new cookie value, before caching), 'always' (every read).
const runtime = (verifySignatures) =>
  createAuthRuntime(AMPLIFY_OUTPUTS, { secret: SECRET, origin: ORIGIN, session: { verifySignatures } }, {});
// The sealer stands for the process that signed the user in: its cache is not
// the reader's, so every value it seals is new to the readers.
const sealer = runtime('never');
async function seal() {
  const response = new Response(null);
  await sealer.codec.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), { ...tokens }); // a fresh object: the codec seals one token set object once
  const lines = response.headers.getSetCookie();
  const pairs = lines.map((line) => line.split(';')[0]);
  return {
    lines,
    header: pairs.join('; '),
    sealed: pairs.map((p) => p.slice(p.indexOf('=') + 1)).join(''),
  };
}

const first = await seal();
const setCookieBytes = first.lines.reduce((n, line) => n + line.length, 0);
const cookieInfo = {
  chunks: first.lines.length,
  names: first.lines.map((l) => l.slice(0, l.indexOf('='))),
  setCookieBytes,
  setCookieLineBytes: first.lines.map((l) => l.length),
  cookieHeaderBytes: first.header.length,
  sealedBytes: first.sealed.length,
  rawTokenBytes: tokenSizes.idToken + tokenSizes.accessToken + tokenSizes.refreshToken,
  sampleSetCookie: first.lines.map((l) => `${l.slice(0, l.indexOf('=') + 13)}…${l.slice(l.indexOf(';'))}`),
};
log(`session cookie: ${cookieInfo.chunks} chunks, Set-Cookie ${setCookieBytes} B, Cookie header ${cookieInfo.cookieHeaderBytes} B`);

log(`sealing ${COLD_POOL} distinct cookie values for the cold reads…`);
const pool = [];
for (let i = 0; i < COLD_POOL; i++) pool.push(await seal());
if (new Set(pool.map((p) => p.sealed)).size !== pool.length) throw new Error('bench: sealed values are not distinct');

const warmHeader = first.header;
/**
 * What `await cookies()` from next/headers is, built the way Next's request
 * store builds it (server/async-storage/request-store.js) from Node's
 * incoming header object: a sealed RequestCookies over a HeadersAdapter.
 */
const nextCookies = (header) => RequestCookiesAdapter.seal(new RequestCookies(HeadersAdapter.from({ cookie: header })));
/** The same over a WHATWG `Headers` (as the unit tests build it): `new Headers` validates the value, which costs more. */
const nextCookiesWebHeaders = (header) => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));

function reader(rt) {
  const run = createRunWithServerContext(rt);
  return async (header) => {
    const session = await run({ nextServerContext: { cookies: async () => nextCookies(header) }, operation: (ctx) => fetchAuthSession(ctx) });
    if (session.userSub === undefined) throw new Error('bench: the session read as signed out');
    return session;
  };
}
const warmRead = reader(runtime('never'));
const coldRead = reader(runtime('never'));
const warmOnceRead = reader(runtime('once'));
const coldOnceRead = reader(runtime('once'));
const warmVerifiedRead = reader(runtime('always'));
const coldVerifiedRead = reader(runtime('always'));

// Same read, but the `cookies()` object is built once: the library's share alone.
const libOnlyRun = createRunWithServerContext(runtime('never'));
const prebuilt = nextCookies(warmHeader);
const libOnlyRead = async () => {
  const session = await libOnlyRun({ nextServerContext: { cookies: async () => prebuilt }, operation: (ctx) => fetchAuthSession(ctx) });
  if (session.userSub === undefined) throw new Error('bench: the session read as signed out');
};

// Prime: the warm caches, and each verifying runtime's JWKS (one fetch each).
for (const read of [warmRead, warmOnceRead, coldOnceRead, warmVerifiedRead, coldVerifiedRead]) await read(warmHeader);
await libOnlyRead();
const jwksFetchesBeforeTiming = jwksFetches;
fetchAllowed = false;

// ---------------------------------------------------------------- baselines
// jose: one RS256 signature check of the ID token, key already imported.
const verifyOptions = { issuer: ISSUER, audience: CLIENT_ID, algorithms: ['RS256'] };
await jwtVerify(tokens.idToken, publicKey, verifyOptions);

// Amplify's adapter per request: tokens in plain cookies, the Cookie header
// parsed, access and ID tokens verified by aws-jwt-verify (JWKS preloaded).
const amplifyPrefix = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
const amplifyHeader = [
  `${amplifyPrefix}.LastAuthUser=${username}`,
  `${amplifyPrefix}.${username}.accessToken=${tokens.accessToken}`,
  `${amplifyPrefix}.${username}.idToken=${tokens.idToken}`,
  `${amplifyPrefix}.${username}.refreshToken=${tokens.refreshToken}`,
  `${amplifyPrefix}.${username}.clockDrift=0`,
  `${amplifyPrefix}.${username}.signInDetails=${encodeURIComponent(JSON.stringify({ loginId: 'alice@example.com', authFlowType: 'USER_SRP_AUTH' }))}`,
].join('; ');
const accessVerifier = CognitoJwtVerifier.create({ userPoolId: USER_POOL_ID, tokenUse: 'access', clientId: CLIENT_ID });
const idVerifier = CognitoJwtVerifier.create({ userPoolId: USER_POOL_ID, tokenUse: 'id', clientId: CLIENT_ID });
accessVerifier.cacheJwks(jwks);
idVerifier.cacheJwks(jwks);
async function amplifyRead() {
  const cookies = parseCookie(amplifyHeader);
  const user = cookies[`${amplifyPrefix}.LastAuthUser`];
  await accessVerifier.verify(cookies[`${amplifyPrefix}.${user}.accessToken`]);
  await idVerifier.verify(cookies[`${amplifyPrefix}.${user}.idToken`]);
}
await amplifyRead();

// Auth.js: the session JWT (a JWE: dir + A256CBC-HS512, key derived with HKDF
// from the secret and the cookie name as salt) carrying the same tokens.
const authjsSalt = '__Secure-authjs.session-token';
const authjsPayload = { name: 'Alice Example', email: 'alice@example.com', sub: 'alice', ...tokens };
const authjsToken = await authjsEncode({ token: authjsPayload, secret: SECRET, salt: authjsSalt });
const decoded = await authjsDecode({ token: authjsToken, secret: SECRET, salt: authjsSalt });
if (decoded?.accessToken !== tokens.accessToken) throw new Error('bench: Auth.js decode failed');

// iron-session alone: the same sealed values, the same options as the codec.
const ttl = sealer.options.cookies.maxAge;
await unsealData(first.sealed, { password: sealer.options.secrets, ttl });

// The warm read's cache lookup on its own, as the codec calls it: with the
// chunks of this request (Next parses the header per request, so they are
// new strings every time). K cookie objects parsed up front supply such
// fresh strings without timing the parse.
const K = 1024;
const parsedRequests = Array.from({ length: K }, () => nextCookies(warmHeader));
const chunkNames = cookieInfo.names;
const lookupSession = await warmRead(warmHeader);
const sessionCache = createSessionCache(10_000);
sessionCache.set(
  chunkNames.map((n) => parsedRequests[0].get(n).value),
  lookupSession,
);
let lookupIndex = 0;
const freshParts = () => {
  const c = parsedRequests[lookupIndex++ % K];
  return chunkNames.map((name) => c.get(name).value);
};
// For comparison, the design this replaced: a Map keyed by the whole value,
// i.e. the chunks joined into a new ~5.6 KB string that V8 must flatten and
// hash on every lookup.
const wholeValueCache = new Map([[first.sealed, lookupSession]]);
const wholeValueLookup = () => wholeValueCache.get(freshParts().join(''));
if (sessionCache.get(freshParts()) !== lookupSession || wholeValueLookup() !== lookupSession) throw new Error('bench: cache lookup setup is wrong');

// The guard (proxy.ts) on a page rule, warm. Next builds the NextRequest for
// every request whether or not the guard runs, so requests are built up front
// (K of them, for fresh strings) and only the guard's own work is timed.
const guard = createAuthGuardFor(runtime('never'))({ rules: [{ path: '/dashboard' }, { path: '/admin', groups: ['ADMINS'] }] });
const guardRequests = Array.from({ length: K }, () => new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie: warmHeader } }));
let guardIndex = 0;
async function guardCall() {
  const response = await guard(guardRequests[guardIndex++ % K]);
  if (response.headers.get('x-middleware-next') !== '1') throw new Error(`bench: the guard did not let a signed-in request through (${response.status})`);
}
await guardCall();

// ---------------------------------------------------------------- cases
const counters = { cold: 0, coldOnce: 0, coldVerified: 0, unseal: 0 };
function nextCold(key) {
  const i = counters[key]++;
  if (i >= pool.length) throw new Error(`bench: cold pool exhausted (${pool.length}); raise --cold-pool`);
  return pool[i];
}
const loop = (fn) => async (n) => {
  for (let i = 0; i < n; i++) await fn();
};

const cases = [
  { name: 'nsa.warm', run: loop(() => warmRead(warmHeader)) },
  { name: 'nsa.cold', run: loop(() => coldRead(nextCold('cold').header)), maxBatch: COLD_MAX_BATCH },
  { name: 'nsa.warm.verifyOnce', run: loop(() => warmOnceRead(warmHeader)) },
  { name: 'nsa.cold.verifyOnce', run: loop(() => coldOnceRead(nextCold('coldOnce').header)), maxBatch: COLD_MAX_BATCH },
  { name: 'nsa.warm.verifyOnRead', run: loop(() => warmVerifiedRead(warmHeader)) },
  { name: 'nsa.cold.verifyOnRead', run: loop(() => coldVerifiedRead(nextCold('coldVerified').header)), maxBatch: COLD_MAX_BATCH },
  { name: 'nsa.warm.libraryOnly', run: loop(libOnlyRead) },
  { name: 'nsa.guard.warm', run: loop(guardCall) },
  { name: 'nsa.cacheLookup', run: loop(async () => sessionCache.get(freshParts())) },
  { name: 'former.wholeValueLookup', run: loop(async () => wholeValueLookup()) },
  { name: 'next.cookiesObject', run: loop(async () => nextCookies(warmHeader).getAll()) },
  { name: 'next.cookiesObject.webHeaders', run: loop(async () => nextCookiesWebHeaders(warmHeader).getAll()) },
  { name: 'iron.unsealData', run: loop(() => unsealData(pool[counters.unseal++ % pool.length].sealed, { password: sealer.options.secrets, ttl })), maxBatch: COLD_MAX_BATCH },
  { name: 'jose.jwtVerify', run: loop(() => jwtVerify(tokens.idToken, publicKey, verifyOptions)) },
  { name: 'amplify.perRequest', run: loop(amplifyRead) },
  { name: 'authjs.decode', run: loop(() => authjsDecode({ token: authjsToken, secret: SECRET, salt: authjsSalt })), maxBatch: COLD_MAX_BATCH },
  {
    name: 'authjs.decodeAndReencode',
    run: loop(async () => {
      const t = await authjsDecode({ token: authjsToken, secret: SECRET, salt: authjsSalt });
      await authjsEncode({ token: t, secret: SECRET, salt: authjsSalt });
    }),
    maxBatch: COLD_MAX_BATCH,
  },
];

log(`measuring ${cases.length} cases, ${ROUNDS} rounds of ~${SAMPLE_MS} ms…`);
const results = await measure(cases, { rounds: ROUNDS, sampleMs: SAMPLE_MS, warmupMs: WARMUP_MS, log });
if (jwksFetches !== jwksFetchesBeforeTiming) throw new Error('bench: the JWKS was fetched during timing');

for (const [name, r] of Object.entries(results)) {
  log(`  ${name.padEnd(28)} ${r.medianUs.toFixed(2).padStart(9)} µs  (p25 ${r.p25Us.toFixed(2)}, p75 ${r.p75Us.toFixed(2)}, batch ${r.batch})`);
}
const out = {
  node: process.version,
  tokenSizes,
  cookie: cookieInfo,
  authjsTokenBytes: authjsToken.length,
  amplifyCookieHeaderBytes: amplifyHeader.length,
  coldReadsUsed: { ...counters },
  jwksFetches: { beforeTiming: jwksFetchesBeforeTiming, duringTiming: jwksFetches - jwksFetchesBeforeTiming },
  settings: { rounds: ROUNDS, sampleMs: SAMPLE_MS, warmupMs: WARMUP_MS },
  cases: results,
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
