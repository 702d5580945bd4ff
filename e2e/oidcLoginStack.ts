// A private stack for /login in DEV_IDP_MODE=oidc: an in-process dev IdP as a
// generic OpenID provider and the already built example app (`next start`)
// configured for it. The config's chromium stack is in cognito mode.
import { DEFAULT_USERS, startDevIdp } from '../src/dev-idp/index.js';
import { startExampleApp } from './startExampleApp.js';

// +45 from the config's ports (refreshStack +10, the Next 15 stack +20, clientStack +30).
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100) + 45;
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3300) + 45;

export const OIDC_APP_URL = `http://localhost:${APP_PORT}`;
export const OIDC_IDP_URL = `http://127.0.0.1:${IDP_PORT}`;
const CLIENT_ID = 'next-server-auth-example';

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
  const app = await startExampleApp({
    port: APP_PORT,
    env: {
      AUTH_SECRET: 'e2e-oidc-login-secret-e2e-oidc-login-secret-0123',
      DEV_IDP_ISSUER: OIDC_IDP_URL,
      AUTH_CLIENT_ID: CLIENT_ID,
      DEV_IDP_MODE: 'oidc',
      // Its /client page is not used here; keep it off the other stacks' resource ports.
      RESOURCE_PORT: String(IDP_PORT + 100),
    },
  }).catch(async (err: unknown) => {
    await idp.close();
    throw err;
  });
  return {
    async stop() {
      app.stop();
      await idp.close();
    },
  };
}
