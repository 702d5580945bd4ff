// Same setup as example-app/auth.ts: the dev IdP that scripts/start.mjs runs.
import { createServerRunner } from 'next-server-auth';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: process.env.AUTH_CLIENT_ID ?? 'next-server-auth-example',
      flavor: process.env.DEV_IDP_MODE === 'oidc' ? 'generic' : 'cognito',
    },
  },
});
