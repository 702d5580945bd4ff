// Part 2 — what the guard (example-app/proxy.ts) costs under load: `next
// start` of the example app, /dashboard with a valid session, guard on versus
// guard off. "Guard off" is a bench-only copy of the example app in
// .bench/guard-off/ (made here, git-ignored) whose proxy.ts returns
// NextResponse.next() for everything; the page still reads the session itself.
// The example app has no switch that turns its guard off: users copy it.
//
//   node bench/guard-load.mjs [--out FILE] [--duration S] [--warmup S]
//                             [--connections N] [--pairs N] [--skip-build]
//
// Needs the library built (dist/). For each pair of windows it starts the two
// builds with scripts/start.mjs, side by side on :3400
// (dev IdP :3500) and :3401 (dev IdP :3501), one with the guard and one
// without, swapping which port gets which from pair to pair (so nothing
// peculiar to one copy or port passes for the guard's cost). Only one copy
// is under load at a time; the variants alternate (on/off, off/on, …) so
// drift from anything else on the machine hits both alike.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createCookieStoreFromFetchApi } from '../dist/cookies/createCookieStoreFromFetchApi.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { median } from './lib/measure.mjs';
import { signInThroughApp } from './lib/signIn.mjs';
import { makeCognitoTokens } from './lib/tokens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '3' },
    'skip-build': { type: 'boolean', default: false },
    // A check of the method (`npm run bench -- --control`): both copies
    // without the guard, an A/A run whose "cost" is the noise floor.
    control: { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const PAIRS = Number(args.pairs);

// Not npm start's 3000/3200 nor e2e's 3100/3300.
const SLOTS = [3400, 3401].map((appPort, i) => ({
  appPort,
  idpPort: 3500 + i,
  origin: `http://localhost:${appPort}`, // AUTH_ORIGIN the app runs with
  target: `http://127.0.0.1:${appPort}/dashboard`, // it listens on 127.0.0.1
  issuer: `http://127.0.0.1:${3500 + i}`,
}));
/** Which slot runs which variant in this pair: swapped every pair. */
let APPS;
const guarded = (variant) => variant === 'on' && !args.control;
const labelOf = (variant) => (args.control ? `copy ${variant === 'on' ? 'A' : 'B'} (no guard)` : `guard ${variant}`);
const CLIENT_ID = 'next-server-auth-example';
const AUTH_SECRET = 'bench-load-secret-bench-load-secret-0123456789';
const USER = { username: 'alice@example.com', password: 'alice-password' };

const log = (s) => console.log(`[guard-load] ${s}`);

// ---------------------------------------------------------------- the guard-off app
// The example app's sources with a pass-through proxy.ts (same matcher, so
// Next's proxy dispatch is paid in both variants). It lives under the
// workspace root (Turbopack resolves the linked library from there) at the
// example app's depth plus one.
const GUARD_OFF_DIR = join('.bench', 'guard-off');
const PASS_THROUGH_PROXY = `// Bench-only (bench/guard-load.mjs): the example app without its guard.
import { NextResponse } from 'next/server';

export function proxy() {
  return NextResponse.next();
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|team).*)'],
};
`;
function prepareGuardOffApp() {
  const dir = join(root, GUARD_OFF_DIR);
  const source = join(root, 'example-app');
  mkdirSync(dir, { recursive: true });
  // Fresh sources every run; a previous .next is kept for --skip-build.
  for (const entry of readdirSync(dir)) if (entry !== '.next') rmSync(join(dir, entry), { recursive: true, force: true });
  for (const entry of readdirSync(source)) {
    if (['.next', 'node_modules', 'next.config.mjs', 'proxy.ts'].includes(entry)) continue;
    cpSync(join(source, entry), join(dir, entry), { recursive: true });
  }
  writeFileSync(join(dir, 'next.config.mjs'), "export { default } from '../../next.config.mjs';\n");
  writeFileSync(join(dir, 'proxy.ts'), PASS_THROUGH_PROXY);
  const original = readFileSync(join(source, 'proxy.ts'), 'utf8');
  if (!original.includes("matcher: ['/((?!_next/static|_next/image|favicon.ico|team).*)']")) {
    throw new Error('example-app/proxy.ts changed its matcher: update PASS_THROUGH_PROXY in bench/guard-load.mjs to match');
  }
}
/** The app folder (relative to the root, as scripts/start.mjs takes it) a variant runs. */
const appDirOf = (variant) => (guarded(variant) ? 'example-app' : GUARD_OFF_DIR);

// ---------------------------------------------------------------- CPU accounting
// Requests per second swing with whatever else runs on the machine; CPU time
// the app's processes spend per request does not (much). Linux only: the
// process tree under our start.mjs child is read from /proc.
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
function treeCpuSeconds(rootPid) {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      // After "pid (comm) ": state, ppid, …, utime at index 11, stime at 12.
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      /* exited meanwhile */
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop();
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, st] of stats) if (st.ppid === pid) queue.push(child);
  }
  return ticks / CLK_TCK;
}

