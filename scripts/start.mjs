// `npm start`: builds the library and the example app, then runs the dev IdP
// (http://127.0.0.1:3200), the example app (http://localhost:3000) and, for
// the example app, its resource server (http://127.0.0.1:3400, the API that
// /client calls through /api/proxy/notes).
// Environment (all optional): PORT, DEV_IDP_PORT, RESOURCE_PORT, DEV_IDP_ACCESS_TOKEN_TTL,
// DEV_IDP_MODE (cognito|oidc), AUTH_SECRET, SKIP_BUILD=1 (skip both builds
// when their output exists), SKIP_LIB_BUILD=1 (skip only the library build
// when dist/ exists: e2e runs build it once before starting several apps),
// APP_DIR (another app folder, e.g. e2e/apps/next15; it runs with the Next
// it depends on, which may be nested in its own node_modules), APP_LOG (a
// file that also receives the app's `next build` and `next start` output, so
// tests can check it for Next.js errors and warnings; truncated at start),
// APP_COPY_DIR (a folder, e.g. .e2e/create-next-app-oidc: APP_DIR is copied
// there, without .next and node_modules, and the copy is built and run, so a
// second stack of the same app with other settings keeps its own .next).
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createProcesses, devIdpArgs, EXAMPLE_IDENTITY_POOL_ID, waitFor } from './lib/processes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = process.env.APP_DIR ? join(root, process.env.APP_DIR) : join(root, 'example-app');
const appDir = process.env.APP_COPY_DIR ? join(root, process.env.APP_COPY_DIR) : sourceDir;
if (appDir !== sourceDir) {
  // A fresh copy of the sources; the copy's .next stays (next build replaces
  // it, SKIP_BUILD=1 reuses it). Packages resolve from the repository root's
  // node_modules, as they do for the original inside the repository.
  mkdirSync(appDir, { recursive: true });
  for (const entry of readdirSync(appDir)) if (entry !== '.next') rmSync(join(appDir, entry), { recursive: true, force: true });
  const skipped = new Set(['.next', 'node_modules'].map((name) => join(sourceDir, name)));
  cpSync(sourceDir, appDir, { recursive: true, filter: (src) => !skipped.has(src) });
}
const appPort = Number(process.env.PORT ?? 3000);
const idpPort = Number(process.env.DEV_IDP_PORT ?? 3200);
const origin = process.env.AUTH_ORIGIN ?? `http://localhost:${appPort}`;
const issuer = `http://127.0.0.1:${idpPort}`;
const resourcePort = Number(process.env.RESOURCE_PORT ?? 3400);
// Only the example app has a resource server (example-app/resource-server.mjs).
const resourceServer = join(sourceDir, 'resource-server.mjs');
const withResourceServer = existsSync(resourceServer);
const resourceUrl = `http://127.0.0.1:${resourcePort}`;
// The app's own Next: e2e/apps/next15 gets next@15 nested under its node_modules.
const nextBin = join(dirname(createRequire(join(appDir, 'package.json')).resolve('next/package.json')), 'dist', 'bin', 'next');
const appLabel = appDir.slice(root.length + 1);

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  // Next 15 otherwise tries to "patch" the workspace lockfile over the network
  // because its swc packages are nested under the app, not at the root.
  NEXT_IGNORE_INCORRECT_LOCKFILE: '1',
  AUTH_ORIGIN: origin,
  // A fresh secret per start: sessions do not outlive a restart of the example.
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
  DEV_IDP_ISSUER: issuer,
  // The identity pool the dev IdP serves (cognito mode), for the app's /amplify page.
  DEV_IDP_IDENTITY_POOL: EXAMPLE_IDENTITY_POOL_ID,
  // The app's /api/proxy/notes route forwards here.
  RESOURCE_PORT: String(resourcePort),
};

const appLog = process.env.APP_LOG ? join(root, process.env.APP_LOG) : undefined;
if (appLog) {
  mkdirSync(dirname(appLog), { recursive: true });
  writeFileSync(appLog, '');
}

const { run, start, stop } = createProcesses({ tag: '[start]', env, logFile: appLog });

const skipLibBuild = process.env.SKIP_BUILD === '1' || process.env.SKIP_LIB_BUILD === '1';
if (!skipLibBuild || !existsSync(join(root, 'dist', 'dev-idp', 'cli.js'))) {
  run('building next-server-auth', 'npm', ['run', 'build', '--silent'], { cwd: root });
}
if (process.env.SKIP_BUILD !== '1' || !existsSync(join(appDir, '.next', 'BUILD_ID'))) {
  run(`building ${appLabel}`, process.execPath, [nextBin, 'build'], { cwd: appDir, log: true });
}

const idpArgs = devIdpArgs({ root, port: idpPort, origin, mode: process.env.DEV_IDP_MODE });
start('dev IdP', idpArgs, root);
if (withResourceServer) start('resource server', [resourceServer], root);
start(appLabel, [nextBin, 'start', '-p', String(appPort), '-H', '127.0.0.1'], appDir, { log: true });

try {
  await Promise.all([
    waitFor(`${issuer}/.well-known/openid-configuration`),
    waitFor(`${origin}/`),
    ...(withResourceServer ? [waitFor(`${resourceUrl}/health`)] : []),
  ]);
} catch (err) {
  // Do not leave the detached IdP and app running behind a failed start.
  console.error(`[start] ${err instanceof Error ? err.message : err}; stopping`);
  stop(1);
  await new Promise(() => {});
}
console.log(`
[start] ready
  example app  ${origin}
  dev IdP      ${issuer}   (development only)
${withResourceServer ? `  resource     ${resourceUrl}/notes   (the API /client calls through /api/proxy/notes)\n` : ''}${withResourceServer && process.env.DEV_IDP_MODE !== 'oidc' ? `  amplify      ${origin}/amplify   (Amplify's browser library; identity pool ${EXAMPLE_IDENTITY_POOL_ID})\n` : ''}  users        alice@example.com / alice-password  (group ADMINS)
               bob@example.com / bob-password
  Ctrl+C stops them all.
`);
