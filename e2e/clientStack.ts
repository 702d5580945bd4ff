// A private stack for the client page's expiry spec: an in-process dev IdP
// with 5-second access tokens, the example app's resource server pointed at
// it, and the already built example app (`next start`) whose /api/proxy/notes
// forwards there. The config's chromium stack has hour-long tokens, so it
// cannot show a refresh across expiry in a test's time.
import { DEFAULT_USERS, startDevIdp } from '../src/dev-idp/index.js';
import type { DevIdp } from '../src/dev-idp/index.js';
import { RESOURCE_PORT } from './resourceServer.js';
import { startExampleApp } from './startExampleApp.js';

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
  const app = await startExampleApp({
    port: APP_PORT,
    env: {
      AUTH_SECRET: 'e2e-client-secret-e2e-client-secret-0123456789',
      DEV_IDP_ISSUER: CLIENT_IDP_URL,
      AUTH_CLIENT_ID: CLIENT_ID,
      DEV_IDP_MODE: 'cognito',
      RESOURCE_PORT: String(STACK_RESOURCE_PORT),
    },
    resourceHealthUrl: `${CLIENT_RESOURCE_URL}/health`,
    echo: process.env.E2E_CLIENT_VERBOSE ? 'client stack' : undefined,
  }).catch(async (err: unknown) => {
    await idp.close();
    throw err;
  });
  return {
    idp,
    async stop() {
      app.stop();
      await idp.close();
    },
  };
}
