// `npm test` step after the e2e suite: `npm run start:cluster` really works,
// with the sealed cookie (SESSION_MODE=cookie) and with server-side sessions
// (SESSION_MODE=server), one cluster after the other.
// Starts the cluster on its own ports (never a dev session's 3000/3200) with
// DEV_IDP_ACCESS_TOKEN_TTL=5, signs alice in through the round-robin proxy,
// checks that requests reach all three instances, then lets the access token
// expire and sends a burst of 30 concurrent requests with the expired
// session: every one must answer 200 as alice, and the dev IdP must have seen
// exactly one refresh_token call (the instances coordinate through Redis; in
// server mode they also share the refreshed record, so the cookie stays the same).
// Stops everything it started. Reuses the builds the e2e step made
// (SKIP_BUILD=1 builds only what is missing). Ports: CHECK_CLUSTER_PORT (3560;
// instances +1..+3, dev IdP +10). CHECK_CLUSTER_MODES: the modes to check
// (comma-separated; default cookie,server).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signInThroughApp } from '../bench/lib/signIn.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.CHECK_CLUSTER_PORT ?? 3560);
const origin = `http://localhost:${port}`;
const issuer = `http://127.0.0.1:${port + 10}`;
const TTL = 5;
const BURST = 30;
const ALICE = 'alice@example.com';

const MODES = (process.env.CHECK_CLUSTER_MODES ?? 'cookie,server').split(',').filter(Boolean);
for (const mode of MODES) {
  if (mode !== 'cookie' && mode !== 'server') {
    console.error(`[check-cluster] CHECK_CLUSTER_MODES: unknown mode ${JSON.stringify(mode)} (cookie or server)`);
    process.exit(1);
  }
}
// The session cookie start-cluster's mode sets: one nsa.sid in server mode, nsa.session (or chunks) in cookie mode.
const SESSION_COOKIE = { cookie: /^nsa\.session(\.\d+)?=/, server: /^nsa\.sid=/ };

// This check's own Redis and secret, whatever the calling shell has.
const env = { ...process.env };
delete env.REDIS_URL;
delete env.AUTH_SECRET;
delete env.SESSION_MODE;
delete env.DEV_IDP_USERS;

/** Starts start-cluster.mjs in `mode`; `ready` resolves once it prints that it is. */
function startCluster(mode) {
  const cluster = spawn(process.execPath, [join(root, 'scripts', 'start-cluster.mjs')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PORT: String(port),
      CLUSTER_APP_PORT: String(port + 1),
      DEV_IDP_PORT: String(port + 10),
      RESOURCE_PORT: String(port + 11),
      DEV_IDP_ACCESS_TOKEN_TTL: String(TTL),
      SESSION_MODE: mode,
      SKIP_BUILD: '1',
    },
  });
  const run = { cluster, output: '' };
  run.ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      run.output += chunk;
      if (run.output.includes('[cluster] ready')) resolve();
    };
    cluster.stdout.on('data', onData);
    cluster.stderr.on('data', onData);
    cluster.once('exit', (code, signal) => reject(new Error(`start-cluster exited (${code ?? signal}) before it was ready`)));
  });
  return run;
}

async function stopCluster(cluster) {
  if (cluster.exitCode !== null || cluster.signalCode !== null) return;
  const exited = new Promise((resolve) => cluster.once('exit', resolve));
  // start-cluster stops its own process groups on SIGTERM; SIGKILL its group after 10 s.
  cluster.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-cluster.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

function fail(message) {
  throw new Error(message);
}

async function me(cookie) {
  const res = await fetch(`${origin}/api/me`, { headers: { cookie }, redirect: 'manual' });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, instance: res.headers.get('x-instance'), body };
}

for (const mode of MODES) {
  if (!(await check(mode))) {
    process.exitCode = 1;
    break;
  }
}

/** One cluster in `mode`: sign-in, spread, expiry, burst. Resolves false (having printed why) on failure. */
async function check(mode) {
  const tag = `[check-cluster ${mode}]`;
  const started = Date.now();
  const run = startCluster(mode);
  try {
    let timer;
    await Promise.race([run.ready, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the cluster was not ready within 120 s')), 120_000)))]);
    clearTimeout(timer);
    console.log(`${tag} cluster up in ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const { cookie } = await signInThroughApp({ origin, username: ALICE, password: 'alice-password' });
    const names = cookie.split('; ').map((pair) => pair.slice(0, pair.indexOf('=') + 1));
    if (!names.every((name) => SESSION_COOKIE[mode].test(name))) fail(`SESSION_MODE=${mode} set the session cookies ${names.join(', ')}`);
    if (mode === 'server' && (names.length !== 1 || cookie.length >= 200)) fail(`server mode: expected one session cookie under 200 bytes, got ${names.length} (${cookie.length} bytes)`);
    const spread = [];
    for (let i = 0; i < 6; i++) spread.push(await me(cookie));
    for (const r of spread) if (r.status !== 200 || r.body?.email !== ALICE) fail(`signed-in request answered ${r.status} ${JSON.stringify(r.body)}`);
    const instances = new Set(spread.map((r) => r.instance));
    if (!['1', '2', '3'].every((i) => instances.has(i))) fail(`requests reached instances ${[...instances].join(',')}, not 1,2,3`);
    console.log(`${tag} signed in as alice (${names.join(', ').replaceAll('=', '')}, ${cookie.length} bytes); 6 requests answered by instances ${spread.map((r) => r.instance).join(',')}`);

    // Past the access token's expiry (refresh is due from 3/4 of its lifetime).
    await new Promise((r) => setTimeout(r, (TTL + 1) * 1000));
    const reset = await fetch(`${issuer}/dev/stats/reset`, { method: 'POST' });
    if (!reset.ok) fail(`POST /dev/stats/reset answered ${reset.status}`);
    const burst = await Promise.all(Array.from({ length: BURST }, () => me(cookie)));
    const stats = await (await fetch(`${issuer}/dev/stats`)).json();
    const bad = burst.filter((r) => r.status !== 200 || r.body?.email !== ALICE);
    const byInstance = burst.reduce((acc, r) => ({ ...acc, [r.instance]: (acc[r.instance] ?? 0) + 1 }), {});
    console.log(
      `${tag} burst of ${BURST} with the expired session: ${BURST - bad.length} × 200 as alice, per instance ${JSON.stringify(byInstance)}, ` +
        `IdP refresh_token calls: ${stats.tokenCalls.refresh_token}`,
    );
    if (bad.length > 0) fail(`${bad.length} of ${BURST} answered otherwise, e.g. ${bad[0].status} ${JSON.stringify(bad[0].body)}`);
    if (Object.keys(byInstance).length !== 3) fail(`the burst reached instances ${Object.keys(byInstance).join(',')}, not all three`);
    if (stats.tokenCalls.refresh_token !== 1) fail(`expected exactly 1 refresh_token call at the IdP, saw ${stats.tokenCalls.refresh_token}`);
    console.log(`${tag} ok in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return true;
  } catch (err) {
    console.error(`${tag} FAILED: ${err instanceof Error ? err.message : err}\n--- start-cluster output (last 4000 chars) ---\n${run.output.slice(-4000)}`);
    return false;
  } finally {
    await stopCluster(run.cluster);
}
}
