// Build check: an `output: 'standalone'` build ships what the server code
// loads at run time. Both AWS SDK clients next-server-auth uses (the identity
// client for identity-pool credentials, the user-pool client for the cognito.*
// server actions; each imported through the package's own '#aws/…' subpath
// import, a static re-export on Node) must be either
// bundled into the server chunks or, where a chunk still imports them from
// node_modules at run time (a bundler-ignored import, or an external such as
// Turbopack's hashed `require("pkg-<hash>")` in Pages Router chunks), listed
// by some `.nft.json` trace: standalone copies exactly the traced files, and
// nothing else from node_modules. Reads the builds `next build` wrote (no
// standalone build of its own: the trace files are what standalone copies).
//
//   node scripts/check-standalone.mjs [appDir ...]
//
// Default: example-app (Next 16, Turbopack) and e2e/apps/next15 (Next 15,
// webpack), after the e2e step built them. Exits 1 naming the package and a
// file that loads it, or when a package is found nowhere (run-time imports
// are recognised by their literal specifier: a variable one would hide them).
// Costs well under a second.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_APPS = ['example-app', 'e2e/apps/next15'];

/** The SDK packages next-server-auth loads, and a string only each one's code holds. */
export const SDK_PACKAGES = {
  '@aws-sdk/client-cognito-identity': 'AWSCognitoIdentityService',
  '@aws-sdk/client-cognito-identity-provider': 'AWSCognitoIdentityProviderService',
};

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** `{ name: { bundledIn, loadedBy, traced } }` for one built app (paths relative to `.next/`). */
export function checkStandalone(appDir) {
  const dotNext = join(appDir, '.next');
  const traced = new Set();
  const loadedBy = Object.fromEntries(Object.keys(SDK_PACKAGES).map((name) => [name, []]));
  const bundledIn = Object.fromEntries(Object.keys(SDK_PACKAGES).map((name) => [name, []]));
  // Turbopack names externals `pkg-<16 hex>` (symlinks in .next/node_modules); bundler comments
  // (`/* webpackIgnore: true */`) may sit before the specifier.
  const runtimeImport = /\b(?:import|require)\(\s*(?:\/\*[^*]*\*\/\s*)*["'](@aws-sdk\/client-cognito-identity(?:-provider)?)(?:-[0-9a-f]{16})?["']\s*\)/g;
  for (const path of filesUnder(dotNext)) {
    if (path.startsWith(join(dotNext, 'cache'))) continue;
    if (path.endsWith('.nft.json')) {
      for (const file of JSON.parse(readFileSync(path, 'utf8')).files ?? []) traced.add(resolve(dirname(path), file));
      continue;
    }
    if (!path.startsWith(join(dotNext, 'server')) || !path.endsWith('.js')) continue;
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(runtimeImport)) loadedBy[match[1]].push(relative(dotNext, path));
    for (const [name, marker] of Object.entries(SDK_PACKAGES)) if (text.includes(marker)) bundledIn[name].push(relative(dotNext, path));
  }
  const tracedPackages = new Set();
  for (const file of traced) {
    for (const name of Object.keys(SDK_PACKAGES)) if (file.endsWith(`/node_modules/${name}/package.json`)) tracedPackages.add(name);
  }
  return Object.fromEntries(
    Object.keys(SDK_PACKAGES).map((name) => [name, { bundledIn: [...new Set(bundledIn[name])], loadedBy: [...new Set(loadedBy[name])], traced: tracedPackages.has(name) }]),
  );
}

function main(argv) {
  const apps = argv.length > 0 ? argv : DEFAULT_APPS;
  let failed = false;
  for (const app of apps) {
    const appDir = resolve(root, app);
    if (!existsSync(join(appDir, '.next', 'BUILD_ID'))) {
      console.error(`check-standalone: ${app}/.next is missing; build it first (the e2e step builds it)`);
      failed = true;
      continue;
    }
    for (const [name, { bundledIn, loadedBy, traced }] of Object.entries(checkStandalone(appDir))) {
      const state = `bundled in ${bundledIn.length} server file(s), imported at run time by ${loadedBy.length}, ${traced ? 'traced' : 'not traced'}`;
      if (bundledIn.length === 0 && loadedBy.length === 0) {
        // Both apps use fetchAuthSession and the runner (cognito.*): finding neither means this check no longer sees how the SDK is loaded.
        console.error(`${app}: ${name}: ${state} ✗ found nowhere in the server output: the check is stale (a variable import specifier, a renamed package?) or the build is old`);
        failed = true;
        continue;
      }
      if (loadedBy.length > 0 && !traced) {
        console.error(`${app}: ${name}: ${state} ✗ ${loadedBy[0]} imports it at run time, but no .nft.json lists it: a standalone build ships without it`);
        failed = true;
      } else {
        console.log(`${app}: ${name}: ${state}`);
      }
    }
  }
  if (failed) {
    console.error('check-standalone: server code imports an AWS SDK package at run time that output: \'standalone\' would not ship (or a build is missing)');
    process.exit(1);
  }
  console.log('check-standalone: every AWS SDK client the server code needs is bundled or traced');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
