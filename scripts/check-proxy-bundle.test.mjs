// The proxy-bundle check must be able to fail: fixture `.next` folders laid
// out as Turbopack (Next 16 proxy) and webpack (Next 15 edge middleware)
// write them, with the AWS SDK's real code in a start-up chunk of the Node
// proxy or in an edge middleware's manifest file, make it exit 1 naming the
// file; the SDK in a lazy chunk of the Node proxy (one only another chunk
// names) is listed with its size and passes; clean ones pass and print sizes.
// Run: node --test scripts/check-proxy-bundle.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'check-proxy-bundle.mjs');
const require = createRequire(script);
// The SDKs' own code, as a bundler would copy it into a chunk.
const userPoolSdk = readFileSync(require.resolve('@aws-sdk/client-cognito-identity-provider'), 'utf8');
const identitySdk = readFileSync(require.resolve('@aws-sdk/client-cognito-identity'), 'utf8');
const fixtures = mkdtempSync(join(tmpdir(), 'proxy-bundle-check-'));
after(() => rmSync(fixtures, { recursive: true, force: true }));

let n = 0;
/** A fake built app: `.next/BUILD_ID` plus `files` (path under .next → text). */
function app(files) {
  const dir = join(fixtures, String(n++));
  for (const [path, text] of Object.entries({ BUILD_ID: 'x', ...files })) {
    mkdirSync(dirname(join(dir, '.next', path)), { recursive: true });
    writeFileSync(join(dir, '.next', path), typeof text === 'string' ? text : JSON.stringify(text));
  }
  return dir;
}

function check(...dirs) {
  const result = spawnSync(process.execPath, [script, ...dirs], { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

const EMPTY_MANIFEST = { version: 3, middleware: {}, sortedMiddleware: [], functions: {} };
// What Turbopack writes for a Node proxy: an entry that loads its runtime and chunks.
const turbopack = (chunks, asyncChunk) => ({
  'server/middleware-manifest.json': EMPTY_MANIFEST,
  'server/middleware.js': `var R=require("./chunks/[turbopack]_runtime.js")("server/middleware.js")\n${Object.keys(chunks)
    .map((c) => `R.c("${c}")`)
    .join('\n')}\nmodule.exports=R.m(1).exports\n`,
  'server/chunks/[turbopack]_runtime.js': 'module.exports=function(){}',
  ...chunks,
  ...(asyncChunk ? { [asyncChunk.path]: asyncChunk.text } : {}),
  // A chunk of another route, never named by the proxy's: not part of its bundle.
  'server/chunks/ssr/app_login_page.js': userPoolSdk,
});

test('a clean Turbopack proxy bundle passes and its start-up size is printed', () => {
  const dir = app(turbopack({ 'server/chunks/guard.js': 'await import(PACKAGE) /* the runner, loading the SDK at run time */' }));
  const { status, out } = check(dir);
  assert.equal(status, 0, out);
  assert.match(out, /Node proxy \(Turbopack\)\n start-up: 3 files, [\d.]+ KiB/);
  assert.doesNotMatch(out, / lazy: /);
  assert.doesNotMatch(out, /app_login_page/);
});

test('the user-pool SDK in a start-up chunk of the proxy fails, naming the chunk', () => {
  const { status, out } = check(app(turbopack({ 'server/chunks/guard.js': `module.exports=1;${userPoolSdk}` })));
  assert.equal(status, 1, out);
  assert.match(out, /server\/chunks\/guard\.js {2}✗ AWS SDK \(AWSCognitoIdentityProviderService/);
  assert.match(out, /AWS SDK code in a file a proxy\/middleware loads at start/);
});

test('the SDK in a chunk the proxy runtime require()s at start fails', () => {
  const dir = app({
    ...turbopack({ 'server/chunks/guard.js': 'R.m(1)' }),
    'server/chunks/[turbopack]_runtime.js': 'module.exports=function(){};require("./sdk_at_start.js")',
    'server/chunks/sdk_at_start.js': identitySdk,
  });
  const { status, out } = check(dir);
  assert.equal(status, 1, out);
  assert.match(out, /server\/chunks\/sdk_at_start\.js {2}✗ AWS SDK \(AWSCognitoIdentityService/);
});

test('the SDK in a lazy chunk that only a start-up chunk names (a bundled dynamic import) passes, listed with its size', () => {
  const dir = app(
    turbopack(
      { 'server/chunks/guard.js': 'e.A(1) /* loader: */ ["server/chunks/lazy_sdk.js"]' },
      { path: 'server/chunks/lazy_sdk.js', text: `${userPoolSdk}\n"server/chunks/lazy_deeper.js"` },
    ),
  );
  writeFileSync(join(dir, '.next', 'server/chunks/lazy_deeper.js'), identitySdk);
  const { status, out } = check(dir);
  assert.equal(status, 0, out);
  assert.match(out, / start-up: 3 files, /);
  assert.match(out, / lazy: 2 files, [\d.]+ KiB, 2 with AWS SDK markers/);
  const size = (file) => String(readFileSync(join(dir, '.next', file)).length);
  assert.match(out, new RegExp(` ${size('server/chunks/lazy_sdk.js')} {2}server/chunks/lazy_sdk\\.js {2}· AWS SDK \\(AWSCognitoIdentityProviderService`));
  assert.match(out, new RegExp(` ${size('server/chunks/lazy_deeper.js')} {2}server/chunks/lazy_deeper\\.js {2}· AWS SDK \\(AWSCognitoIdentityService`));
  assert.match(out, /no AWS SDK in any proxy\/middleware start-up file/);
});

test('a chunk the entry loads at start stays start-up even when another chunk also names it lazily', () => {
  const dir = app(turbopack({ 'server/chunks/guard.js': '["server/chunks/shared.js"]', 'server/chunks/shared.js': identitySdk }));
  const { status, out } = check(dir);
  assert.equal(status, 1, out);
  assert.match(out, /server\/chunks\/shared\.js {2}✗ AWS SDK/);
  assert.doesNotMatch(out, / lazy: /);
});

test('webpack edge middleware: the manifest lists the files; the SDK in one fails', () => {
  const manifest = {
    version: 3,
    middleware: { '/': { files: ['server/edge-runtime-webpack.js', 'server/middleware.js'], name: 'middleware', page: '/' } },
    sortedMiddleware: ['/'],
    functions: {},
  };
  const clean = app({ 'server/middleware-manifest.json': manifest, 'server/edge-runtime-webpack.js': 'self.x=1', 'server/middleware.js': 'self.y=2' });
  assert.equal(check(clean).status, 0);
  const dirty = app({ 'server/middleware-manifest.json': manifest, 'server/edge-runtime-webpack.js': 'self.x=1', 'server/middleware.js': identitySdk });
  const { status, out } = check(dirty);
  assert.equal(status, 1, out);
  assert.match(out, /server\/middleware\.js {2}✗ AWS SDK/);
});

test('an app that was not built fails rather than passing unchecked', () => {
  const { status, out } = check(join(fixtures, 'never-built'));
  assert.equal(status, 1);
  assert.match(out, /\.next is missing/);
});
