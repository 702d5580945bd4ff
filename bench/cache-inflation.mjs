// Part 4 — can one signed-in account inflate the session cache? (issue 8)
//
// One process. 1,000 other users sign in (their sealed cookies are read once,
// so their sessions are cached); then one attacker who holds ONE valid session
// cookie sends 10,000 distinct hostile variants of it (trailing data after the
// seal, an extra chunk, re-split chunks, a lone `.0` chunk…), each read by the
// sealed codec exactly as a request would be. Measured: how many variants
// read as signed in, how many cache entries and how much heap (heapUsed after
// forced GCs, `node --expose-gc`) the attack leaves behind, and whether the
// other users' entries are still there (their next read is a cache hit).
//
//   node --expose-gc bench/cache-inflation.mjs [--out FILE] [--dist DIR] [--variants N] [--others N]
//
// `--dist` points at another build of the library (e.g. of the previous
// commit) to compare: the bench only uses APIs both have.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeCognitoTokens } from './lib/tokens.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    dist: { type: 'string', default: new URL('../dist', import.meta.url).pathname },
    variants: { type: 'string', default: '10000' },
    others: { type: 'string', default: '1000' },
  },
});
if (typeof globalThis.gc !== 'function') {
  console.error('bench/cache-inflation.mjs needs node --expose-gc');
  process.exit(1);
}
const VARIANTS = Number(args.variants);
const OTHERS = Number(args.others);
// Stated bound: what 10,000 hostile variants may leave on the heap.
const HEAP_BOUND_BYTES = 2 * 2 ** 20;

const dist = pathToFileURL(resolve(args.dist)).href;
const { createCookieStoreFromFetchApi } = await import(`${dist}/cookies/createCookieStoreFromFetchApi.js`);
const { readCookieChunks } = await import(`${dist}/cookies/readCookieChunks.js`);
const { resolveRuntimeOptions } = await import(`${dist}/config/resolveRuntimeOptions.js`);
const { createSealedCodec } = await import(`${dist}/session/createSealedCodec.js`);
const { createSessionCache } = await import(`${dist}/session/SessionCache.js`);

const ORIGIN = 'https://app.example.com';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const COOKIE = '__Host-nsa.session';
const log = (s) => console.log(s);

// The runner's own defaults for the cache (entries, and bytes where the build has them).
const options = resolveRuntimeOptions({ secret: SECRET, origin: ORIGIN }, {}, () => {});
const cache = createSessionCache(options.session.cacheSize, options.session.cacheBytes);
const codec = createSealedCodec({
  cookieName: COOKIE,
  secrets: options.secrets,
  cookieOptions: { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: options.cookies.maxAge },
  cache,
});

const { tokens } = await makeCognitoTokens();
const storeFor = (header) => createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: header ? { cookie: header } : {} }), new Response(null));

/** Seals a fresh token-set object (one seal per object) through a throwaway codec: its cache is not ours. */
const sealer = createSealedCodec({
  cookieName: COOKIE,
  secrets: options.secrets,
  cookieOptions: { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: options.cookies.maxAge },
  cache: createSessionCache(0),
});
async function signIn() {
  const response = new Response(null);
  await sealer.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), { ...tokens });
  const pairs = response.headers.getSetCookie().map((line) => line.split(';')[0]);
  return pairs.map((p) => ({ name: p.slice(0, p.indexOf('=')), value: decodeURIComponent(p.slice(p.indexOf('=') + 1)) }));
}
const headerOf = (cookies) => cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ');
const signedIn = async (header) => (await codec.read(storeFor(header))) !== undefined;
const isCached = (header) => {
  const parts = readCookieChunks(storeFor(header), COOKIE);
  return parts !== undefined && cache.get(parts) !== undefined;
};
const heap = () => {
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};

log(`signing in ${OTHERS} other users and the attacker…`);
const others = [];
for (let i = 0; i < OTHERS; i++) others.push(headerOf(await signIn()));
const heapEmpty = heap();
for (const header of others) if (!(await signedIn(header))) throw new Error('bench: a valid session read as signed out');
// What one cached Cognito-sized session costs, measured and as the cache estimates it (session.cacheBytes counts estimates).
const perEntry = { measured: Math.round((heap() - heapEmpty) / OTHERS), estimated: cache.bytes === undefined ? null : Math.round(cache.bytes / cache.size) };
const attacker = await signIn();
if (!(await signedIn(headerOf(attacker)))) throw new Error('bench: the attacker’s valid session read as signed out');
if (attacker.length < 2) throw new Error('bench: expected a chunked (Cognito-sized) session');
const sizeBefore = cache.size;
const heapBefore = heap();

