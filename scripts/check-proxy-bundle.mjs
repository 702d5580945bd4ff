// Build check: the AWS SDK must not be in the proxy / middleware bundle that
// `next build` wrote, although that bundle imports the runner, and so the
// code that loads the SDK (the cognito.* server actions import it at run
// time with a specifier the bundlers do not follow; the identity-pool
// credentials through '#aws/cognito-identity', a stub under the edge
// conditions, and only from next-server-auth/server, which a proxy rarely
// imports). Prints each bundle's files and size.
//
//   node scripts/check-proxy-bundle.mjs [appDir ...]
//
// Default: example-app (Next 16, proxy.ts: Turbopack, Node) and
// e2e/apps/next15 (Next 15, middleware.ts: webpack, edge), each after its
// `next build` (the e2e step builds both); an app without a build fails.
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
 * with webpack, the middleware manifest's `files`; with Turbopack, the chunks
 * `server/middleware.js` loads, and every chunk those name (async chunks too,
 * so a lazily imported SDK would be found).
 */
export function proxyBundleFiles(appDir) {
  const dotNext = join(appDir, '.next');
  const manifest = JSON.parse(readFileSync(join(dotNext, 'server', 'middleware-manifest.json'), 'utf8'));
  const webpackFiles = Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []);
  if (webpackFiles.length > 0) return [...new Set(webpackFiles)];
  const entry = 'server/middleware.js';
  if (!existsSync(join(dotNext, entry))) throw new Error(`${relative(root, dotNext)}: no middleware / proxy bundle (no middleware-manifest entry, no ${entry})`);
  const files = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift();
    const text = readFileSync(join(dotNext, file), 'utf8');
    const referenced = [
      // R.c("server/chunks/…") and async-chunk lists: paths from .next/
      ...[...text.matchAll(/["'](server\/chunks\/[^"'\s]+?\.js)["']/g)].map((m) => m[1]),
      // require("./chunks/[turbopack]_runtime.js"): relative to the file
      ...[...text.matchAll(/require\(["'](\.{1,2}\/[^"'\s]+?\.js)["']\)/g)].map((m) => relative(dotNext, join(dotNext, dirname(file), m[1]))),
    ];
    for (const next of referenced) {
      if (files.has(next) || !existsSync(join(dotNext, next))) continue;
      files.add(next);
      queue.push(next);
    }
  }
  return [...files];
}

/** Checks one built app: `{ files: [{ file, bytes, markers }], bytes }`. */
export function checkProxyBundle(appDir) {
  const dotNext = join(appDir, '.next');
  const files = proxyBundleFiles(appDir).map((file) => {
    const path = join(dotNext, file);
    return { file, bytes: statSync(path).size, markers: sdkMarkersIn(readFileSync(path, 'utf8')) };
  });
  return { files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

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
    const { files, bytes } = checkProxyBundle(appDir);
    console.log(`${app}: proxy/middleware bundle ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB`);
    for (const { file, bytes: size, markers } of files) {
      console.log(`  ${String(size).padStart(9)}  ${file}${markers.length > 0 ? `  ✗ AWS SDK (${markers.join(', ')})` : ''}`);
      if (markers.length > 0) failed = true;
    }
  }
  if (failed) {
    console.error('check-proxy-bundle: the AWS SDK is in a proxy/middleware bundle (or a build is missing); it must only be loaded at run time by the server actions');
    process.exit(1);
  }
  console.log('check-proxy-bundle: no AWS SDK in any proxy/middleware bundle');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
