// Every ```ts / ```tsx block of the README is type-checked, so snippets cannot rot:
// each block becomes its own module (snippet-07.tsx) in a scratch Next-style
// project (bundler resolution, `@/*` paths, react-jsx, next-env.d.ts) whose
// node_modules is the repository's, so `next-server-auth/*` resolves through
// package.json "exports" to the built dist/*.d.ts (run after the build) and
// `next`, `react` are the installed ones. The app files snippets import are there
// too: `./auth` / `@/auth` (the README's own auth.ts block when it has one,
// else a stub exporting all the runner returns) and `./amplify_outputs.json`
// (the test fixture). A block preceded by `<!-- snippet: fragment -->` is an
// intentional fragment: skipped and counted. Diagnostics are printed at their
// README line; exits 1 on any error and when no block was type-checked.
//
// Usage: node scripts/check-readme-snippets.mjs [README.md] [--keep]
//   (--keep leaves the scratch project in place and prints its path)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const readmePath = resolve(args.find((a) => !a.startsWith('--')) ?? join(repo, 'README.md'));
const readmeName = relative(process.cwd(), readmePath) || readmePath;

const FRAGMENT = /<!--\s*snippet:\s*fragment\b[^>]*-->/;
const LANGS = { ts: 'ts', typescript: 'ts', tsx: 'tsx' };

/** The fenced ts/tsx blocks: { lang, startLine (README line of the first code line), indent, code, fragment }. */
export function extractBlocks(markdown) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end])) end++;
    const lang = LANGS[info.toLowerCase()];
    if (lang) {
      let prev = i - 1;
      while (prev >= 0 && lines[prev].trim() === '') prev--;
      const code = lines
        .slice(i + 1, end)
        .map((l) => l.slice(Math.min(indent.length, /^ */.exec(l)[0].length)))
        .join('\n');
      blocks.push({ lang, startLine: i + 2, indent: indent.length, code, fragment: prev >= 0 && FRAGMENT.test(lines[prev]) });
    }
    i = end;
  }
  return blocks;
}

const isAuthFile = (code) =>
  /^\s*\/\/\s*(?:src\/)?auth\.ts\b/.test(code) || (code.includes('createServerRunner(') && /^export const\b/m.test(code));
const exportedNames = (code) => [...code.matchAll(/^export const \{([^}]*)\}/gm)].flatMap(([, names]) => names.split(',').map((n) => n.trim()).filter(Boolean));
const importedFromAuth = (code) =>
  [...code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](?:\.\/auth|@\/auth)['"]/g)].flatMap(([, names]) =>
    names.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]).filter(Boolean),
  );

const STUB_AUTH = `// Stub auth.ts (no README block is one): what createServerRunner returns.
import { createServerRunner } from 'next-server-auth';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, signIn, signOut } = createServerRunner({
  config: { oidc: { issuer: 'https://id.example.com', clientId: 'web' } },
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['dom', 'dom.iterable', 'esnext'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    moduleDetection: 'force',
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: 'react-jsx',
    types: ['node'],
    paths: { '@/*': ['./*'] },
  },
};

function main() {
  if (!existsSync(readmePath)) {
    console.error(`check-readme-snippets: ${readmeName} not found`);
    process.exit(1);
  }
  const blocks = extractBlocks(readFileSync(readmePath, 'utf8'));
  const checked = blocks.filter((b) => !b.fragment);
  const fragments = blocks.length - checked.length;
  const summary = (errors) => `README snippets: ${checked.length} type-checked, ${fragments} fragment${fragments === 1 ? '' : 's'} skipped, ${errors} error${errors === 1 ? '' : 's'}`;
  if (checked.length === 0) {
    console.error(summary(0));
    console.error(`check-readme-snippets: no \`\`\`ts or \`\`\`tsx block to type-check in ${readmeName} (expected at least one)`);
    process.exit(1);
  }

  const dir = mkdtempSync(join(tmpdir(), 'readme-snippets-'));
  try {
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'junction');
    copyFileSync(join(repo, 'src/config/__tests__/amplify_outputs.json'), join(dir, 'amplify_outputs.json'));
    writeFileSync(join(dir, 'next-env.d.ts'), '/// <reference types="next" />\n/// <reference types="next/image-types/global" />\n');

    const files = new Map(); // scratch file name → block
    checked.forEach((block, n) => {
      const name = `snippet-${String(n + 1).padStart(2, '0')}.${block.lang}`;
      files.set(name, block);
      writeFileSync(join(dir, name), `${block.code}\n`);
    });

    // The project's auth.ts: the README's auth.ts block that exports the most of what the other blocks import from it.
    const needed = new Set(checked.flatMap((b) => importedFromAuth(b.code)));
    let authFile;
    let best = -1;
    for (const [name, block] of files) {
      if (!isAuthFile(block.code)) continue;
      const score = exportedNames(block.code).filter((n) => needed.has(n)).length;
      if (score > best) [authFile, best] = [name, score];
    }
    writeFileSync(join(dir, 'auth.ts'), authFile ? `export * from './${authFile.replace(/\.tsx?$/, '')}';\n` : STUB_AUTH);

    writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ ...TSCONFIG, files: ['next-env.d.ts', 'auth.ts', ...files.keys()] }, null, 2)}\n`);

    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;

    // tsc --pretty false: `file(line,col): error TS1234: message` plus indented continuation lines.
    const diagnostics = [];
    for (const line of output.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/.exec(line);
      const global = /^(error|warning) (TS\d+): (.*)$/.exec(line); // no location: options, missing files
      if (m) diagnostics.push({ file: m[1], line: Number(m[2]), col: Number(m[3]), severity: m[4], code: m[5], text: [m[6]] });
      else if (global) diagnostics.push({ file: 'tsconfig.json', line: 1, col: 1, severity: global[1], code: global[2], text: [global[3]] });
      else if (diagnostics.length > 0 && /^\s/.test(line) && line.trim()) diagnostics.at(-1).text.push(line.trim());
    }
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    for (const d of diagnostics) {
      const block = files.get(d.file);
      const where = block
        ? `${readmeName}:${block.startLine + d.line - 1}:${d.col + block.indent} (\`\`\`${block.lang} block at line ${block.startLine - 1})`
        : `${d.file}:${d.line}:${d.col} (scratch project${d.file === 'auth.ts' && !authFile ? ', stub auth.ts' : ''})`;
      console.error(`${where} - ${d.severity} ${d.code}: ${d.text.join('\n    ')}`);
    }
    if (result.status !== 0 && errors === 0) {
      // tsc failed without a located diagnostic (bad config, crash): show what it said.
      console.error(output.trim() || `tsc exited ${result.status ?? result.signal}`);
      console.error(summary(1));
      process.exitCode = 1;
      return;
    }
    const authNote = authFile ? `auth.ts: the block at ${readmeName} line ${files.get(authFile).startLine - 1}` : 'auth.ts: stub';
    if (errors > 0) {
      console.error(summary(errors));
      if (keep) console.error(`scratch project kept: ${dir}`);
      process.exitCode = 1;
      return;
    }
    console.log(`${summary(0)} (${authNote})`);
    if (keep) console.log(`scratch project kept: ${dir}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
