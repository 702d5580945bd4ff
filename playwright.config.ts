import { defineConfig, devices } from '@playwright/test';

// Ports differ from `npm start` (3000/3200) so the suite runs beside a dev session.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300);
export const APP_URL = `http://localhost:${APP_PORT}`;
export const IDP_URL = `http://127.0.0.1:${IDP_PORT}`;

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
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: 'node scripts/start.mjs',
    url: `${APP_URL}/`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(APP_PORT),
      DEV_IDP_PORT: String(IDP_PORT),
      DEV_IDP_ACCESS_TOKEN_TTL: process.env.DEV_IDP_ACCESS_TOKEN_TTL ?? '3600',
      AUTH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
    },
  },
});
