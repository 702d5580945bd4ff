// A private stack for the client page's expiry spec: an in-process dev IdP
// with 5-second access tokens, the example app's resource server pointed at
// it, and the already built example app (`next start`) whose /api/proxy/notes
// forwards there. The config's chromium stack has hour-long tokens, so it
// cannot show a refresh across expiry in a test's time.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_USERS, startDevIdp } from '../src/dev-idp/index.js';
import type { DevIdp } from '../src/dev-idp/index.js';
import { RESOURCE_PORT } from './resourceServer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Offset from the config's ports (+30: refreshStack.ts takes +10, the Next 15
// stack 3120/3320), so two suites run with different E2E_*_PORTs never collide.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100) + 30;
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300) + 30;
const STACK_RESOURCE_PORT = RESOURCE_PORT + 10;

export const CLIENT_APP_URL = `http://localhost:${APP_PORT}`;
export const CLIENT_IDP_URL = `http://127.0.0.1:${IDP_PORT}`;
export const CLIENT_RESOURCE_URL = `http://127.0.0.1:${STACK_RESOURCE_PORT}`;
const CLIENT_ID = 'next-server-auth-example';

/** Seconds an access token lives on this stack. */
export const ACCESS_TOKEN_TTL = 5;

export interface ClientStack {
  readonly idp: DevIdp;
  stop(): Promise<void>;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: its process exited (${child.exitCode ?? child.signalCode}) before answering`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // next start forks a next-server that would otherwise keep the port.
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/** Starts the IdP, the resource server and the example app (built by the config's webServer before any test runs). */
export async function startClientStack(): Promise<ClientStack> {
  const idp = await startDevIdp({
    port: IDP_PORT,
    quiet: true,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    clients: [
      {
        clientId: CLIENT_ID,
        redirectUris: [`${CLIENT_APP_URL}/api/auth/sign-in-callback`],
        postLogoutRedirectUris: [`${CLIENT_APP_URL}/api/auth/sign-out-callback`],
      },
    ],
    users: [...DEFAULT_USERS],
  });
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    AUTH_ORIGIN: CLIENT_APP_URL,
    AUTH_SECRET: 'e2e-client-secret-e2e-client-secret-0123456789',
    DEV_IDP_ISSUER: CLIENT_IDP_URL,
    AUTH_CLIENT_ID: CLIENT_ID,
    DEV_IDP_MODE: 'cognito',
    RESOURCE_PORT: String(STACK_RESOURCE_PORT),
  };
  const stderr: string[] = [];
  const collect = (label: string) => (chunk: Buffer) => {
    stderr.push(`[${label}] ${chunk.toString()}`);
    if (process.env.E2E_CLIENT_VERBOSE) process.stderr.write(`[client stack ${label}] ${chunk.toString()}`);
  };
  const resource = spawn(process.execPath, [join(root, 'example-app', 'resource-server.mjs')], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  resource.stderr?.on('data', collect('resource server'));
  const app = spawn(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(APP_PORT), '-H', '127.0.0.1'], {
    cwd: join(root, 'example-app'),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  app.stderr?.on('data', collect('app'));

  const stop = async () => {
    killGroup(app);
    killGroup(resource);
    await idp.close();
  };
  try {
    await Promise.all([waitFor(`${CLIENT_RESOURCE_URL}/health`, resource), waitFor(`${CLIENT_APP_URL}/`, app)]);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr.join('')}`);
  }
  return { idp, stop };
}
