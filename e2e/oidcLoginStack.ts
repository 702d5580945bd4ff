// A private stack for /login in DEV_IDP_MODE=oidc: an in-process dev IdP as a
// generic OpenID provider and the already built example app (`next start`)
// configured for it. The config's chromium stack is in cognito mode.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_USERS, startDevIdp } from '../src/dev-idp/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// +45 from the config's ports (refreshStack +10, the Next 15 stack +20, clientStack +30).
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100) + 45;
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300) + 45;

export const OIDC_APP_URL = `http://localhost:${APP_PORT}`;
export const OIDC_IDP_URL = `http://127.0.0.1:${IDP_PORT}`;
const CLIENT_ID = 'next-server-auth-example';

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

/** Starts the oidc-mode dev IdP and the example app against it; `stop` ends both. */
export async function startOidcLoginStack(): Promise<{ stop(): Promise<void> }> {
  const idp = await startDevIdp({
    port: IDP_PORT,
    quiet: true,
    mode: 'oidc',
    clients: [
      {
        clientId: CLIENT_ID,
        redirectUris: [`${OIDC_APP_URL}/api/auth/sign-in-callback`],
        postLogoutRedirectUris: [`${OIDC_APP_URL}/api/auth/sign-out-callback`],
      },
    ],
    users: [...DEFAULT_USERS],
  });
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    AUTH_ORIGIN: OIDC_APP_URL,
    AUTH_SECRET: 'e2e-oidc-login-secret-e2e-oidc-login-secret-0123',
    DEV_IDP_ISSUER: OIDC_IDP_URL,
    AUTH_CLIENT_ID: CLIENT_ID,
    DEV_IDP_MODE: 'oidc',
    // Its /client page is not used here; keep it off the other stacks' resource ports.
    RESOURCE_PORT: String(IDP_PORT + 100),
  };
  const stderr: string[] = [];
  const app = spawn(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(APP_PORT), '-H', '127.0.0.1'], {
    cwd: join(root, 'example-app'),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  app.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const stop = async () => {
    killGroup(app);
    await idp.close();
  };
  try {
    await waitFor(`${OIDC_APP_URL}/`, app);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr.join('')}`);
  }
  return { stop };
}
