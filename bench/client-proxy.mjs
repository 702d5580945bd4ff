// Part 7 — client components (issue 12): the size of the browser entry
// `next-server-auth/react`, and what the API proxy adds to a call compared with
// calling the upstream directly, in the same run.
//
//   node bench/client-proxy.mjs [--out FILE] [--rounds N] [--batch N] [--skip-build]
//
// Size: every file dist/react/index.js loads (its relative imports, followed
// transitively), raw and gzip (level 9), per file and concatenated. Peer
// imports (react) are not counted: the app has them anyway.
//
// Latency: the example app (`next start`, scripts/start.mjs with its dev IdP
// and its resource server) on its own ports; alice signs in over HTTP; then,
// interleaved round by round (order rotated), sequential GETs of
//   direct  http://127.0.0.1:<resource>/notes with `Authorization: Bearer <access token>`
//   proxy   http://127.0.0.1:<app>/api/proxy/notes with the session cookie
//           (guard in proxy.ts, Next's routing, the session read, the proxy, the upstream)
//   me      http://127.0.0.1:<app>/api/me with the session cookie: a route handler
//           reading the session, no upstream (what Next + a session read cost alone)
// each request timed from send to the last body byte. p50/p99 per case; the
// proxy's added latency is proxy − direct.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { unsealData } from 'iron-session';
import { quantile } from './lib/measure.mjs';
import { signInThroughApp } from './lib/signIn.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    rounds: { type: 'string', default: '30' },
    batch: { type: 'string', default: '40' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
const log = (s) => console.log(`[client-proxy] ${s}`);

// ---------------------------------------------------------------- entry size
/** The files a module loads through relative imports, itself included, in load order. */
function moduleGraph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    // tsc output: `import … from './x.js'`, `export … from './x.js'`, `import './x.js'`; type-only imports are erased.
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g)) {
      visit(resolve(dirname(file), m[1]));
    }
  };
  visit(entry);
  return [...seen];
}

function entrySize() {
  const entry = join(root, 'dist', 'react', 'index.js');
  const files = moduleGraph(entry);
  const gz = (buf) => gzipSync(buf, { level: 9 }).length;
  const perFile = files.map((file) => {
    const buf = readFileSync(file);
    return { file: relative(root, file), bytes: buf.length, gzipBytes: gz(buf) };
  });
  const all = Buffer.concat(files.map((f) => readFileSync(f)));
  const outside = perFile.filter((f) => !f.file.startsWith('dist/react/'));
  const bareImports = new Set();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?['"]([^.'"][^'"]*)['"]/g)) bareImports.add(m[1]);
  }
  return {
    entry: relative(root, entry),
    useClient: /^\s*['"]use client['"]/.test(readFileSync(entry, 'utf8')),
    files: perFile,
    totalBytes: perFile.reduce((n, f) => n + f.bytes, 0),
    sumGzipBytes: perFile.reduce((n, f) => n + f.gzipBytes, 0),
    concatenatedGzipBytes: gz(all),
    outsideReact: outside.map((f) => f.file),
    bareImports: [...bareImports].sort(),
    targetGzipBytes: 5 * 1024,
  };
}

// ---------------------------------------------------------------- the stack
// Not npm start's 3000/3200/3400, nor e2e's, nor Part 2's 3400/3401/3500/3501/3420/3421.
const APP_PORT = 3460;
const IDP_PORT = 3560;
const RESOURCE_PORT = 3470;
const ORIGIN = `http://localhost:${APP_PORT}`;
const APP = `http://127.0.0.1:${APP_PORT}`;
const RESOURCE = `http://127.0.0.1:${RESOURCE_PORT}`;
const IDP = `http://127.0.0.1:${IDP_PORT}`;
const AUTH_SECRET = 'bench-proxy-secret-bench-proxy-secret-0123456789';

