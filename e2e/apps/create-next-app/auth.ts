import { createServerRunner } from 'next-server-auth';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: 'next-server-auth-example',
      flavor: 'cognito',
    },
  },
});
