// The Playwright suite against the example app and dev IdP (started by
// playwright.config.ts's webServer). Installs Debian's chromium if missing.
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';

const chromium = ensureChromium();
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromium, NEXT_TELEMETRY_DISABLED: '1' },
});
process.exit(result.status ?? 1);
