// The already built example app (`next start`), and its resource server when a
// stack needs one, as the private e2e stacks (refreshStack, clientStack,
// oidcLoginStack) run it beside their in-process dev IdP. The build is the
// config's chromium webServer's, made before any test runs.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ExampleAppOptions {
  /** The port it listens on (127.0.0.1); its origin, AUTH_ORIGIN, is `http://localhost:<port>`. */
  port: number;
  /** Its environment over this process's: AUTH_SECRET, DEV_IDP_ISSUER, AUTH_CLIENT_ID, DEV_IDP_MODE, RESOURCE_PORT… */
  env: Record<string, string>;
  /** Also run example-app/resource-server.mjs (same environment, RESOURCE_PORT); up once this URL answers. */
  resourceHealthUrl?: string;
  /** Echo the processes' stderr here too, tagged `[<echo> app]` / `[<echo> resource server]`. */
  echo?: string | undefined;
}

export interface ExampleApp {
  /** Ends its processes (whole process groups). */
  stop(): void;
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

/**
 * Starts the example app in production mode and waits until it (and its
 * resource server, if asked) answers. If it does not come up, its processes
 * are ended and the error carries their stderr.
 *
 * @example
 * ```ts
 * const app = await startExampleApp({ port: 3110, env: { AUTH_SECRET, DEV_IDP_ISSUER: idp.issuer, AUTH_CLIENT_ID: 'web', DEV_IDP_MODE: 'cognito' } });
 * // … tests against http://localhost:3110 …
 * app.stop();
 * ```
 */
export async function startExampleApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const origin = `http://localhost:${options.port}`;
  const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', AUTH_ORIGIN: origin, ...options.env };
  const stderr: string[] = [];
  const collect = (label: string) => (chunk: Buffer) => {
    stderr.push(`[${label}] ${chunk.toString()}`);
    if (options.echo) process.stderr.write(`[${options.echo} ${label}] ${chunk.toString()}`);
  };
  const children: ChildProcess[] = [];
  const waits: Promise<void>[] = [];
  if (options.resourceHealthUrl !== undefined) {
    const resource = spawn(process.execPath, [join(root, 'example-app', 'resource-server.mjs')], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    resource.stderr?.on('data', collect('resource server'));
    children.push(resource);
    waits.push(waitFor(options.resourceHealthUrl, resource));
  }
  const app = spawn(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(options.port), '-H', '127.0.0.1'], {
    cwd: join(root, 'example-app'),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  app.stderr?.on('data', collect('app'));
  children.unshift(app);
  waits.push(waitFor(`${origin}/`, app));

  const stop = () => children.forEach(killGroup);
  try {
    await Promise.all(waits);
  } catch (err) {
    stop();
    throw new Error(`${(err as Error).message}\n${stderr.join('')}`);
  }
  return { stop };
}
