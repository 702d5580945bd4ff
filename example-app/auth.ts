// The app's one auth setup. With a real Cognito user pool, replace the
// config with the contents of amplify_outputs.json:
//
//   import outputs from './amplify_outputs.json';
//   createServerRunner({ config: outputs });
//
// Out of the box it talks to the local dev IdP that `npm start` runs.
// With REDIS_URL (`npm run start:cluster` sets it) every instance refreshes
// through one Redis, so a refresh token is used once across all of them.
import { createServerRunner } from 'next-server-auth';
import { createRedisStore } from 'next-server-auth/redis';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, signIn, signOut } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: process.env.AUTH_CLIENT_ID ?? 'next-server-auth-example',
      flavor: process.env.DEV_IDP_MODE === 'oidc' ? 'generic' : 'cognito',
    },
  },
  runtimeOptions: process.env.REDIS_URL ? { store: createRedisStore({ url: process.env.REDIS_URL, prefix: 'acme-notes' }) } : {},
});
