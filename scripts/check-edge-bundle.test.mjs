// The edge bundle check must be able to fail: fixtures with Node-only imports
// (direct, nested, bare `fs`, through a package's Node-only export condition)
// make it exit 1 with the chain; clean ones (including import text inside
// comments) pass; '#' imports resolve through package.json "imports" with the
// edge conditions; a dynamic import marked webpackIgnore and turbopackIgnore
// is not followed. Run: node --test scripts/check-edge-bundle.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'check-edge-bundle.mjs');
const repo = join(dirname(script), '..');
const fixtures = mkdtempSync(join(tmpdir(), 'edge-check-'));
after(() => rmSync(fixtures, { recursive: true, force: true }));

let n = 0;
/** Writes `files` (path → source) into a fresh fixture dir; returns its path. */
function fixture(files) {
  const dir = join(fixtures, String(n++));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof source === 'string' ? source : JSON.stringify(source));
  }
  return dir;
}

function check(cwd, ...args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

// A package with an edge build and a Node build, like uncrypto.
const dualPackage = (edgeSource) => ({
  'node_modules/jose/package.json': {
    name: 'jose',
    type: 'module',
    exports: { '.': { types: './index.d.ts', node: './node.js', 'edge-light': './edge.js', default: './node.js' } },
  },
  'node_modules/jose/node.js': "import { webcrypto } from 'node:crypto';\nexport const c = webcrypto;\n",
  'node_modules/jose/edge.js': edgeSource,
});

test('fails on a module that imports node:fs, printing the chain', () => {
  const dir = fixture({
    'dist/index.js': "export { guard } from './guard/guard.js';\n",
    'dist/guard/guard.js': "import { readSession } from '../session/read.js';\nexport const guard = readSession;\n",
    'dist/session/read.js': "import { readFileSync } from 'node:fs';\nexport const readSession = () => readFileSync('x');\n",
  });
  const { status, out } = check(dir, 'dist/index.js');
  assert.equal(status, 1, out);
  assert.match(out, /dist\/index\.js\n\s+→ dist\/guard\/guard\.js\n\s+→ dist\/session\/read\.js\n\s+✗ imports 'node:fs'/);
});

test('fails on a bare built-in name (fs/promises, crypto) and a dynamic import', () => {
  const dir = fixture({
    'index.js': "import { readFile } from 'fs/promises';\nexport const f = () => import('crypto');\n",
  });
  const { status, out } = check(dir, 'index.js');
  assert.equal(status, 1, out);
  assert.match(out, /imports 'fs\/promises'/);
  assert.match(out, /imports 'crypto'/);
});

test('fails on a package outside the allowlist, and on next/* other than next/server, next/headers, next/navigation', () => {
  const dir = fixture({
    'index.js':
      "import leftPad from 'left-pad';\nimport { startServer } from 'next/dist/server/lib/start-server.js';\nimport { headers } from 'next/headers.js';\n" +
      "import { redirect } from 'next/navigation.js';\nimport { NextResponse } from 'next/server.js';\nexport { leftPad, startServer, headers, redirect, NextResponse };\n",
  });
  const { status, out } = check(dir, '--shallow', 'index.js');
  assert.equal(status, 1, out);
  assert.match(out, /imports 'left-pad': package outside the edge allowlist/);
  assert.match(out, /imports 'next\/dist\/server\/lib\/start-server\.js': package outside the edge allowlist/);
  assert.doesNotMatch(out, /'next\/server\.js'|'next\/headers\.js'|'next\/navigation\.js'/);
});

test('fails on an unresolvable relative import', () => {
  const dir = fixture({ 'index.js': "export * from './missing.js';\n" });
  const { status, out } = check(dir, 'index.js');
  assert.equal(status, 1, out);
  assert.match(out, /imports '\.\/missing\.js': cannot be resolved/);
});

test('follows allowlisted packages with the edge conditions: the edge build passes, a Node-only one fails', () => {
  const clean = fixture({ 'index.js': "import { c } from 'jose';\nexport { c };\n", ...dualPackage('export const c = globalThis.crypto;\n') });
  const ok = check(clean, 'index.js');
  assert.equal(ok.status, 0, ok.out);

  const dirty = fixture({ 'index.js': "import { c } from 'jose';\nexport { c };\n", ...dualPackage("export { webcrypto as c } from 'node:crypto';\n") });
  const bad = check(dirty, 'index.js');
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /index\.js\n\s+→ node_modules\/jose\/edge\.js\n\s+✗ imports 'node:crypto'/);
});

test('passes a clean graph; import text in comments and strings does not count', () => {
  const dir = fixture({
    'index.js':
      "/**\n * @example\n * import fs from 'node:fs';\n */\n// require('http')\nexport const s = \"import x from 'node:net'\";\nexport { a } from './a.js';\n",
    'a.js': "import { NextResponse } from 'next/server.js';\nexport const a = NextResponse;\n",
  });
  const { status, out } = check(dir, '--shallow', 'index.js');
  assert.equal(status, 0, out);
  assert.match(out, /\[edge-check\] ok: 2 modules/);
});

test('the built library (dist/index.js, dist/server.js) passes', { skip: !existsSync(join(repo, 'dist', 'index.js')) && 'dist/ not built' }, () => {
  const { status, out } = check(repo);
  assert.equal(status, 0, out);
});

// package.json "imports" (the '#aws/*' way of keeping the AWS SDK off the edge).
const subpathImports = (edgeTarget) => ({
  'package.json': { name: 'lib', type: 'module', imports: { '#sdk': { 'edge-light': edgeTarget, default: './sdk.node.js' } } },
  'sdk.node.js': "import { request } from 'node:https';\nexport const r = request;\n",
  'sdk.edge.js': "throw new Error('Node.js only');\n",
  'dist/index.js': "export const load = () => import('#sdk');\n",
});

test("a '#' import resolves through package.json imports with the edge conditions: a stub passes", () => {
  const { status, out } = check(fixture(subpathImports('./sdk.edge.js')), 'dist/index.js');
  assert.equal(status, 0, out);
});

test("a '#' import whose edge target needs Node fails, with the chain", () => {
  const { status, out } = check(fixture(subpathImports('./sdk.node.js')), 'dist/index.js');
  assert.equal(status, 1, out);
  assert.match(out, /dist\/index\.js\n\s+→ sdk\.node\.js\n\s+✗ imports 'node:https'/);
});

test('a dynamic import both bundlers ignore is left to run time; the same import unmarked fails', () => {
  const ignored = "export const load = () => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'aws-thing');\n";
  assert.equal(check(fixture({ 'index.js': ignored }), 'index.js').status, 0);
  const onlyWebpack = "export const load = () => import(/* webpackIgnore: true */ 'aws-thing');\n";
  const { status, out } = check(fixture({ 'index.js': onlyWebpack }), 'index.js');
  assert.equal(status, 1, out);
  assert.match(out, /✗ imports 'aws-thing': package outside the edge allowlist/);
});
