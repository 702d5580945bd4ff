import { createServerRunner } from 'next-server-auth';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: 'next-server-auth-example',
      // The e2e runs this app against the dev IdP in both modes: cognito (default) and oidc (a generic provider).
      flavor: process.env.DEV_IDP_MODE === 'oidc' ? 'generic' : 'cognito',
    },
  },
});
