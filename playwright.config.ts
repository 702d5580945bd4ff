import { defineConfig, devices } from '@playwright/test';
import { NEXT15_APP_PORT, NEXT15_APP_URL, NEXT15_IDP_PORT, NEXT15_LOG, NEXT15_TOKEN_TTL } from './e2e/next15/env.js';
import { CNA_APP_DIR, CNA_STACKS } from './e2e/create-next-app/env.js';
import { RESOURCE_PORT } from './e2e/resourceServer.js';
import { CLUSTER_IDP_PORT, CLUSTER_PORT, CLUSTER_REDIS_PORT, CLUSTER_URL, CLUSTER_USERS_FILE } from './e2e/cluster/env.js';
import { AMPLIFY_APP_PORT, AMPLIFY_APP_URL, AMPLIFY_IDP_PORT, AMPLIFY_RESOURCE_PORT, AMPLIFY_TOKEN_TTL } from './e2e/amplifyEnv.js';

// Ports differ from `npm start` (3000/3200) so the suite runs beside a dev session.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300);
export const APP_URL = `http://localhost:${APP_PORT}`;
export const IDP_URL = `http://127.0.0.1:${IDP_PORT}`;
const AUTH_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-secret';

// Four stacks: the example app (Next 16, proxy.ts) for the `chromium` project,
// e2e/apps/next15 (Next 15, edge middleware.ts) for `next15-edge`, and
// e2e/apps/create-next-app (a fresh create-next-app 16, Cache Components on)
// twice: against the dev IdP in cognito mode for `create-next-app`, and in
// oidc mode (a generic OIDC provider; the app's flavor follows DEV_IDP_MODE)
// for `create-next-app-oidc`, built from a copy in .e2e/ (APP_COPY_DIR) so
// the two do not share a .next.
// The example app runs a second time, with 20-second tokens, for `amplify`
// (e2e/amplify.spec.ts: Amplify's own browser library on /amplify).
// Playwright starts every webServer whatever projects run, so start only the
// stacks the `--project` selection needs (no selection: all).
// `--project a b` takes every name up to the next option, as Playwright's CLI does.
const selected = process.argv.flatMap((arg, i, argv) => {
  if (arg.startsWith('--project=')) return [arg.slice('--project='.length)];
  if (arg !== '--project') return [];
  const end = argv.findIndex((next, j) => j > i && next.startsWith('-'));
  return argv.slice(i + 1, end === -1 ? undefined : end);
});
const wants = (project: string) => selected.length === 0 || selected.includes(project);

