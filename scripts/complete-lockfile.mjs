// The npm registry reachable here serves only the Linux builds of Next's SWC
// binaries, so `npm install` leaves the macOS/Windows optional dependencies
// out of package-lock.json, and `npm ci` then refuses the lockfile as out of
// sync. This adds platform-only entries for them (never installed on Linux,
// so nothing is downloaded). Run it after `npm install` changes the lockfile.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORMS = {
  'swc-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  'swc-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  'swc-win32-arm64-msvc': { os: ['win32'], cpu: ['arm64'] },
  'swc-win32-x64-msvc': { os: ['win32'], cpu: ['x64'] },
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.endsWith('node_modules/next') || !entry.optionalDependencies) continue;
  const base = path.slice(0, -'next'.length);
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const short = name.replace('@next/', '');
    const key = `${base}${name}`;
    if (!PLATFORMS[short] || lock.packages[key]) continue;
    lock.packages[key] = { version, ...PLATFORMS[short], license: 'MIT', optional: true, engines: { node: '>= 10' } };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform-only entries`);
