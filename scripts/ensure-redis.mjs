// The Redis integration tests and `npm run start:cluster` run Debian's
// redis-server (works the same as Valkey for what the store uses). Installs it
// with apt-get when missing; we run as root. `redis-memory-server` would
// download binaries, which cannot work here.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

export function ensureRedis() {
  if (existsSync(REDIS_SERVER)) return REDIS_SERVER;
  console.log(`[test] ${REDIS_SERVER} not found: installing Debian's redis-server with apt-get (needs root)…`);
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const update = run(['update']);
  const install = update.status === 0 ? run(['install', '-y', '--no-install-recommends', 'redis-server']) : update;
  if (install.status !== 0 || !existsSync(REDIS_SERVER)) {
    console.error(
      `[test] FAILED to install redis-server with apt-get (exit ${install.status ?? install.error?.message}).\n` +
        "[test] The Redis store tests need Debian's redis-server at /usr/bin/redis-server. Run as root with apt access,\n" +
        '[test] or install it yourself: apt-get update && apt-get install -y redis-server (or set REDIS_SERVER_PATH).',
    );
    process.exit(1);
  }
  return REDIS_SERVER;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureRedis();
