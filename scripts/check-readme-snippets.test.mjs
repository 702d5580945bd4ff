// The README snippet check must be able to fail: a block with a type error makes
// it exit 1 with the error at its README line, a README without ts/tsx blocks
// fails too; fragments are skipped and counted, and the README's own auth.ts
// block is the project's auth.ts. Run: node --test scripts/check-readme-snippets.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'check-readme-snippets.mjs');
const repo = join(dirname(script), '..');
const built = existsSync(join(repo, 'dist', 'index.d.ts'));
const fixtures = mkdtempSync(join(tmpdir(), 'readme-snippets-test-'));
after(() => rmSync(fixtures, { recursive: true, force: true }));

let n = 0;
/** Writes `markdown` as README.md in a fresh dir and runs the check there. */
function check(markdown) {
  const dir = join(fixtures, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'README.md'), markdown);
  const result = spawnSync(process.execPath, [script, 'README.md'], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test('a type error fails the check, reported at its README line', () => {
  const { status, out } = check(['# Title', '', 'Some prose.', '', '```ts', "const port: number = '3000';", 'export { port };', '```', ''].join('\n'));
  assert.equal(status, 1, out);
  assert.match(out, /^README\.md:6:7 \(```ts block at line 5\) - error TS2322: Type 'string' is not assignable to type 'number'\./m);
  assert.match(out, /README snippets: 1 type-checked, 0 fragments skipped, 1 error$/m);
});

test('a README without ts/tsx blocks fails (fragments and other languages do not count)', () => {
  const { status, out } = check(['# Title', '', '```sh', 'npm test', '```', '', '<!-- snippet: fragment -->', '```ts', '{ secret, origin }', '```', ''].join('\n'));
  assert.equal(status, 1, out);
  assert.match(out, /README snippets: 0 type-checked, 1 fragment skipped, 0 errors/);
  assert.match(out, /no ```ts or ```tsx block to type-check/);
});

test('fragments are skipped; complete blocks check against the built types and the README auth.ts', { skip: !built && 'dist/ not built' }, () => {
  const authTs = [
    '```ts',
    '// auth.ts',
    "import { createServerRunner } from 'next-server-auth';",
    "export const { runWithServerContext } = createServerRunner({ config: { oidc: { issuer: 'https://id.example.com', clientId: 'web' } } });",
    '```',
  ];
  const page = [
    '```tsx',
    "import { cookies } from 'next/headers';",
    "import { getCurrentUser } from 'next-server-auth/server';",
    "import { runWithServerContext } from '@/auth';",
    'export default async function Page() {',
    '  const user = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => getCurrentUser(ctx) });',
    '  return <p>{user.username}</p>;',
    '}',
    '```',
  ];
  const fragment = ['<!-- snippet: fragment -->', '```ts', 'createServerRunner({ config, runtimeOptions: { secret } });', '```'];
  const ok = check([...authTs, '', ...page, '', ...fragment, ''].join('\n'));
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /README snippets: 2 type-checked, 1 fragment skipped, 0 errors \(auth\.ts: the block at README\.md line 1\)/);

  // The project's auth.ts is the README's: a name it does not export is an error in the block importing it.
  const bad = check([...authTs, '', '```ts', "import { signOut } from './auth';", 'export { signOut };', '```', ''].join('\n'));
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /^README\.md:8:10 .* error TS2305: Module '"\.\/auth"' has no exported member 'signOut'\./m);
});
