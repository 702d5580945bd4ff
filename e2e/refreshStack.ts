// A private stack for the refresh specs: an in-process dev IdP with 5-second
// access tokens that the tests can stop and restart, and the already built
// example app (`next start`) pointed at it. The config's webServer stack has
// hour-long tokens and an IdP in another process, so it cannot be used here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import type { BrowserContext, Cookie, Page } from '@playwright/test';
import { DEFAULT_USERS, startDevIdp } from '../src/dev-idp/index.js';
import type { DevIdp, DevIdpOptions } from '../src/dev-idp/index.js';
import { startExampleApp } from './startExampleApp.js';
import { USERS } from './support.js';

// Offset from the config's ports, so two suites run with different
// E2E_APP_PORT/E2E_IDP_PORT never collide on this stack either.
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100) + 10;
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300) + 10;

export const REFRESH_APP_URL = `http://localhost:${APP_PORT}`;
export const REFRESH_IDP_URL = `http://127.0.0.1:${IDP_PORT}`;
export const CLIENT_ID = 'next-server-auth-example';
export const SIGN_OUT_CALLBACK = `${REFRESH_APP_URL}/api/auth/sign-out-callback`;

/** Seconds an access token lives on this stack. */
export const ACCESS_TOKEN_TTL = 5;

/** The session cookie: `nsa.session`, or its chunks `nsa.session.0`, `nsa.session.1`, … */
export const SESSION_COOKIE = /^nsa\.session(\.\d+)?$/;

export interface RefreshStack {
  /** The running IdP (replaced by `restartIdp`). */
  readonly idp: DevIdp;
  /** Starts the IdP again on the same port with the same state file (keys, grants, refresh tokens survive). */
  restartIdp(): Promise<DevIdp>;
  stop(): Promise<void>;
}

/** Starts the IdP and the example app (built by the config's webServer before any test runs). */
export async function startRefreshStack(): Promise<RefreshStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'nsa-e2e-refresh-'));
  const idpOptions: DevIdpOptions = {
    port: IDP_PORT,
    quiet: true,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    stateFile: join(stateDir, 'idp-state.json'),
    clients: [{ clientId: CLIENT_ID, redirectUris: [`${REFRESH_APP_URL}/api/auth/sign-in-callback`], postLogoutRedirectUris: [SIGN_OUT_CALLBACK] }],
    users: [...DEFAULT_USERS],
  };
  let idp = await startDevIdp(idpOptions);
  const closeIdp = async () => {
    await idp.close();
    rmSync(stateDir, { recursive: true, force: true });
  };
  const app = await startExampleApp({
    port: APP_PORT,
    env: {
      AUTH_SECRET: 'e2e-refresh-secret-e2e-refresh-secret-0123456789',
      DEV_IDP_ISSUER: REFRESH_IDP_URL,
      AUTH_CLIENT_ID: CLIENT_ID,
      DEV_IDP_MODE: 'cognito',
    },
    echo: process.env.E2E_REFRESH_VERBOSE ? 'refresh' : undefined,
  }).catch(async (err: unknown) => {
    await closeIdp();
    throw err;
  });
  const stop = async () => {
    app.stop();
    await closeIdp();
  };

  return {
    get idp() {
      return idp;
    },
    async restartIdp() {
      idp = await startDevIdp(idpOptions);
      return idp;
    },
    stop,
  };
}

/** Signs alice in on this stack through the browser, from `/dashboard`, and waits for the dashboard. */
export async function signInOnRefreshStack(page: Page): Promise<void> {
  await page.goto(`${REFRESH_APP_URL}/dashboard`);
  await expect(page).toHaveURL(new RegExp(`^${REFRESH_IDP_URL.replace(/[.]/g, '\\.')}/`));
  // support.ts's submitIdpLogin checks the URL against the config's IdP (port 3300).
  await page.getByLabel('Email').fill(USERS.alice.email);
  await page.getByLabel('Password').fill(USERS.alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${REFRESH_APP_URL}/dashboard`);
  await expect(page.getByTestId('user-email')).toHaveText(USERS.alice.email);
}

/** The app's session cookie(s) in the browser context, by name. */
export async function sessionCookies(context: BrowserContext): Promise<Cookie[]> {
  const cookies = await context.cookies(REFRESH_APP_URL);
  return cookies.filter((c) => SESSION_COOKIE.test(c.name)).sort((a, b) => a.name.localeCompare(b.name));
}

/** A `Cookie` request header carrying these cookies. */
export function cookieHeader(cookies: readonly Cookie[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Waits until an access token issued now has expired (expiry is the behaviour under test). */
export async function waitPastExpiry(page: Page): Promise<void> {
  await page.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
}
