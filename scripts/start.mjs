// `npm start`: builds the library and the example app, then runs the dev IdP
// (http://127.0.0.1:3200) and the example app (http://localhost:3000).
// Environment (all optional): PORT, DEV_IDP_PORT, DEV_IDP_ACCESS_TOKEN_TTL,
// DEV_IDP_MODE (cognito|oidc), AUTH_SECRET, SKIP_BUILD=1.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = process.env.APP_DIR ? join(root, process.env.APP_DIR) : join(root, 'example-app');
const appPort = Number(process.env.PORT ?? 3000);
const idpPort = Number(process.env.DEV_IDP_PORT ?? 3200);
const origin = process.env.AUTH_ORIGIN ?? `http://localhost:${appPort}`;
const issuer = `http://127.0.0.1:${idpPort}`;
const nextBin = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  AUTH_ORIGIN: origin,
  // A fresh secret per start: sessions do not outlive a restart of the example.
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
  DEV_IDP_ISSUER: issuer,
};

function run(label, cmd, args, options = {}) {
  console.log(`[start] ${label}…`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env, ...options });
  if (result.status !== 0) {
    console.error(`[start] ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

if (process.env.SKIP_BUILD !== '1' || !existsSync(join(root, 'dist', 'dev-idp', 'cli.js'))) {
  run('building next-server-auth', 'npm', ['run', 'build', '--silent'], { cwd: root });
}
if (process.env.SKIP_BUILD !== '1' || !existsSync(join(appDir, '.next', 'BUILD_ID'))) {
  run(`building ${appDir.slice(root.length + 1)}`, process.execPath, [nextBin, 'build'], { cwd: appDir });
}

const children = [];
function start(label, args, cwd) {
  // detached: each child leads its own process group, so stopping kills
  // grandchildren too (next start forks a next-server that would otherwise
  // keep the port).
  const child = spawn(process.execPath, args, { cwd, env, stdio: 'inherit', detached: true });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${label} exited (${code ?? signal}); stopping`);
      stop(1);
    }
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const idpArgs = [
  join(root, 'dist', 'dev-idp', 'cli.js'),
  '--port', String(idpPort),
  '--users', join(root, 'example-app', 'dev-idp-users.json'),
  '--redirect-uri', `${origin}/api/auth/sign-in-callback`,
  '--logout-uri', `${origin}/api/auth/sign-out-callback`,
];
if (process.env.DEV_IDP_MODE) idpArgs.push('--mode', process.env.DEV_IDP_MODE);
start('dev IdP', idpArgs, root);
start('example app', [nextBin, 'start', '-p', String(appPort), '-H', '127.0.0.1'], appDir);

async function waitFor(url) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}
await Promise.all([waitFor(`${issuer}/.well-known/openid-configuration`), waitFor(`${origin}/`)]);
console.log(`
[start] ready
  example app  ${origin}
  dev IdP      ${issuer}   (development only)
  users        alice@example.com / alice-password  (group ADMINS)
               bob@example.com / bob-password
  Ctrl+C stops both.
`);
