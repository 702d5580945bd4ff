// Process handling shared by `npm start` (scripts/start.mjs) and
// `npm run start:cluster` (scripts/start-cluster.mjs): synchronous build steps,
// long-running children each in its own process group, one stop for all of
// them on Ctrl-C / SIGTERM / a child's exit, and waiting for a URL to answer.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * @param {{ tag: string, env: NodeJS.ProcessEnv, logFile?: string }} o
 *   tag prefixes messages (`[start]`); env is every child's environment;
 *   logFile also receives the output of steps and children started with `log: true`.
 */
export function createProcesses({ tag, env, logFile }) {
  const children = [];
  const cleanups = [];
  let stopping = false;

  /** Runs a build step to completion; exits the script when it fails. */
  function run(label, cmd, args, options = {}) {
    console.log(`${tag} ${label}…`);
    const { log, ...rest } = options;
    if (log && logFile) {
      const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024, ...rest });
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      appendFileSync(logFile, result.stdout ?? '');
      appendFileSync(logFile, result.stderr ?? '');
      if (result.status !== 0) {
        console.error(`${tag} ${label} failed (exit ${result.status ?? result.signal})`);
        process.exit(1);
      }
      return;
    }
    const result = spawnSync(cmd, args, { stdio: 'inherit', env, ...rest });
    if (result.status !== 0) {
      console.error(`${tag} ${label} failed (exit ${result.status ?? result.signal})`);
      process.exit(1);
    }
  }

  /**
   * Starts a long-running child. detached: each child leads its own process
   * group, so stopping kills grandchildren too (next start forks a
   * next-server that would otherwise keep the port). `command` defaults to
   * this Node; `env` overrides are merged over the shared env.
   */
  function start(label, args, cwd, { log = false, command = process.execPath, env: extra = {}, prefix } = {}) {
    listen();
    const logged = log && logFile !== undefined;
    const piped = logged || prefix !== undefined;
    const child = spawn(command, args, { cwd, env: { ...env, ...extra }, stdio: piped ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true });
    if (piped) {
      for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        stream.on('data', (chunk) => {
          out.write(prefix === undefined ? chunk : prefixLines(prefix, chunk));
          if (logged) appendFileSync(logFile, chunk);
        });
      }
    }
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${tag} ${label} exited (${code ?? signal}); stopping`);
        stop(1);
      }
    });
    children.push(child);
    return child;
  }

  function signalGroup(child, signal) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  }

  // Stops every process group and exits only once they are gone (SIGKILL after
  // 5 s): the children share this process's stdout/stderr, so one left behind
  // keeps Playwright's webServer pipes open and its teardown waiting forever.
  function stop(code = 0) {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        /* best effort */
      }
    }
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of running) signalGroup(child, 'SIGTERM');
    const exited = Promise.all(running.map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', resolve)))));
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
    void Promise.race([exited, timeout]).then(() => {
      for (const child of running) signalGroup(child, 'SIGKILL');
      process.exit(code);
    });
  }

  // Registered with the first child, not during the builds: a signal then
  // still ends the script at once, as Node's default does.
  let listening = false;
  function listen() {
    if (listening) return;
    listening = true;
    process.on('SIGINT', () => stop(0));
    process.on('SIGTERM', () => stop(0));
  }

  /** Something to undo on stop that is not a child (a server of this process). */
  function onStop(cleanup) {
    listen();
    cleanups.push(cleanup);
  }

  /** Stops everything with exit 1 when `promise` rejects (a failed start leaves nothing running). */
  async function orStop(promise) {
    try {
      return await promise;
    } catch (err) {
      console.error(`${tag} ${err instanceof Error ? err.message : err}; stopping`);
      stop(1);
      return new Promise(() => {});
    }
  }

  return { run, start, stop, onStop, orStop };
}

function prefixLines(prefix, chunk) {
  return chunk
    .toString()
    .replace(/\n(?!$)/g, `\n${prefix}`)
    .replace(/^/, prefix);
}

/** Resolves once `url` answers with a status below 500 (60 s at most). */
export async function waitFor(url) {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * The identity pool the example app's /amplify page reads identityId from
 * (the dev IdP's DEFAULT_IDENTITY_POOL_ID); DEV_IDP_IDENTITY_POOL overrides it
 * for both the dev IdP and the app.
 */
export const EXAMPLE_IDENTITY_POOL_ID = process.env.DEV_IDP_IDENTITY_POOL || 'us-east-1:00000000-0000-4000-8000-000000000000';

/**
 * The app client of the example app's /amplify page (example-app/amplify-auth.ts):
 * a second client of the dev IdP, because an amplify_outputs.json config takes
 * Cognito-shaped client ids only ([\w+]+) and the main one has dashes.
 */
export const EXAMPLE_AMPLIFY_CLIENT_ID = 'amplifyexample';

/**
 * The dev IdP CLI's arguments for the example app at `origin` (`users`: another
 * users file, relative to root; `backchannelLogout`: the IdP POSTs a logout
 * token to the app's /api/auth/backchannel-logout whenever a session ends).
 * In cognito mode the IdP also registers EXAMPLE_AMPLIFY_CLIENT_ID and serves
 * the identity pool `identityPool` (default EXAMPLE_IDENTITY_POOL_ID; Amplify's
 * user and identity pools are Cognito's).
 */
export function devIdpArgs({ root, port, origin, mode, users, backchannelLogout = false, identityPool = EXAMPLE_IDENTITY_POOL_ID }) {
  const args = [
    join(root, 'dist', 'dev-idp', 'cli.js'),
    '--port', String(port),
    '--users', users ? resolve(root, users) : join(root, 'example-app', 'dev-idp-users.json'),
    '--redirect-uri', `${origin}/api/auth/sign-in-callback`,
    '--logout-uri', `${origin}/api/auth/sign-out-callback`,
  ];
  if (backchannelLogout) args.push('--backchannel-logout-uri', `${origin}/api/auth/backchannel-logout`);
  if (mode) args.push('--mode', mode);
  if (mode !== 'oidc') {
    // The main client again (a --client-id replaces the default) and the /amplify page's.
    args.push('--client-id', 'next-server-auth-example', '--client-id', EXAMPLE_AMPLIFY_CLIENT_ID, '--identity-pool', identityPool);
  }
  return args;
}
