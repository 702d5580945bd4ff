import type { DevIdpIdentityPoolOptions } from './cognitoIdentityApi.js';
import type { DevIdpClient, DevIdpMode } from './types.js';

/** What {@link formatAppSetup} describes. */
export interface AppSetupInput {
  /** The running dev IdP's issuer. */
  issuer: string;
  mode: DevIdpMode;
  /** The client registered for the app (by `--app-origin`). */
  client: DevIdpClient;
  /** The app's origin, e.g. `http://localhost:3000`. */
  appOrigin: string;
  /** The `--users` file, when the built-in users were replaced. */
  usersFile?: string;
  /** `--identity-pool` / `--identity-pool-guests`, when given. */
  identityPool?: DevIdpIdentityPoolOptions;
}

/**
 * One line naming the identity pool the dev IdP answers for (`--identity-pool`),
 * for the start-up text.
 *
 * @example
 * ```ts
 * identityPoolLine({ id: 'us-east-1:00000000-0000-4000-8000-000000000000' });
 * // '  identity pool      us-east-1:00000000-0000-4000-8000-000000000000 (signed-in users only) …'
 * ```
 */
export function identityPoolLine(pool: DevIdpIdentityPoolOptions): string {
  const guests = pool.allowGuests ? 'guests allowed' : 'signed-in users only';
  return `  identity pool      ${pool.id ?? 'any well-formed id'} (${guests}): amplify_outputs.json's identity_pool_id, at this issuer`;
}

/**
 * The `auth.ts` config object for an app signing in at this dev IdP: the
 * issuer, the client id and the flavor matching the IdP's mode. Cognito mode
 * needs `flavor: 'cognito'` (its issuer is not a Cognito URL): without it
 * `cognito:groups` is not read and sign-out leaves the IdP session alive.
 *
 * @example
 * ```ts
 * appConfigFor({ issuer: 'http://127.0.0.1:3200', mode: 'cognito', client, appOrigin }).oidc.flavor; // 'cognito'
 * ```
 */
export function appConfigFor(input: AppSetupInput): { oidc: { issuer: string; clientId: string; flavor: 'cognito' | 'generic' } } {
  return { oidc: { issuer: input.issuer, clientId: input.client.clientId, flavor: input.mode === 'cognito' ? 'cognito' : 'generic' } };
}

/** A TypeScript single-quoted string literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const FLAVOR_NOTE = {
  cognito: "this IdP runs in cognito mode: groups from cognito:groups, sign-out through Cognito's /logout",
  generic: "this IdP runs in oidc mode: standard claims, groups from 'groups', refresh via offline_access",
} as const;

/**
 * The text the CLI prints at start-up with `--app-origin`: the registered
 * URIs, the devDependency to keep, the `auth.ts` to paste, the `.env.local`
 * lines and where to sign in. Holds no secret.
 *
 * @example
 * ```ts
 * console.log(formatAppSetup({ issuer: idp.issuer, mode: 'cognito', client: appClient('http://localhost:3000'), appOrigin: 'http://localhost:3000' }));
 * ```
 */
export function formatAppSetup(input: AppSetupInput): string {
  const { oidc } = appConfigFor(input);
  const { appOrigin, client } = input;
  // --private-key-jwt: the app signs client assertions; the IdP fetches its public key from the app.
  const keyJwt = client.tokenEndpointAuthMethod === 'private_key_jwt';
  return [
    '',
    keyJwt
      ? `Your app at ${appOrigin} is registered as the client "${client.clientId}" authenticating with private_key_jwt (public key fetched from ${client.jwksUri ?? 'its jwks'}):`
      : `Your app at ${appOrigin} is registered as the public client "${client.clientId}" (PKCE, no secret):`,
    `  sign-in callback   ${client.redirectUris.join(', ')}`,
    `  after sign-out     ${client.postLogoutRedirectUris.join(', ')}`,
    ...(client.backchannelLogoutUri ? [`  back-channel logout ${client.backchannelLogoutUri} (logout tokens when the IdP session ends)`] : []),
    ...(input.identityPool ? [identityPoolLine(input.identityPool)] : []),
    '',
    '1. The dev IdP needs oidc-provider in your app (a devDependency, never shipped):',
    '',
    '   npm i -D oidc-provider',
    '',
    '2. auth.ts (next to app/):',
    '',
    "import { createServerRunner } from 'next-server-auth';",
    '',
    'export const { runWithServerContext, createAuthRouteHandlers, createAuthGuard, signIn, signOut } = createServerRunner({',
    '  config: {',
    '    oidc: {',
    `      issuer: ${quote(oidc.issuer)},`,
    `      clientId: ${quote(oidc.clientId)},`,
    `      flavor: '${oidc.flavor}', // ${FLAVOR_NOTE[oidc.flavor]}`,
    ...(keyJwt
      ? ["      clientAuthentication: 'private_key_jwt',", '      clientPrivateKey: process.env.CLIENT_PRIVATE_KEY, // PKCS#8 PEM or private JWK; its public half is served at /api/auth/jwks']
      : []),
    '    },',
    '  },',
    '});',
    '',
    '3. .env.local:',
    '',
    `AUTH_ORIGIN=${appOrigin}`,
    ...(keyJwt ? ['CLIENT_PRIVATE_KEY="<the output of: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256>"'] : []),
    '# AUTH_SECRET=<at least 32 random characters: openssl rand -base64 32>',
    '#   optional in development on an http loopback origin (a public development secret is used, with a warning);',
    '#   required in production.',
    '',
    `4. The routes in app/api/auth/[slug]/route.ts (see the README), then sign in at ${appOrigin}/api/auth/sign-in`,
    input.usersFile === undefined
      ? '   as alice@example.com / alice-password (group ADMINS) or bob@example.com / bob-password.'
      : `   as one of the users in ${input.usersFile}.`,
    '',
  ].join('\n');
}
