// The app's one auth setup. With a real Cognito user pool, replace the
// config with the contents of amplify_outputs.json:
//
//   import outputs from './amplify_outputs.json';
//   createServerRunner({ config: outputs });
//
// Out of the box it talks to the local dev IdP that `npm start` runs.
// With REDIS_URL (`npm run start:cluster` sets it) every instance refreshes
// through one Redis, so a refresh token is used once across all of them.
// With SESSION_MODE=server too (`SESSION_MODE=server npm run start:cluster`)
// sessions live in Redis: the browser holds one small session-id cookie, and
// sign-out, "sign out everywhere" (/sessions) and the IdP's back-channel
// logout end a session on every instance at once.
import { createServerRunner } from 'next-server-auth';
import { createRedisStore } from 'next-server-auth/redis';

const sessionMode = process.env.SESSION_MODE || 'cookie';
if (sessionMode !== 'cookie' && sessionMode !== 'server') {
  throw new Error(`SESSION_MODE must be "cookie" or "server", not ${JSON.stringify(sessionMode)}`);
}
if (sessionMode === 'server' && !process.env.REDIS_URL) {
  throw new Error('SESSION_MODE=server keeps sessions in Redis: set REDIS_URL (`SESSION_MODE=server npm run start:cluster` starts one)');
}
const store = process.env.REDIS_URL ? createRedisStore({ url: process.env.REDIS_URL, prefix: 'acme-notes' }) : undefined;

// DEV_IDP_MODE=oidc runs the dev IdP as a generic OpenID provider: no Cognito
// user-pool API, so the /login forms (cognito.*) are off and link to the hosted sign-in.
const flavor = process.env.DEV_IDP_MODE === 'oidc' ? 'generic' : 'cognito';
/** Whether `cognito.*` (the /login forms) can work: the IdP is a Cognito user pool. */
export const hasCognitoUserPool = flavor === 'cognito';

// `cognito`: sign-in, sign-up and password-reset server actions for the app's own forms (/login).
export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, createApiProxy, signIn, signOut, cognito } = createServerRunner({
  config: {
    oidc: {
      issuer: process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200',
      clientId: process.env.AUTH_CLIENT_ID ?? 'next-server-auth-example',
      flavor,
    },
  },
  runtimeOptions: {
    // cognito.signIn proves the password with SRP, which hashes it with the
    // user pool id; the dev IdP's pool is us-east-1_DevPool01 (an
    // amplify_outputs.json config has its own user_pool_id and needs no such line).
    ...(hasCognitoUserPool ? { cognito: { userPoolId: 'us-east-1_DevPool01' } } : {}),
    ...(store ? { store } : {}),
    ...(sessionMode === 'server' ? { session: { codec: 'server' as const } } : {}),
  },
});
