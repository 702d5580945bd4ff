// The Playwright suite against the example app (Next 16), the Next 15
// edge test app, the create-next-app stacks and the example app's cluster in
// server-session mode (`--project cluster`: start-cluster.mjs, which installs
// Debian's redis-server when missing), each with its own dev IdP (started by
// playwright.config.ts's webServer entries). Installs Debian's chromium if missing. Builds the
// library once up front (skipped when SKIP_LIB_BUILD=1 and dist/ exists) so
// the app stacks do not each rebuild it. Arguments go to `playwright test`,
// e.g. `node scripts/e2e.mjs --project next15-edge`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureChromium } from './ensure-chromium.mjs';

const chromium = ensureChromium();
if (process.env.SKIP_LIB_BUILD !== '1' || !existsSync('dist/dev-idp/cli.js')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromium, NEXT_TELEMETRY_DISABLED: '1', SKIP_LIB_BUILD: '1' },
});
process.exit(result.status ?? 1);
