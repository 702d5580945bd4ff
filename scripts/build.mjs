// `npm run build`: tsc into dist/, then removes whatever an earlier build left
// there that this one did not emit (renamed or deleted modules, test support
// excluded since), so the package never ships stale files. Cleans after
// compiling, not before: an app running against dist/ (next dev, an e2e
// server) never sees it empty.
//
// The browser entry (dist/react) is then emitted again without comments: it
// is shipped to browsers and its size is a target (≤ 5 KB gzip); its TSDoc
// stays in the .d.ts files.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--listEmittedFiles'], { encoding: 'utf8' });
const emitted = new Set();
for (const line of result.stdout.split('\n')) {
  if (line.startsWith('TSFILE: ')) emitted.add(resolve(line.slice('TSFILE: '.length).trim()));
  else if (line.trim() !== '') console.log(line);
}
process.stderr.write(result.stderr);
if (result.status !== 0) process.exit(result.status ?? 1);

// Same compiler options, only `removeComments`, only src/react's JavaScript.
const ts = createRequire(import.meta.url)('typescript');
const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const reactSrc = join(root, 'src', 'react');
const reactDist = join(dist, 'react');
const program = ts.createProgram(
  parsed.fileNames.filter((f) => resolve(f).startsWith(reactSrc + '/')),
  { ...parsed.options, removeComments: true, declaration: false },
);
const reactEmit = program.emit(undefined, (path, text) => {
  if (resolve(path).startsWith(reactDist + '/') && emitted.has(resolve(path))) writeFileSync(path, text);
});
if (reactEmit.emitSkipped) {
  console.error('build: re-emitting dist/react without comments failed');
  process.exit(1);
}

let removed = 0;
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
    } else if (!emitted.has(path)) {
      rmSync(path);
      removed++;
    }
  }
}
prune(dist);
if (removed > 0) console.log(`build: removed ${removed} stale file(s) from dist/`);
