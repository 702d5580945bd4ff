// `npm run bench`: builds the library, runs the benchmarks in bench/ and
// writes bench/RESULTS.md.
//
//   npm run bench                      every part (~12 minutes on a busy 2-core box)
//   npm run bench -- --part 1          per-request session read only
//   npm run bench -- --part 2          guard load test only
//   npm run bench -- --part 3          refresh storm only
//   npm run bench -- --part 4          session-cache inflation only
//   npm run bench -- --part 5          refresh storm across 3 instances, with and
//                                      without a Redis store (+ warm read, store vs none)
//   npm run bench -- --part 6          server-side sessions: cookie bytes, warm and
//                                      cold reads vs the sealed cookie, revocation
//                                      propagation across 3 instances (Redis)
//   npm run bench -- --part 7          client components: the size of the
//                                      next-server-auth/react entry (gzip) and the API
//                                      proxy's added latency vs calling the upstream directly
//   npm run bench -- --part 8          Cognito server actions and strict OAuth: cognito.signIn
//                                      SRP vs password, identity-pool credentials, refresh per
//                                      client-auth method and DPoP, PAR, the proxy with DPoP, cookie
//                                      bytes, resource tokens, step-up guard rules (~1 minute)
//   npm run bench -- --part 4 --before-dist DIR   also run Part 4 on another
//                                      build (e.g. the commit before the fix) as "before"
//   npm run bench -- --skip-build      reuse dist/ and example-app/.next
//   npm run bench -- --runs 3          Part 1 processes (median of their medians)
//   npm run bench -- --part 2 --control   A/A check of the load test: both
//                                      copies without the guard (noise floor)
//   npm run bench -- --render          only rewrite RESULTS.md from results.json
//
// A part not run keeps its section from the previous bench/RESULTS.md data
// (bench/results.json).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderResults } from '../bench/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    part: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    control: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    'before-dist': { type: 'string' },
  },
});
const parts = args.part ? [Number(args.part)] : [1, 2, 3, 4, 5, 6, 7, 8];
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'nsa-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function step(label, cmd, cmdArgs) {
  console.log(`\n[bench] ${label}`);
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    console.error(`[bench] ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const resultsFile = join(root, 'bench', 'results.json');
const previous = existsSync(resultsFile) ? readJson(resultsFile) : {};

if (args.render) {
  writeFileSync(join(root, 'bench', 'RESULTS.md'), renderResults(previous));
  console.log('[bench] rewrote bench/RESULTS.md from bench/results.json');
  process.exit(0);
}

if (!args['skip-build'] || !existsSync(join(root, 'dist', 'index.js'))) step('building the library', 'npm', ['run', 'build', '--silent']);

const results = { ...previous };
results.machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  next: readJson(join(root, 'node_modules', 'next', 'package.json')).version,
};

if (parts.includes(1)) {
  const runs = [];
  const loadBefore = load();
  const n = Number(args.runs);
  for (let i = 0; i < n; i++) {
    const out = join(tmp, `session-read-${i}.json`);
    step(`Part 1 — session read, process ${i + 1}/${n}`, process.execPath, [join('bench', 'session-read.mjs'), '--out', out]);
    runs.push(readJson(out));
  }
  results.part1 = { date: new Date().toISOString(), load: { before: loadBefore, after: load() }, runs };
}

if (parts.includes(2)) {
  const out = join(tmp, 'guard-load.json');
  const loadBefore = load();
  const label = args.control ? 'Part 2 — A/A control of the load test (guard off in both copies)' : 'Part 2 — guard load test';
  const extra = [...(args['skip-build'] ? ['--skip-build'] : []), ...(args.control ? ['--control'] : [])];
  step(label, process.execPath, [join('bench', 'guard-load.mjs'), '--out', out, ...extra]);
  results[args.control ? 'part2Control' : 'part2'] = { date: new Date().toISOString(), load: { before: loadBefore, after: load() }, ...readJson(out) };
}

if (parts.includes(3)) {
  const out = join(tmp, 'refresh-storm.json');
  const loadBefore = load();
  step('Part 3 — refresh storm', process.execPath, [join('bench', 'refresh-storm.mjs'), '--out', out]);
  results.part3 = { load: { before: loadBefore, after: load() }, ...readJson(out) };
}

if (parts.includes(4)) {
  const run = (label, out, extra) => {
    step(label, process.execPath, ['--expose-gc', join('bench', 'cache-inflation.mjs'), '--out', out, ...extra]);
    return readJson(out);
  };
  const after = run('Part 4 — session-cache inflation', join(tmp, 'cache-inflation.json'), []);
  const before = args['before-dist']
    ? run('Part 4 — session-cache inflation, the build before the fix', join(tmp, 'cache-inflation-before.json'), ['--dist', args['before-dist']])
    : previous.part4?.before;
  results.part4 = { date: new Date().toISOString(), after, ...(before ? { before } : {}) };
}

if (parts.includes(5)) {
  const out = join(tmp, 'store-storm.json');
  const loadBefore = load();
  step('Part 5 — refresh storm across instances, with and without a Redis store', process.execPath, [join('bench', 'store-storm.mjs'), '--out', out]);
  results.part5 = { load: { before: loadBefore, after: load() }, ...readJson(out) };
}

if (parts.includes(6)) {
  const out = join(tmp, 'server-sessions.json');
  const loadBefore = load();
  step('Part 6 — server-side sessions: cookie bytes, reads, revocation across 3 instances', process.execPath, [join('bench', 'server-sessions.mjs'), '--out', out]);
  results.part6 = { load: { before: loadBefore, after: load() }, ...readJson(out) };
}

if (parts.includes(7)) {
  const out = join(tmp, 'client-proxy.json');
  const loadBefore = load();
  step('Part 7 — client entry size and the API proxy\'s added latency', process.execPath, [join('bench', 'client-proxy.mjs'), '--out', out, ...(args['skip-build'] ? ['--skip-build'] : [])]);
  results.part7 = { load: { before: loadBefore, after: load() }, ...readJson(out) };
}

if (parts.includes(8)) {
  const out = join(tmp, 'strict-oauth.json');
  const loadBefore = load();
  step('Part 8 — Cognito server actions and strict OAuth', process.execPath, [join('bench', 'strict-oauth.mjs'), '--out', out]);
  results.part8 = { load: { before: loadBefore, after: load() }, ...readJson(out) };
}

results.generated = new Date().toISOString();
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench', 'RESULTS.md'), renderResults(results));
console.log(`\n[bench] wrote bench/RESULTS.md and bench/results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