let stack;
function startStack() {
  const env = {
    ...process.env,
    PORT: String(APP_PORT),
    DEV_IDP_PORT: String(IDP_PORT),
    RESOURCE_PORT: String(RESOURCE_PORT),
    AUTH_SECRET,
    AUTH_ORIGIN: ORIGIN,
    // Hour-long tokens: no refresh inside the timed part.
    DEV_IDP_ACCESS_TOKEN_TTL: '3600',
    ...(args['skip-build'] ? { SKIP_BUILD: '1' } : { SKIP_LIB_BUILD: '1' }),
  };
  delete env.DEV_IDP_MODE;
  delete env.REDIS_URL;
  delete env.SESSION_MODE;
  stack = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`start.mjs not ready after 300 s:\n${output.slice(-3000)}`)), 300_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('[start] ready')) {
        clearTimeout(timer);
        stack.removeAllListeners('exit');
        resolveReady();
      }
    };
    stack.stdout.on('data', onData);
    stack.stderr.on('data', onData);
    stack.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.mjs exited (${code}) before ready:\n${output.slice(-3000)}`));
    });
  });
}
function stopStack() {
  if (!stack || stack.exitCode !== null || stack.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    stack.once('exit', done);
    stack.kill('SIGTERM'); // start.mjs stops the IdP, the resource server and next start itself
  });
}
process.on('exit', () => stack?.kill('SIGTERM'));

/** The access token in a sealed session cookie header (what the proxy attaches), unsealed with the app's secret. */
async function accessTokenOf(cookieHeader) {
  const pairs = cookieHeader.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]);
  const chunks = pairs.filter(([name]) => /^nsa\.session(\.\d+)?$/.test(name)).sort(([a], [b]) => Number(a.split('.')[2] ?? 0) - Number(b.split('.')[2] ?? 0));
  const data = await unsealData(chunks.map(([, v]) => v).join(''), { password: { 1: AUTH_SECRET }, ttl: 0 });
  if (typeof data.at !== 'string') throw new Error('bench: no access token in the session cookie');
  return data.at;
}

// ---------------------------------------------------------------- latency
async function timed(url, headers, check) {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200 || !check(body)) throw new Error(`bench: ${url} answered ${res.status}: ${body.slice(0, 200)}`);
  return ms;
}

async function latency() {
  const { cookie } = await signInThroughApp({ origin: ORIGIN, username: 'alice@example.com', password: 'alice-password', returnTo: '/client' });
  const token = await accessTokenOf(cookie);
  const isNotes = (body) => body.includes('"username":"alice@example.com"') && body.includes('Groceries');
  const cases = [
    { name: 'direct', run: () => timed(`${RESOURCE}/notes`, { authorization: `Bearer ${token}` }, isNotes) },
    { name: 'proxy', run: () => timed(`${APP}/api/proxy/notes`, { cookie }, isNotes) },
    { name: 'me', run: () => timed(`${APP}/api/me`, { cookie }, (b) => b.includes('alice@example.com')) },
  ];
  log('warming up');
  for (const c of cases) for (let i = 0; i < 200; i++) await c.run();
  await fetch(`${RESOURCE}/stats/reset`, { method: 'POST' });
  await fetch(`${IDP}/dev/stats/reset`, { method: 'POST' });

  const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length];
      for (let j = 0; j < BATCH; j++) samples[c.name].push(await c.run());
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const resource = await (await fetch(`${RESOURCE}/stats`)).json();
  const idp = await (await fetch(`${IDP}/dev/stats`)).json();
  // Every direct and proxied call reached the resource server with a valid token; nothing was refreshed.
  if (resource.authorized !== 2 * ROUNDS * BATCH || resource.rejected !== 0) throw new Error(`bench: resource server counted ${JSON.stringify(resource)}`);
  if (idp.tokenCalls.refresh_token !== 0) throw new Error('bench: a refresh happened inside the timed part');

  const summary = (values) => ({
    p50Ms: quantile(values, 0.5),
    p90Ms: quantile(values, 0.9),
    p99Ms: quantile(values, 0.99),
    meanMs: values.reduce((a, b) => a + b, 0) / values.length,
    samples: values.length,
  });
  const out = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summary(values)]));
  return {
    rounds: ROUNDS,
    batch: BATCH,
    seconds,
    cases: out,
    added: { p50Ms: out.proxy.p50Ms - out.direct.p50Ms, p99Ms: out.proxy.p99Ms - out.direct.p99Ms },
    resourceRequests: resource.requests,
    distinctTokens: resource.distinctTokens,
    refreshes: idp.tokenCalls.refresh_token,
  };
}

// ---------------------------------------------------------------- run
const size = entrySize();
log(`client entry: ${size.files.length} files, ${size.totalBytes} B raw, ${size.sumGzipBytes} B gzip (per file), ${size.concatenatedGzipBytes} B gzip (concatenated)`);
let result;
try {
  log('starting the example app, its dev IdP and its resource server');
  await startStack();
  result = { date: new Date().toISOString(), size, latency: await latency() };
} finally {
  await stopStack();
}
const l = result.latency.cases;
log(`direct p50 ${l.direct.p50Ms.toFixed(2)} ms p99 ${l.direct.p99Ms.toFixed(2)} ms; proxy p50 ${l.proxy.p50Ms.toFixed(2)} ms p99 ${l.proxy.p99Ms.toFixed(2)} ms; /api/me p50 ${l.me.p50Ms.toFixed(2)} ms`);
log(`added by the proxy: p50 ${result.latency.added.p50Ms.toFixed(2)} ms, p99 ${result.latency.added.p99Ms.toFixed(2)} ms`);
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
