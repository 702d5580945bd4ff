// A production `next start` of the built example app without AUTH_SECRET must
// stop (exit 1) with one line naming the problem, before serving anything:
// instrumentation.ts → assertAuthReady. Next 16.4.6 alone keeps running and
// answers 500 everywhere when register() throws. Needs example-app/.next (the
// e2e step builds it; APP_DIR=<dir> checks another built app). Prints what
// happened; exits 1 if the server kept running.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = process.env.APP_DIR ? join(root, process.env.APP_DIR) : join(root, 'example-app');
if (!existsSync(join(appDir, '.next', 'BUILD_ID'))) {
  console.error(`check-start-fails: ${appDir}/.next is missing; build it first (npm run test:e2e or npm start builds example-app)`);
  process.exit(1);
}
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});

const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', AUTH_ORIGIN: 'https://app.example.com' };
delete env.AUTH_SECRET;
const nextBin = join(dirname(createRequire(join(appDir, 'package.json')).resolve('next/package.json')), 'dist', 'bin', 'next');
const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: appDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));

const limit = setTimeout(() => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}, 30_000);
const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
clearTimeout(limit);

console.log(output.trim().replace(/^/gm, '  │ '));
const line = 'next-server-auth: the auth setup cannot work, stopping the server. InvalidSecret: AUTH_SECRET is not set';
if (code === 1 && output.includes(line)) {
  console.log(`check-start-fails: next start without AUTH_SECRET stopped with exit 1 and said why`);
} else {
  console.error(`check-start-fails: expected exit 1 and "${line}…"; got ${signal ? `killed after 30 s (${signal}): the server kept running` : `exit ${code}`}`);
  process.exit(1);
}