// ---------------------------------------------------------------- app processes
const children = new Set();
const appProcess = {};
function stopApp(child) {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM'); // start.mjs stops the IdP and next start (their process groups) itself
  });
}
async function stopAll() {
  await Promise.all([...children].map(stopApp));
  // start.mjs gives its children 300 ms; wait until the ports are free again.
  for (const slot of SLOTS) {
    for (let i = 0; i < 50 && !((await portFree(slot.appPort)) && (await portFree(slot.idpPort))); i++) await new Promise((r) => setTimeout(r, 100));
  }
}
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll().then(() => process.exit(130));
  });
}

async function portFree(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return false;
  } catch {
    return true;
  }
}

async function startApp(variant, { build }) {
  const app = APPS[variant];
  for (const port of [app.appPort, app.idpPort, app.appPort + 20]) {
    if (!(await portFree(port))) throw new Error(`port ${port} is in use: stop whatever runs there`);
  }
  rmSync(stateFileOf(app), { force: true });
  const env = {
    ...process.env,
    PORT: String(app.appPort),
    DEV_IDP_PORT: String(app.idpPort),
    // The example app's resource server (/client's API): off the apps' ports (its default, 3400, is one of them).
    RESOURCE_PORT: String(app.appPort + 20),
    AUTH_SECRET,
    AUTH_ORIGIN: app.origin,
    APP_DIR: appDirOf(variant),
    // A fresh dev IdP state file: its signing key signs the Cognito-sized tokens (the app verifies signatures).
    DEV_IDP_STATE: stateFileOf(app),
    // The library is built already (scripts/bench.mjs); each app is built on its first start.
    ...(build ? { SKIP_LIB_BUILD: '1' } : { SKIP_BUILD: '1' }),
  };
  delete env.DEV_IDP_MODE;
  delete env.DEV_IDP_ACCESS_TOKEN_TTL;
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  appProcess[variant] = child;
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start.mjs not ready after 300 s:\n${output.slice(-3000)}`)), 300_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('[start] ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.mjs exited (${code}) before ready:\n${output.slice(-3000)}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
}

// ---------------------------------------------------------------- checks
/** Which variant is live: a signed-out prefetch gets the guard's 204; without the guard the page answers it. */
async function checkGuardState(variant) {
  const res = await fetch(APPS[variant].target, { redirect: 'manual', headers: { 'sec-purpose': 'prefetch' } });
  await res.body?.cancel();
  if ((res.status === 204) !== guarded(variant)) {
    throw new Error(`expected the guard to be ${guarded(variant) ? 'on' : 'off'} at ${APPS[variant].target}, but a signed-out prefetch got HTTP ${res.status}`);
  }
}

async function checkSignedIn(variant, cookie) {
  const res = await fetch(APPS[variant].target, { headers: { cookie }, redirect: 'manual' });
  const html = await res.text();
  const email = /data-testid="user-email">([^<]*)</.exec(html)?.[1];
  if (res.status !== 200 || email !== USER.username) throw new Error(`/dashboard with the session: HTTP ${res.status}, email ${email}`);
}

// ---------------------------------------------------------------- sessions
const stateDir = mkdtempSync(join(tmpdir(), 'nsa-guard-load-'));
process.on('exit', () => rmSync(stateDir, { recursive: true, force: true }));
const stateFileOf = (app) => join(stateDir, `dev-idp-${app.idpPort}.json`);

/** A Cognito-sized token set (as in Part 1) for alice, signed with the dev IdP's key, sealed with the app's secret and origin. */
async function cognitoSizedCookie(app) {
  const { signingKey } = JSON.parse(readFileSync(stateFileOf(app), 'utf8'));
  const { tokens } = await makeCognitoTokens({ issuer: app.issuer, clientId: CLIENT_ID, email: USER.username, username: USER.username, signingJwk: signingKey });
  const sealer = createAuthRuntime({ oidc: { issuer: app.issuer, clientId: CLIENT_ID, flavor: 'cognito' } }, { secret: AUTH_SECRET, origin: app.origin }, {});
  const response = new Response(null);
  await sealer.codec.write(createCookieStoreFromFetchApi(new Request(`${app.origin}/`), response), tokens);
  return response.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
}

function load(variant, cookie, seconds) {
  return autocannon({ url: APPS[variant].target, connections: CONNECTIONS, duration: seconds, headers: { cookie } });
}

/** One measured window: autocannon's numbers plus the app's CPU time per request. */
async function measureWindow(variant, cookie) {
  const pid = appProcess[variant].pid;
  const cpuBefore = treeCpuSeconds(pid);
  const r = await load(variant, cookie, DURATION);
  const cpuAfter = treeCpuSeconds(pid);
  const seconds = (new Date(r.finish) - new Date(r.start)) / 1000;
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`load run had ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  const cpuUsPerRequest = cpuBefore === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / r.requests.total;
  return { rps: r.requests.total / seconds, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, cpuUsPerRequest, load1: Number(loadavg()[0].toFixed(2)) };
}

