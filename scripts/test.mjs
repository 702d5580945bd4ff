// `npm test`: type check, lint, build, package checks (publint, attw), README snippets type-check, edge-bundle check, proxy-bundle check (no AWS SDK in what the built proxy/middleware loads at start), redis-server (apt-get when missing), unit + integration
// tests (Vitest), then the Playwright end-to-end suite (Next 16 + proxy.ts,
// Next 15 + edge middleware.ts, create-next-app, and the `cluster` project:
// start:cluster in server-session mode, revocation on every instance, a Redis
// outage), then the cluster check (start:cluster, one refresh across
// three instances), then the raw-cookie-name check in real
// Chromium. Stops at the first failing step; every runner
// fails when it finds no tests.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['build', 'npm', ['run', 'build', '--silent']],
  // The package as npm would publish it: exports/files/bin point at files that
  // ship (publint), and every export's types resolve for ESM consumers under
  // node16 and bundler resolution (attw; esm-only: CommonJS require() of this
  // ESM-only package is out of scope, Next and Node >= 20.19 import it).
  ['package lint (publint)', 'npx', ['publint', '--strict']],
  ['package types (attw)', 'npx', ['attw', '--pack', '.', '--profile', 'esm-only']],
  // Every ```ts / ```tsx README block type-checks against the built dist/*.d.ts (so after the build).
  ['README snippets type-check', 'node', ['scripts/check-readme-snippets.mjs']],
  ['README snippet check catches broken snippets', 'node', ['--test', 'scripts/check-readme-snippets.test.mjs']],
  ['README links work from the npm page', 'node', ['scripts/check-readme-links.mjs']],
  ['edge bundle check', 'node', ['scripts/check-edge-bundle.mjs']],
  ['edge bundle check catches bad imports', 'node', ['--test', 'scripts/check-edge-bundle.test.mjs']],
  ['proxy bundle check catches the AWS SDK at start-up', 'node', ['--test', 'scripts/check-proxy-bundle.test.mjs']],
  ['standalone check catches an untraced AWS SDK', 'node', ['--test', 'scripts/check-standalone.test.mjs']],
  // The Redis store's integration tests start Debian's redis-server; installs it with apt-get when missing.
  ['redis-server installed', 'node', ['scripts/ensure-redis.mjs']],
  ['unit + integration (vitest)', 'npx', ['vitest', 'run']],
  ['end-to-end (playwright)', 'node', ['scripts/e2e.mjs']],
  // After the e2e step, which builds example-app: its instrumentation.ts must
  // stop a production start that has no AUTH_SECRET.
  ['next start without AUTH_SECRET stops', 'node', ['scripts/check-start-fails.mjs']],
  // After the e2e step, which runs `next build` of example-app (Next 16 proxy.ts, Turbopack) and e2e/apps/next15
  // (Next 15 edge middleware.ts, webpack): both import the runner, whose cognito.* actions load the AWS SDK
  // lazily; the edge middleware must not hold it at all, the Node proxy's start-up chunks neither (its lazy
  // chunks may: they are listed with sizes). login-form.spec.ts shows the actions load it.
  ['proxy/middleware start-up files hold no AWS SDK', 'node', ['scripts/check-proxy-bundle.mjs']],
  // Same builds: every AWS SDK client the server code loads is bundled or listed by a .nft.json trace, so an
  // `output: 'standalone'` build (which copies only traced files) ships it. Reads the traces; < 1 s.
  ['output: standalone would ship the AWS SDK clients (bundled or traced)', 'node', ['scripts/check-standalone.mjs']],
  // After the e2e step (reuses its builds): `npm run start:cluster` on its own ports, a sign-in through
  // the round-robin proxy, and a 30-request burst of an expired session → one IdP refresh across 3 instances;
  // once with the sealed cookie, once with server-side sessions (SESSION_MODE=server).
  ['npm run start:cluster (cookie and server sessions): one refresh across 3 instances', 'node', ['scripts/check-cluster.mjs']],
  // After the e2e step, which installs Debian's chromium when it is missing.
  ['raw Amplify cookie names in real Chromium', 'npx', ['vitest', 'run', '--config', 'scripts/chromium-cookie-names/vitest.config.ts']],
];

const started = Date.now();
for (const [name, cmd, args] of steps) {
  console.log(`\n[test] ── ${name} ──`);
  const t0 = Date.now();
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SKIP_LIB_BUILD: '1' } });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`[test] ✗ ${name} failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
    process.exit(result.status || 1);
  }
  console.log(`[test] ✓ ${name} (${seconds}s)`);
}
console.log(`\n[test] all steps passed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
