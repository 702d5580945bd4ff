// The app's one auth setup. With a real Cognito user pool, replace the
// config with the contents of amplify_outputs.json:
//
//   import outputs from './amplify_outputs.json';
//   createServerRunner({ config: outputs });
//
// Out of the box it talks to the local dev IdP that `npm start` runs.
import { createServerRunner } from 'next-server-auth';

export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, signIn, signOut } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: process.env.AUTH_CLIENT_ID ?? 'next-server-auth-example',
      flavor: process.env.DEV_IDP_MODE === 'oidc' ? 'generic' : 'cognito',
    },
  },
});
