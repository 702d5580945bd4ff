// `npm run start:cluster`: the example app as a small cluster on one machine,
// to watch refresh coordination work: Redis (Debian's redis-server on a free
// loopback port, or REDIS_URL), the dev IdP (http://127.0.0.1:3200), three
// `next start` instances of example-app on internal loopback ports, and a
// round-robin proxy serving http://localhost:3000 that tags every response
// with `x-instance: 1|2|3`. Every instance gets REDIS_URL (example-app/auth.ts
// then passes runtimeOptions.store), one shared AUTH_SECRET and SESSION_MODE.
// Environment (all optional): PORT (the proxy, 3000), CLUSTER_APP_PORT (the
// first instance's port, 3001; the others follow), DEV_IDP_PORT (3200), RESOURCE_PORT
// (the example's resource server, 3400),
// DEV_IDP_ACCESS_TOKEN_TTL, DEV_IDP_MODE, DEV_IDP_USERS (a users file, relative
// to the repository; example-app/dev-idp-users.json by default), AUTH_SECRET, REDIS_URL (use that
// Redis, start none), CLUSTER_REDIS_PORT (the port of the redis-server this
// script starts; a free one by default), SKIP_BUILD=1 / SKIP_LIB_BUILD=1 (as
// for `npm start`), SESSION_MODE: `cookie` (default: the sealed session
// cookie, Redis coordinates refreshes) or `server` (server-side sessions: a
// small session-id cookie, the tokens in Redis, revocable everywhere at once).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { connect, createServer as createTcpServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';
import { createProcesses, devIdpArgs, EXAMPLE_IDENTITY_POOL_ID, waitFor } from './lib/processes.mjs';

const INSTANCES = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(root, 'example-app');
const proxyPort = Number(process.env.PORT ?? 3000);
const firstAppPort = Number(process.env.CLUSTER_APP_PORT ?? 3001);
const appPorts = Array.from({ length: INSTANCES }, (_, i) => firstAppPort + i);
const idpPort = Number(process.env.DEV_IDP_PORT ?? 3200);
const origin = `http://localhost:${proxyPort}`;
const issuer = `http://127.0.0.1:${idpPort}`;
// The API /client calls through /api/proxy/notes (example-app/resource-server.mjs), one for all instances.
const resourcePort = Number(process.env.RESOURCE_PORT ?? 3400);
const resourceUrl = `http://127.0.0.1:${resourcePort}`;
const nextBin = join(dirname(createRequire(join(appDir, 'package.json')).resolve('next/package.json')), 'dist', 'bin', 'next');

const SESSION_MODES = ['cookie', 'server'];
const sessionMode = process.env.SESSION_MODE || 'cookie';
if (!SESSION_MODES.includes(sessionMode)) {
  console.error(`[cluster] SESSION_MODE must be ${SESSION_MODES.join(' or ')}, not ${JSON.stringify(sessionMode)}`);
  process.exit(1);
}
const redisPortSetting = process.env.CLUSTER_REDIS_PORT;
if (redisPortSetting !== undefined && !/^[1-9]\d{0,4}$/.test(redisPortSetting)) {
  console.error(`[cluster] CLUSTER_REDIS_PORT must be a port number, not ${JSON.stringify(redisPortSetting)}`);
  process.exit(1);
}

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  NODE_ENV: 'production',
  // The proxy's origin, never derived from request headers.
  AUTH_ORIGIN: origin,
  // One secret for all instances (a cookie sealed by one opens on the others), fresh per start.
  AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
  DEV_IDP_ISSUER: issuer,
  // The identity pool the dev IdP serves (cognito mode), for the app's /amplify page.
  DEV_IDP_IDENTITY_POOL: EXAMPLE_IDENTITY_POOL_ID,
  RESOURCE_PORT: String(resourcePort),
};
delete env.PORT;
delete env.SESSION_MODE;

const { run, start, onStop, orStop } = createProcesses({ tag: '[cluster]', env });

const skipLibBuild = process.env.SKIP_BUILD === '1' || process.env.SKIP_LIB_BUILD === '1';
if (!skipLibBuild || !existsSync(join(root, 'dist', 'redis', 'index.js'))) {
  run('building next-server-auth', 'npm', ['run', 'build', '--silent'], { cwd: root });
}
if (process.env.SKIP_BUILD !== '1' || !existsSync(join(appDir, '.next', 'BUILD_ID'))) {
  // Built without REDIS_URL: the build never opens a store; each instance reads it at start.
  const { REDIS_URL: _redisUrl, ...buildEnv } = env;
  run('building example-app (once, for all instances)', process.execPath, [nextBin, 'build'], { cwd: appDir, env: buildEnv });
}

let redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  console.log(`[cluster] using REDIS_URL (${redactUrl(redisUrl)}); no redis-server started`);
} else {
  const redisServer = ensureRedis();
  const redisPort = redisPortSetting === undefined ? await freePort() : Number(redisPortSetting);
  // No persistence: nothing of a run outlives it (the store holds sealed values only anyway).
  start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], root, {
    command: redisServer,
    prefix: '[redis] ',
  });
  redisUrl = `redis://127.0.0.1:${redisPort}`;
  await orStop(redisReady(redisPort));
}

// Back-channel logout on: ending a session at the IdP (its /logout, or
// POST /dev/users/<username>/logout) ends the app's sessions on every instance.
start('dev IdP', devIdpArgs({ root, port: idpPort, origin, mode: process.env.DEV_IDP_MODE, users: process.env.DEV_IDP_USERS, backchannelLogout: true }), root);
start('resource server', [join(appDir, 'resource-server.mjs')], root, { prefix: '[resource] ' });
appPorts.forEach((port, i) => {
  // node + next's bin directly (not npx): stopping the group then frees the port.
  start(`instance ${i + 1}`, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], appDir, {
    // Built without either; each instance reads them at start (auth.ts).
    env: { REDIS_URL: redisUrl, SESSION_MODE: sessionMode },
    prefix: `[app ${i + 1}] `,
  });
});
await orStop(
  Promise.all([
    waitFor(`${issuer}/.well-known/openid-configuration`),
    waitFor(`${resourceUrl}/health`),
    ...appPorts.map((port) => waitFor(`http://127.0.0.1:${port}/`)),
  ]),
);

// The round-robin proxy: streams both ways, keeps every header (each Set-Cookie
// on its own line) except hop-by-hop ones, and says which instance answered.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;
const proxy = createServer((req, res) => {
  const instance = next;
  next = (next + 1) % INSTANCES;
  const headers = { ...req.headers };
  for (const name of HOP_BY_HOP) if (name !== 'transfer-encoding') delete headers[name];
  const upstream = httpRequest({ host: '127.0.0.1', port: appPorts[instance], method: req.method, path: req.url, headers, agent }, (up) => {
    const raw = [];
    for (let i = 0; i < up.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(up.rawHeaders[i].toLowerCase())) raw.push(up.rawHeaders[i], up.rawHeaders[i + 1]);
    }
    raw.push('x-instance', String(instance + 1));
    res.writeHead(up.statusCode ?? 502, up.statusMessage, raw);
    up.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain', 'x-instance': String(instance + 1) });
      res.end(`instance ${instance + 1} did not answer\n`);
    } else res.destroy();
  });
  req.pipe(upstream);
});
await orStop(
  new Promise((resolve, reject) => {
    proxy.once('error', (err) => reject(new Error(`the proxy could not listen on 127.0.0.1:${proxyPort}: ${err.message}`)));
    proxy.listen(proxyPort, '127.0.0.1', resolve);
  }),
);
onStop(() => {
  proxy.close();
  proxy.closeAllConnections();
  agent.destroy();
});

console.log(`
[cluster] ready
  example app  ${origin}   (round-robin over ${appPorts.map((p) => `127.0.0.1:${p}`).join(', ')}; response header x-instance: 1|2|3)
  sessions     SESSION_MODE=${sessionMode}   (${sessionMode === 'server' ? 'server-side: one small nsa.sid cookie, tokens in Redis; your devices at /sessions' : 'sealed session cookie; SESSION_MODE=server for server-side sessions'})
  Redis        ${redactUrl(redisUrl)}   (runtimeOptions.store, prefix acme-notes)
  dev IdP      ${issuer}   (development only; refresh calls: ${issuer}/dev/stats;
               back-channel logout to ${origin}/api/auth/backchannel-logout)
  resource     ${resourceUrl}/notes   (the API /client calls through /api/proxy/notes)
  users        ${process.env.DEV_IDP_USERS ? `from ${process.env.DEV_IDP_USERS}` : 'alice@example.com / alice-password  (group ADMINS)\n               bob@example.com / bob-password'}
  Ctrl+C stops everything.
`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once redis-server answers PING (10 s at most). */
async function redisReady(port) {
  for (let i = 0; i < 100; i++) {
    const pong = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        resolve(data.toString().startsWith('+PONG'));
        socket.destroy();
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (pong) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING`);
}

/** A Redis URL without its password, for printing. */
function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'REDIS_URL (unparsable)';
  }
}