// ---------------------------------------------------------------- run
const sessions = [
  { name: 'cognitoSized', label: 'Cognito-sized tokens (as in Part 1)', cookies: {} },
  { name: 'devIdp', label: 'real sign-in through the app and the dev IdP', cookies: {} },
];
const runs = [];
const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
prepareGuardOffApp();
const built = new Set();
try {
  for (let pair = 0; pair < PAIRS; pair++) {
    APPS = pair % 2 === 0 ? { on: SLOTS[0], off: SLOTS[1] } : { on: SLOTS[1], off: SLOTS[0] };
    for (const variant of ['on', 'off']) {
      // Each app folder is built on its first start (or reused with --skip-build when its build exists).
      const dir = appDirOf(variant);
      const build = !built.has(dir) && !(args['skip-build'] && existsSync(join(root, dir, '.next', 'BUILD_ID')));
      built.add(dir);
      const t0 = Date.now();
      await startApp(variant, { build });
      log(`pair ${pair + 1}/${PAIRS}: ${labelOf(variant)} on :${APPS[variant].appPort}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s${build ? ` (built ${appDirOf(variant)})` : ''}`);
      await checkGuardState(variant);
      const app = APPS[variant];
      sessions[0].cookies[variant] = await cognitoSizedCookie(app);
      sessions[1].cookies[variant] = (await signInThroughApp({ origin: app.origin, ...USER })).cookie;
      for (const s of sessions) {
        await checkSignedIn(variant, s.cookies[variant]);
        await load(variant, s.cookies[variant], WARMUP);
      }
    }
    for (const s of pair % 2 === 0 ? sessions : [...sessions].reverse()) {
      for (const variant of pair % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
        const r = await measureWindow(variant, s.cookies[variant]);
        runs.push({ pair: pair + 1, port: APPS[variant].appPort, session: s.name, guard: variant, cookieBytes: s.cookies[variant].length, ...r });
        const cpu = r.cpuUsPerRequest === undefined ? '' : `  app CPU ${r.cpuUsPerRequest.toFixed(0)} µs/req`;
        log(`pair ${pair + 1}/${PAIRS} ${s.name.padEnd(12)} ${labelOf(variant).padEnd(9)} ${r.rps.toFixed(1)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${cpu}  load ${r.load1}`);
      }
    }
    await stopAll();
  }
} finally {
  await stopAll();
}

const summary = {};
for (const s of sessions) {
  const of = (variant) => runs.filter((r) => r.session === s.name && r.guard === variant);
  const pick = (variant) => ({
    rps: median(of(variant).map((r) => r.rps)),
    p50: median(of(variant).map((r) => r.p50)),
    p99: median(of(variant).map((r) => r.p99)),
    runs: of(variant).map((r) => r.rps),
    cpuUsPerRequest: of(variant)[0].cpuUsPerRequest === undefined ? undefined : median(of(variant).map((r) => r.cpuUsPerRequest)),
    cpuRuns: of(variant).map((r) => r.cpuUsPerRequest),
  });
  const on = pick('on');
  const off = pick('off');
  const pairCosts = of('on').map((r) => 1 - r.rps / of('off').find((o) => o.pair === r.pair).rps);
  summary[s.name] = {
    label: s.label,
    cookieBytes: s.cookies.on.length,
    on,
    off,
    throughputCost: 1 - on.rps / off.rps,
    // Throughput is inversely proportional to CPU per request when CPU bound.
    cpuThroughputCost: on.cpuUsPerRequest === undefined ? undefined : 1 - off.cpuUsPerRequest / on.cpuUsPerRequest,
    pairCosts,
    medianPairCost: median(pairCosts),
  };
  const v = summary[s.name];
  log(
    `${s.name}: the guard costs ${(v.throughputCost * 100).toFixed(1)} % of req/s (pairwise median ${(v.medianPairCost * 100).toFixed(1)} %)` +
      (v.cpuThroughputCost === undefined ? '' : `, ${(v.cpuThroughputCost * 100).toFixed(1)} % by app CPU per request`),
  );
}
const out = {
  guardOff: 'copy',
  load: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
  settings: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, pairs: PAIRS, ports: SLOTS.map((slot) => slot.appPort), control: args.control },
  runs,
  summary,
};
if (args.out) writeFileSync(args.out, JSON.stringify(out, null, 2));
