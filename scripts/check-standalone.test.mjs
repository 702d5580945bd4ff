// The standalone check must be able to fail: fixture `.next` folders where a
// server chunk imports an AWS SDK client (the identity client or the
// user-pool client: both are required, neither is a known gap) at run time
// (plain or as a Turbopack hashed external) with no trace listing it make it
// exit 1 naming the chunk; a trace listing it, or the client bundled, passes;
// a build in which a client shows up nowhere fails as stale.
// Run: node --test scripts/check-standalone.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'check-standalone.mjs');
const fixtures = mkdtempSync(join(tmpdir(), 'standalone-check-'));
after(() => rmSync(fixtures, { recursive: true, force: true }));

// The user-pool client as the cognito.* actions get it ('#aws/cognito-identity-provider'): bundled into a server chunk.
const USER_POOL = { 'server/chunks/actions.js': 'const target = "AWSCognitoIdentityProviderService.InitiateAuth";' };
// The identity client, bundled likewise.
const IDENTITY = { 'server/chunks/sdk.js': 'const target = "AWSCognitoIdentityService.GetId";' };
const TRACE = { files: ['../../../node_modules/@aws-sdk/client-cognito-identity/package.json', '../../../node_modules/@aws-sdk/client-cognito-identity/dist-cjs/index.js'] };

let n = 0;
/** A fake built app: `.next/BUILD_ID` plus `files` (path under .next → text). */
function app(files) {
  const dir = join(fixtures, String(n++), 'app');
  for (const [path, text] of Object.entries({ BUILD_ID: 'x', ...files })) {
    mkdirSync(dirname(join(dir, '.next', path)), { recursive: true });
    writeFileSync(join(dir, '.next', path), typeof text === 'string' ? text : JSON.stringify(text));
  }
  return dir;
}

function check(dir) {
  const result = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test('a run-time import of the identity client that no trace lists fails, naming the chunk', () => {
  const { status, out } = check(app({ ...USER_POOL, 'server/chunks/identity.js': 'import("@aws-sdk/client-cognito-identity").then((m) => m);' }));
  assert.equal(status, 1, out);
  assert.match(out, /@aws-sdk\/client-cognito-identity: .*✗ server\/chunks\/identity\.js imports it at run time/);
});

test("a Turbopack hashed external (require('pkg-<hash>')) that no trace lists fails", () => {
  const { status, out } = check(app({ ...USER_POOL, 'server/chunks/ssr/ext.js': 'module.exports = require("@aws-sdk/client-cognito-identity-6852bf16e25db1b1");' }));
  assert.equal(status, 1, out);
  assert.match(out, /server\/chunks\/ssr\/ext\.js imports it at run time/);
});

test('the same import passes when an .nft.json lists the package', () => {
  const { status, out } = check(app({ ...USER_POOL, 'server/chunks/identity.js': 'import("@aws-sdk/client-cognito-identity");', 'server/app/page.js.nft.json': TRACE }));
  assert.equal(status, 0, out);
  assert.match(out, /client-cognito-identity: bundled in 0 server file\(s\), imported at run time by 1, traced/);
  assert.match(out, /client-cognito-identity-provider: bundled in 1 server file\(s\), imported at run time by 0, not traced\n/);
  assert.match(out, /every AWS SDK client the server code needs is bundled or traced/);
});

test('the identity client bundled into a server chunk passes', () => {
  const { status, out } = check(app({ ...USER_POOL, ...IDENTITY }));
  assert.equal(status, 0, out);
  assert.match(out, /client-cognito-identity: bundled in 1 server file\(s\)/);
});

test('a run-time import of the user-pool client (the cognito.* actions) that no trace lists fails: no known gap', () => {
  const { status, out } = check(app({ ...IDENTITY, 'server/chunks/actions.js': 'const sdk = await import(/* turbopackIgnore: true */ "@aws-sdk/client-cognito-identity-provider");' }));
  assert.equal(status, 1, out);
  assert.match(out, /@aws-sdk\/client-cognito-identity-provider: .*✗ server\/chunks\/actions\.js imports it at run time, but no \.nft\.json lists it/);
  assert.doesNotMatch(out, /KNOWN GAP/);
});

test('the same user-pool import passes when an .nft.json lists the package', () => {
  const trace = { files: ['../../../node_modules/@aws-sdk/client-cognito-identity-provider/package.json'] };
  const { status, out } = check(app({ ...IDENTITY, 'server/chunks/actions.js': 'await import("@aws-sdk/client-cognito-identity-provider");', 'server/app/login/page.js.nft.json': trace }));
  assert.equal(status, 0, out);
  assert.match(out, /client-cognito-identity-provider: bundled in 0 server file\(s\), imported at run time by 1, traced/);
});

test('a build where only the user-pool client shows up nowhere fails as stale', () => {
  const { status, out } = check(app({ ...IDENTITY }));
  assert.equal(status, 1, out);
  assert.match(out, /@aws-sdk\/client-cognito-identity-provider: .*✗ found nowhere in the server output/);
});

test('a build where the clients show up nowhere fails as stale', () => {
  const { status, out } = check(app({ 'server/chunks/other.js': 'const PACKAGE = "x"; await import(PACKAGE);' }));
  assert.equal(status, 1, out);
  assert.match(out, /found nowhere in the server output/);
});
