// README links must work from the npm page, where only the packed files exist:
// a relative link must name a file that ships (npm pack's list); anything else
// gets an absolute GitHub URL. Anchors (#…) and absolute URLs pass.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const shipped = new Set(pack.files.map((f) => f.path));
const readme = readFileSync('README.md', 'utf8').replace(/^```[\s\S]*?^```/gm, '');
const broken = [];
for (const [, target] of readme.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
  const path = decodeURI(target.split('#')[0]).replace(/^\.\//, '');
  if (!shipped.has(path)) broken.push(target);
}
if (broken.length > 0) {
  console.error(`check-readme-links: README links to files the package does not ship (use https://github.com/next-server-auth/next-server-auth/blob/main/<path>):\n  ${broken.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-readme-links: every relative README link names a shipped file (${shipped.size} files ship)`);
