// Build check: the guard must run on the edge runtime (Next 15 middleware.ts),
// so nothing the compiled entry points import at runtime may need Node.
//
//   node scripts/check-edge-bundle.mjs [--shallow] [entry.js ...]
//
// Walks the runtime import graph from each entry (default: dist/index.js, the
// guard's entry, and dist/server.js) and exits 1, printing the import chain,
// when a module
//   - imports a Node built-in (`node:*` or any name in module.builtinModules),
//   - is ours and imports a package outside the allowlist below, or
//   - imports something that cannot be resolved.
// Allowlisted packages are followed into (unless --shallow), resolved the way
// an edge bundler does: package.json `exports` with the conditions edge-light,
// worker, browser, import, default (then `browser`, `module`, `main`); their
// own dependencies are followed too and must not reach Node built-ins either.
// `next/server.js`, `next/headers.js` and `next/navigation.js` are Next's to provide on the
// edge and are not followed.
// Imports are read with TypeScript's preProcessFile (import/export-from,
// dynamic import(), require()), so text in comments never counts. `#…`
// specifiers resolve through package.json "imports" with the same
// conditions; a dynamic import marked both webpackIgnore and turbopackIgnore
// is left to run time by both bundlers and is not followed.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_ENTRIES = [join(root, 'dist', 'index.js'), join(root, 'dist', 'server.js')];
/** Packages our modules may import: a name allows every subpath; a path allows exactly that specifier (not followed). */
export const ALLOWED_PACKAGES = ['jose', 'cookie', 'iron-session', 'oauth4webapi'];
// next/headers and next/navigation: Next's too, bundled by Next for every runtime (the server
// actions and requireUser use cookies() and redirect(); Auth.js imports both from middleware).
export const ALLOWED_SPECIFIERS = ['next/server.js', 'next/server', 'next/headers.js', 'next/headers', 'next/navigation.js', 'next/navigation'];
export const EDGE_CONDITIONS = ['edge-light', 'worker', 'browser', 'import', 'default'];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.replace(/^node:/, '')]));
const JS_FILE = /\.(c|m)?js$/;

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function asFile(path) {
  for (const candidate of [path, `${path}.js`, `${path}.mjs`, `${path}.cjs`, join(path, 'index.js'), join(path, 'index.mjs')]) {
    if (isFile(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

/** A conditional `exports` target, resolved with the edge conditions. */
function resolveTarget(target, star) {
  if (typeof target === 'string') return star === undefined ? target : target.replaceAll('*', star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveTarget(t, star);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (target && typeof target === 'object') {
    for (const [condition, value] of Object.entries(target)) {
      if (!EDGE_CONDITIONS.includes(condition)) continue;
      const r = resolveTarget(value, star);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function resolveExports(exportsField, subpath) {
  const sugar = typeof exportsField === 'string' || Array.isArray(exportsField) || Object.keys(exportsField).every((k) => !k.startsWith('.'));
  const map = sugar ? { '.': exportsField } : exportsField;
  if (Object.hasOwn(map, subpath)) return resolveTarget(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const i = key.indexOf('*');
    if (i === -1) continue;
    const [prefix, suffix] = [key.slice(0, i), key.slice(i + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      return resolveTarget(value, subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A bare specifier as an edge bundler resolves it, or undefined. */
export function resolvePackage(specifier, fromFile) {
  const name = packageNameOf(specifier);
  const dir = findPackageDir(name, dirname(fromFile));
  if (dir === undefined) return undefined;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const subpath = `.${specifier.slice(name.length)}`;
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const target = resolveExports(pkg.exports, subpath);
    return target === undefined ? undefined : asFile(join(dir, target));
  }
  if (subpath !== '.') return asFile(join(dir, subpath));
  const main = [typeof pkg.browser === 'string' ? pkg.browser : undefined, pkg.module, pkg.main, 'index.js'].find((m) => typeof m === 'string');
  return asFile(join(dir, main));
}

/** A `#…` specifier through the nearest package.json's `imports`, with the edge conditions, or undefined. */
export function resolveSubpathImport(specifier, fromFile) {
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const imports = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).imports ?? {};
      const target = Object.hasOwn(imports, specifier) ? resolveTarget(imports[specifier]) : undefined;
      return target === undefined ? undefined : asFile(join(dir, target));
    }
    if (dirname(dir) === dir) return undefined;
  }
}

// `import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'pkg')`: both
// bundlers leave it to run time, so it never enters an edge bundle (on the
// edge it fails when called, and the caller reports it).
const IGNORED_IMPORT = /import\(\s*\/\*\s*webpackIgnore:\s*true\s*\*\/\s*\/\*\s*turbopackIgnore:\s*true\s*\*\/\s*(['"])([^'"]+)\1\s*\)/g;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const ignored = new Set([...text.matchAll(IGNORED_IMPORT)].map((m) => m[2]));
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((specifier) => !ignored.has(specifier));
}

const isOurs = (file) => !file.split(sep).includes('node_modules');

/**
 * Walks the graph; returns `{ modules, packages, violations }` where each
 * violation is `{ chain: string[], specifier, reason }`.
 */
export function checkEdgeGraph({ entries = DEFAULT_ENTRIES, shallow = false, base = process.cwd() } = {}) {
  const parent = new Map();
  const violations = [];
  const packages = new Set();
  const queue = [];
  const show = (file) => relative(base, file) || file;
  const chainTo = (file) => {
    const chain = [];
    for (let f = file; f !== undefined; f = parent.get(f)) chain.unshift(show(f));
    return chain;
  };
  const visit = (file, from) => {
    if (parent.has(file)) return;
    parent.set(file, from);
    queue.push(file);
  };

  for (const entry of entries) {
    const file = asFile(resolve(base, entry));
    if (file === undefined) violations.push({ chain: [entry], specifier: entry, reason: 'entry not found (build first: npm run build)' });
    else visit(file, undefined);
  }

  while (queue.length > 0) {
    const file = queue.shift();
    if (!JS_FILE.test(file)) continue;
    const ours = isOurs(file);
    for (const specifier of importsOf(file)) {
      const fail = (reason) => violations.push({ chain: chainTo(file), specifier, reason });
      if (isBuiltin(specifier)) {
        fail('Node built-in: not available on the edge runtime');
        continue;
      }
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = asFile(resolve(dirname(file), specifier));
        if (target === undefined) fail('cannot be resolved');
        else visit(target, file);
        continue;
      }
      if (specifier.startsWith('#')) {
        // package.json "imports" (e.g. '#aws/cognito-identity': a stub under the edge conditions)
        const target = resolveSubpathImport(specifier, file);
        if (target === undefined) fail(`cannot be resolved through package.json "imports" with the conditions ${EDGE_CONDITIONS.join(', ')}`);
        else visit(target, file);
        continue;
      }
      const name = packageNameOf(specifier);
      if (ours) {
        if (ALLOWED_SPECIFIERS.includes(specifier)) continue;
        if (!ALLOWED_PACKAGES.includes(name)) {
          fail(`package outside the edge allowlist (${[...ALLOWED_PACKAGES, ...ALLOWED_SPECIFIERS].join(', ')})`);
          continue;
        }
      }
      packages.add(name);
      if (shallow) continue;
      const target = resolvePackage(specifier, file);
      if (target === undefined) fail(`cannot be resolved with the conditions ${EDGE_CONDITIONS.join(', ')}`);
      else visit(target, file);
    }
  }
  return { modules: [...parent.keys()], packages: [...packages].sort(), violations };
}

function main(argv) {
  const shallow = argv.includes('--shallow');
  const given = argv.filter((a) => !a.startsWith('--'));
  const started = Date.now();
  const { modules, packages, violations } = checkEdgeGraph({ entries: given.length > 0 ? given : DEFAULT_ENTRIES, shallow });
  if (violations.length > 0) {
    console.error(`[edge-check] FAILED: ${violations.length} import(s) cannot run on the edge runtime:`);
    for (const { chain, specifier, reason } of violations) {
      console.error(`\n  ${chain.join('\n    → ')}\n    ✗ imports '${specifier}': ${reason}`);
    }
    console.error('\n[edge-check] Keep Node-only code out of what the guard imports (see DESIGN.md, "Layers").');
    return 1;
  }
  const own = modules.filter(isOurs).length;
  console.log(
    `[edge-check] ok: ${modules.length} modules (${own} ours, ${modules.length - own} from packages; ${shallow ? 'not followed: ' : ''}${packages.join(', ') || 'none'}), ` +
      `no Node built-ins, no package outside the allowlist (${Date.now() - started} ms)`,
  );
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exitCode = main(process.argv.slice(2));
}
