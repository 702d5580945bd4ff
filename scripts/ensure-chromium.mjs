// Playwright drives Debian's Chromium (its own browser download cannot work
// here). Installs it with apt-get when missing; we run as root.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  console.log(`[test] ${CHROMIUM} not found: installing Debian's chromium with apt-get (needs root)…`);
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const update = run(['update']);
  const install = update.status === 0 ? run(['install', '-y', '--no-install-recommends', 'chromium']) : update;
  if (install.status !== 0 || !existsSync(CHROMIUM)) {
    console.error(
      `[test] FAILED to install chromium with apt-get (exit ${install.status ?? install.error?.message}).\n` +
        '[test] The end-to-end suite needs Debian\'s chromium at /usr/bin/chromium. Run as root with apt access,\n' +
        '[test] or install it yourself: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).',
    );
    process.exit(1);
  }
  return CHROMIUM;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureChromium();
