// A second runner, for the /amplify page only: Amplify's own browser library
// signs in there (its SRP flow, `Amplify.configure(..., { ssr: true })`) and
// keeps the tokens in its own cookies, which JavaScript can read
// (`CognitoIdentityServiceProvider.<client>.<user>.idToken`, …). This runner
// reads and refreshes those cookies on the server (the `amplify` codec).
//
// Why two runners: the rest of the example keeps tokens out of the browser's
// JavaScript (auth.ts: one sealed, httpOnly cookie). An app that already uses
// Amplify in the browser keeps Amplify's cookies instead; this page shows that
// mode next to the other without mixing them. A real app picks one.
//
// With a real user pool this is the whole file:
//
//   import outputs from './amplify_outputs.json';
//   export const { runWithServerContext, createAuthGuard } = createServerRunner({
//     config: outputs,
//     runtimeOptions: { session: { codec: 'amplify' } },
//   });
//
// Here the outputs are spelled out and point at the local dev IdP that
// `npm start` runs (`userPoolEndpoint`, as Amplify's own option of that name).
import { createServerRunner } from 'next-server-auth';
import { createRedisStore } from 'next-server-auth/redis';

const origin = process.env.AUTH_ORIGIN ?? 'http://localhost:3000';
const devIdp = process.env.DEV_IDP_ISSUER ?? 'http://127.0.0.1:3200';

/** What `amplify_outputs.json` holds for this app (the `auth` part). */
export const amplifyOutputs = {
  version: '1.4',
  auth: {
    // The dev IdP's user pool id (DEV_IDP_USER_POOL_ID): Amplify's SRP math uses the part after `_`.
    user_pool_id: 'us-east-1_DevPool01',
    aws_region: 'us-east-1',
    // A second app client of the dev IdP (npm start registers it): Cognito
    // client ids are letters, digits, `_` and `+`, and auth.ts's has dashes.
    user_pool_client_id: process.env.AMPLIFY_CLIENT_ID ?? 'amplifyexample',
    // The identity pool the dev IdP serves (`--identity-pool`, set by npm start).
    identity_pool_id: process.env.DEV_IDP_IDENTITY_POOL ?? 'us-east-1:00000000-0000-4000-8000-000000000000',
    unauthenticated_identities_enabled: false,
    oauth: {
      domain: 'example.auth.us-east-1.amazoncognito.com',
      scopes: ['openid', 'email', 'profile'],
      redirect_sign_in_uri: [`${origin}/api/auth/sign-in-callback`],
      redirect_sign_out_uri: [`${origin}/api/auth/sign-out-callback`],
      response_type: 'code',
    },
  },
};

/** Where Amplify's browser library talks to Cognito: the dev IdP (a real pool needs no endpoint). */
export const userPoolEndpoint = devIdp;

// Several instances (`npm run start:cluster` sets REDIS_URL): one refresh per
// refresh token across all of them, as in auth.ts; else two instances could
// refresh Amplify's token at once and the rotating IdP would end the session.
const store = process.env.REDIS_URL ? createRedisStore({ url: process.env.REDIS_URL, prefix: 'acme-notes-amplify' }) : undefined;

export const { runWithServerContext, createAuthGuard } = createServerRunner({
  config: amplifyOutputs,
  runtimeOptions: {
    // Read and write Amplify's cookies (not httpOnly: Amplify's browser code reads them).
    session: { codec: 'amplify' },
    ...(store ? { store } : {}),
    // Drop this line with a real pool.
    cognito: { userPoolEndpoint },
    // Signed-out visitors of guarded /amplify pages go to the page with the Amplify sign-in form.
    signInPath: '/amplify',
  },
});