// Distinct hostile spellings of the attacker's one valid cookie.
const random = () => randomBytes(4).readUInt32BE(0) / 2 ** 32;
const junk = (n) => randomBytes(n).toString('base64url').slice(0, n).replace(/A/g, '*').replace(/B/g, '~');
const sealed = attacker.map((c) => c.value).join('');
const last = attacker.length - 1;
const KINDS = [
  // iron splits on `~` and ignores what follows the version: `…~2~<junk>`.
  ['trailing data after the seal', (i) => attacker.map((c, k) => (k === last ? { ...c, value: `${c.value}~${i}${junk(Math.floor(random() * 3000))}` } : c))],
  // `parseInt('2x…')` is 2: `…~2x<junk>`.
  ['junk glued to the version', (i) => attacker.map((c, k) => (k === last ? { ...c, value: `${c.value}x${i}${junk(Math.floor(random() * 3000))}` } : c))],
  // One more chunk the writer never wrote: `name.N=~<junk>`.
  ['an extra chunk', (i) => [...attacker, { name: `${COOKIE}.${attacker.length}`, value: `~${i}${junk(Math.floor(random() * 3000))}` }]],
  // The same bytes split at another place, plus a little trailing data so each is distinct.
  ['chunks re-split (+ trailing data)', (i) => {
    const cut = 100 + (i % 3500);
    return [
      { name: `${COOKIE}.0`, value: sealed.slice(0, cut) },
      { name: `${COOKIE}.1`, value: `${sealed.slice(cut)}~${i}` },
    ];
  }],
];
const accepted = Object.fromEntries(KINDS.map(([label]) => [label, 0]));
const sent = Object.fromEntries(KINDS.map(([label]) => [label, 0]));
let hostileBytes = 0;
log(`sending ${VARIANTS} hostile variants…`);
const started = Date.now();
for (let i = 0; i < VARIANTS; i++) {
  const [label, make] = KINDS[i % KINDS.length];
  const header = headerOf(make(i));
  hostileBytes += header.length;
  sent[label] += 1;
  if (await signedIn(header)) accepted[label] += 1;
}
const attackMs = Date.now() - started;
const heapAfter = heap();
const sizeAfter = cache.size;
let othersCached = 0;
for (const header of others) if (isCached(header)) othersCached += 1;
const attackerStillCached = isCached(headerOf(attacker));

const retained = heapAfter - heapBefore;
const result = {
  node: process.version,
  dist: args.dist,
  cacheOptions: { entries: options.session.cacheSize, bytes: options.session.cacheBytes ?? null },
  variants: VARIANTS,
  others: OTHERS,
  kinds: KINDS.map(([label]) => ({ label, sent: sent[label], readAsSignedIn: accepted[label] })),
  readAsSignedIn: Object.values(accepted).reduce((a, b) => a + b, 0),
  averageVariantCookieHeaderBytes: Math.round(hostileBytes / VARIANTS),
  cacheEntries: { before: sizeBefore, after: sizeAfter },
  heapUsed: { before: heapBefore, after: heapAfter, retained },
  heapBoundBytes: HEAP_BOUND_BYTES,
  bytesPerCachedSession: perEntry,
  withinBound: retained < HEAP_BOUND_BYTES,
  othersStillCached: othersCached,
  attackerValidCookieStillCached: attackerStillCached,
  attackMs,
};
log(`  read as signed in: ${result.readAsSignedIn}/${VARIANTS} (${result.kinds.map((k) => `${k.label}: ${k.readAsSignedIn}/${k.sent}`).join('; ')})`);
log(`  cache entries: ${sizeBefore} → ${sizeAfter}; other users still cached: ${othersCached}/${OTHERS}`);
log(`  one cached session: ${perEntry.measured} B of heap measured, ${perEntry.estimated ?? 'n/a'} B estimated by the cache`);
log(`  heap retained by the attack: ${(retained / 2 ** 20).toFixed(2)} MiB (bound ${(HEAP_BOUND_BYTES / 2 ** 20).toFixed(0)} MiB: ${result.withinBound ? 'within' : 'EXCEEDED'}); ${attackMs} ms`);
if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
