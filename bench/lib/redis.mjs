// Debian's redis-server for a benchmark: started on a free loopback port, no
// persistence (src/redis/__tests__/startRedis.ts's logic, for plain Node).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { ensureRedis } from '../../scripts/ensure-redis.mjs';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function spawnRedis(bin, port) {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
}

/** @returns {Promise<{ url: string, version: string | undefined, stop: () => Promise<void> }>} */
export async function startBenchRedis() {
  const bin = ensureRedis();
  let child;
  let port = 0;
  // Another process may take the free port before redis-server binds it: try a few.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await spawnRedis(bin, port);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
  // A bench that crashes must not leave its redis-server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const version = spawnSync(bin, ['--version']).stdout.toString().match(/v=(\S+)/)?.[1];
  return {
    url: `redis://127.0.0.1:${port}`,
    version,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