const servers: { command: string; url: string; env: Record<string, string> }[] = [
  ...(wants('chromium')
    ? [
        {
          command: 'node scripts/start.mjs',
          url: `${APP_URL}/`,
          env: {
            PORT: String(APP_PORT),
            DEV_IDP_PORT: String(IDP_PORT),
            // The example app's resource server (example-app/resource-server.mjs), behind /api/proxy/notes.
            RESOURCE_PORT: String(RESOURCE_PORT),
            DEV_IDP_ACCESS_TOKEN_TTL: process.env.DEV_IDP_ACCESS_TOKEN_TTL ?? '3600',
          },
        },
      ]
    : []),
  // `npm run start:cluster` in server-session mode for the `cluster` project:
  // its own Redis (a fixed port the specs pause), dev IdP and three instances
  // behind a round-robin proxy. After the `chromium` stack, which builds
  // example-app: then this one reuses that build (SKIP_BUILD=1) instead of
  // rebuilding .next under a running app.
  ...(wants('cluster')
    ? [
        {
          command: 'node scripts/start-cluster.mjs',
          url: `${CLUSTER_URL}/`,
          env: {
            SESSION_MODE: 'server',
            PORT: String(CLUSTER_PORT),
            CLUSTER_APP_PORT: String(CLUSTER_PORT + 1),
            CLUSTER_REDIS_PORT: String(CLUSTER_REDIS_PORT),
            // Empty: start-cluster starts its own Redis whatever the calling shell has.
            REDIS_URL: '',
            DEV_IDP_PORT: String(CLUSTER_IDP_PORT),
            // Its resource server (/client's API) beside the other stacks' (3450 for chromium).
            RESOURCE_PORT: String(CLUSTER_IDP_PORT + 10),
            DEV_IDP_USERS: CLUSTER_USERS_FILE,
            DEV_IDP_ACCESS_TOKEN_TTL: '3600',
            ...(wants('chromium') ? { SKIP_BUILD: '1' } : {}),
          },
        },
      ]
    : []),
  // The example app again for the `amplify` project (Amplify's browser
  // library on /amplify), with 20-second tokens so a spec can see the server
  // refresh Amplify's cookies. It reuses the `chromium` stack's build when
  // that one runs too (started before it), as the cluster does.
  ...(wants('amplify')
    ? [
        {
          command: 'node scripts/start.mjs',
          url: `${AMPLIFY_APP_URL}/`,
          env: {
            PORT: String(AMPLIFY_APP_PORT),
            DEV_IDP_PORT: String(AMPLIFY_IDP_PORT),
            RESOURCE_PORT: String(AMPLIFY_RESOURCE_PORT),
            DEV_IDP_ACCESS_TOKEN_TTL: String(AMPLIFY_TOKEN_TTL),
            ...(wants('chromium') ? { SKIP_BUILD: '1' } : {}),
          },
        },
      ]
    : []),
  ...(wants('next15-edge')
    ? [
        {
          command: 'node scripts/start.mjs',
          url: `${NEXT15_APP_URL}/`,
          env: {
            APP_DIR: 'e2e/apps/next15',
            // Its build and server output, for the spec's no-errors-or-warnings check.
            APP_LOG: NEXT15_LOG,
            PORT: String(NEXT15_APP_PORT),
            DEV_IDP_PORT: String(NEXT15_IDP_PORT),
            DEV_IDP_ACCESS_TOKEN_TTL: String(NEXT15_TOKEN_TTL),
          },
        },
      ]
    : []),
  // A fresh create-next-app 16 app (Cache Components on), once per dev IdP
  // mode; its build and server output also go to the stack's log for the
  // no-errors check.
  ...CNA_STACKS.filter((stack) => wants(stack.project)).map((stack) => ({
    command: 'node scripts/start.mjs',
    url: `${stack.appUrl}/`,
    env: {
      APP_DIR: CNA_APP_DIR,
      ...(stack.appDir !== CNA_APP_DIR ? { APP_COPY_DIR: stack.appDir } : {}),
      APP_LOG: stack.log,
      PORT: String(stack.appPort),
      DEV_IDP_PORT: String(stack.idpPort),
      DEV_IDP_MODE: stack.idpMode,
    },
  })),
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  forbidOnly: true,
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: APP_URL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: ['next15/**', 'create-next-app/**', 'apps/**', 'cluster/**', 'amplify.spec.ts'], use: { ...devices['Desktop Chrome'], channel: undefined } },
    { name: 'amplify', testMatch: 'amplify.spec.ts', use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: AMPLIFY_APP_URL } },
    { name: 'cluster', testMatch: 'cluster/**/*.spec.ts', use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: CLUSTER_URL } },
    { name: 'next15-edge', testMatch: 'next15/**/*.spec.ts', use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: NEXT15_APP_URL } },
    // The same specs per stack; they find their stack with cnaStack(test.info().project.name).
    ...CNA_STACKS.map((stack) => ({
      name: stack.project,
      testMatch: 'create-next-app/**/*.spec.ts',
      use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: stack.appUrl },
    })),
  ],
  // Playwright starts these one after another, each once its URL answers: the
  // first builds the library (unless scripts/e2e.mjs already did and set
  // SKIP_LIB_BUILD=1), the later ones reuse that build instead of rewriting
  // dist/ under a running app.
  webServer: servers.map((server, i) => ({
    ...server,
    reuseExistingServer: false,
    // SIGTERM lets start.mjs stop its detached children (dev IdP, next-server);
    // the default SIGKILL orphans them, they keep the stdio pipes open and
    // Playwright then waits forever after the last test.
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
    timeout: 240_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: { ...server.env, AUTH_SECRET, ...(i > 0 ? { SKIP_LIB_BUILD: '1' } : {}) },
  })),
});
