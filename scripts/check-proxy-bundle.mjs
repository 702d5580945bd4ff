// Build check: no AWS SDK code may run when the proxy / middleware bundle
// that `next build` wrote starts, although that bundle imports the runner,
// and so the code that loads the SDK: the cognito.* server actions and the
// identity-pool credentials import it through the package's own
// '#aws/cognito-identity-provider' and '#aws/cognito-identity' (package.json
// "imports"): a static re-export on Node, a stub under the edge conditions.
//
//   node scripts/check-proxy-bundle.mjs [appDir ...]
//
// Default: example-app (Next 16, proxy.ts: Turbopack, Node) and
// e2e/apps/next15 (Next 15, middleware.ts: webpack, edge), each after its
// `next build` (the e2e step builds both); an app without a build fails.
//
// Policy, per kind of bundle:
// - Edge middleware (webpack; the middleware manifest lists its files): every
//   file must be SDK-free (the edge conditions give it the stubs).
// - A Node proxy (Turbopack; `server/middleware.js` with its chunks): the
//   start-up chunks, which `server/middleware.js` loads when the proxy starts
//   (its runtime and the chunks it names), must be SDK-free. The lazy chunks
//   the start-up chunks name (a dynamic import's chunk list) may hold the SDK:
//   Turbopack bundles '#aws/cognito-identity-provider' there, and they load
//   only if a cognito.* action runs inside the proxy. They are listed with
//   their size, not a failure.
// Exits 1 naming the file and the SDK marker found. That the server actions
// do load the SDK at run time is what e2e/login-form.spec.ts shows (a
// sign-in through cognito.signIn).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_APPS = ['example-app', 'e2e/apps/next15'];

/**
 * Strings only the AWS SDK's code holds (its protocol's target prefixes and
 * the header its user-agent middleware sets), never next-server-auth's own
 * modules (the dev IdP, which answers those targets, is never in an app bundle).
 */
export const SDK_MARKERS = ['AWSCognitoIdentityProviderService', 'AWSCognitoIdentityService', 'x-amz-user-agent'];

/** The SDK markers in a bundle file's text. */
export function sdkMarkersIn(text) {
  return SDK_MARKERS.filter((marker) => text.includes(marker));
}

/**
 * The files of an app's proxy / middleware bundle, relative to `.next/`:
 * `{ kind, startup, lazy }`. With webpack (edge middleware), the middleware
 * manifest's `files`, all start-up. With Turbopack (a Node proxy),
 * `server/middleware.js`, the files it `require()`s (its runtime) and the
 * chunks it names (`R.c(…)`) are start-up, as is what a start-up file
 * `require()`s; a chunk that only another chunk names (a dynamic import's
 * chunk list) is lazy, and so is every chunk reachable only through one.
 */
export function proxyBundleFiles(appDir) {
  const dotNext = join(appDir, '.next');
  const manifest = JSON.parse(readFileSync(join(dotNext, 'server', 'middleware-manifest.json'), 'utf8'));
  const webpackFiles = Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []);
  if (webpackFiles.length > 0) return { kind: 'edge middleware (webpack)', startup: [...new Set(webpackFiles)], lazy: [] };
  const entry = 'server/middleware.js';
  if (!existsSync(join(dotNext, entry))) throw new Error(`${relative(root, dotNext)}: no middleware / proxy bundle (no middleware-manifest entry, no ${entry})`);
  const startup = new Set([entry]);
  const lazy = new Set();
  // Start-up files first, so a chunk both loaded at start and named lazily counts as start-up.
  const queue = [entry];
  const lazyQueue = [];
  const visit = (file, isStartup) => {
    const text = readFileSync(join(dotNext, file), 'utf8');
    // require("./chunks/[turbopack]_runtime.js"): synchronous, relative to the file
    const required = [...text.matchAll(/require\(["'](\.{1,2}\/[^"'\s]+?\.js)["']\)/g)].map((m) => relative(dotNext, join(dotNext, dirname(file), m[1])));
    // R.c("server/chunks/…") in the entry; async-chunk lists in chunks: paths from .next/
    const named = [...text.matchAll(/["'](server\/chunks\/[^"'\s]+?\.js)["']/g)].map((m) => m[1]);
    const add = (next, asStartup) => {
      if (!existsSync(join(dotNext, next)) || startup.has(next)) return;
      if (asStartup) {
        lazy.delete(next);
        startup.add(next);
        queue.push(next);
      } else if (!lazy.has(next)) {
        lazy.add(next);
        lazyQueue.push(next);
      }
    };
    for (const next of required) add(next, isStartup);
    for (const next of named) add(next, isStartup && file === entry);
  };
  while (queue.length > 0 || lazyQueue.length > 0) {
    if (queue.length > 0) visit(queue.shift(), true);
    else {
      const file = lazyQueue.shift();
      if (lazy.has(file)) visit(file, false);
    }
  }
  return { kind: 'Node proxy (Turbopack)', startup: [...startup], lazy: [...lazy] };
}

/**
 * Checks one built app: `{ kind, startup, lazy }`, each a list of
 * `{ file, bytes, markers }` plus its total `bytes`. A marker in a start-up
 * file is a failure; in a lazy file it is reported.
 */
export function checkProxyBundle(appDir) {
  const dotNext = join(appDir, '.next');
  const measure = (files) => {
    const list = files.map((file) => {
      const path = join(dotNext, file);
      return { file, bytes: statSync(path).size, markers: sdkMarkersIn(readFileSync(path, 'utf8')) };
    });
    return { files: list, bytes: list.reduce((sum, f) => sum + f.bytes, 0) };
  };
  const { kind, startup, lazy } = proxyBundleFiles(appDir);
  return { kind, startup: measure(startup), lazy: measure(lazy) };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const line = ({ file, bytes, markers }, mark) => `  ${String(bytes).padStart(9)}  ${file}${markers.length > 0 ? `  ${mark} AWS SDK (${markers.join(', ')})` : ''}`;

function main(argv) {
  const apps = argv.length > 0 ? argv : DEFAULT_APPS;
  let failed = false;
  for (const app of apps) {
    const appDir = resolve(root, app);
    if (!existsSync(join(appDir, '.next', 'BUILD_ID'))) {
      console.error(`check-proxy-bundle: ${app}/.next is missing; build it first (the e2e step builds it)`);
      failed = true;
      continue;
    }
    const { kind, startup, lazy } = checkProxyBundle(appDir);
    console.log(`${app}: ${kind}`);
    console.log(` start-up: ${startup.files.length} files, ${kib(startup.bytes)} (loaded when the proxy starts: must hold no AWS SDK)`);
    for (const file of startup.files) {
      console.log(line(file, '✗'));
      if (file.markers.length > 0) failed = true;
    }
    if (lazy.files.length > 0) {
      const withSdk = lazy.files.filter((f) => f.markers.length > 0).length;
      console.log(
        ` lazy: ${lazy.files.length} files, ${kib(lazy.bytes)}, ${withSdk} with AWS SDK markers (loaded only when a dynamic import inside the proxy runs, e.g. a cognito.* action: allowed)`,
      );
      for (const file of lazy.files) console.log(line(file, '·'));
    }
  }
  if (failed) {
    console.error('check-proxy-bundle: AWS SDK code in a file a proxy/middleware loads at start (or a build is missing); the SDK must stay in lazy chunks or, on the edge, out entirely');
    process.exit(1);
  }
  console.log('check-proxy-bundle: no AWS SDK in any proxy/middleware start-up file');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
