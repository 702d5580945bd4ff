import { parseArgs } from 'node:util';

import { appClient, DEFAULT_APP_CLIENT_ID } from './appClient.js';
import { DEFAULT_IDENTITY_POOL_ID, resolveIdentityPool } from './cognitoIdentityApi.js';
import { DEFAULT_CLIENT } from './defaults.js';
import { SIGNING_ALGS } from './signingKey.js';
import type { DevIdpOptions, DevIdpSigningAlg } from './types.js';

/** A bad command line; the CLI prints the message and exits with code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** `--help` text. */
export const USAGE = `Usage: next-server-auth-dev-idp [options]

Starts a local, Cognito-shaped OpenID provider for development (loopback only).

Options:
  --port N                 port (default 3200; env DEV_IDP_PORT)
  --host HOST              loopback host (default 127.0.0.1)
  --users FILE             JSON array of users (env DEV_IDP_USERS; default alice and bob)
  --mode cognito|oidc      token shape (default cognito; env DEV_IDP_MODE)
  --state FILE             persist keys, users and sessions to FILE (env DEV_IDP_STATE)
  --app-origin URL         register your app at URL (e.g. http://localhost:3000): its
                           sign-in and sign-out callbacks, client id ${DEFAULT_APP_CLIENT_ID}
                           (or --client-id); prints the auth.ts config and .env lines
                           to paste
  --client-id ID           client id (default ${DEFAULT_CLIENT.clientId}, ${DEFAULT_APP_CLIENT_ID} with --app-origin);
                           repeatable: more clients with the same URIs
  --redirect-uri URL       allowed redirect URI (repeatable; added to --app-origin's)
  --logout-uri URL         allowed sign-out redirect URI (repeatable; added to --app-origin's)
  --backchannel-logout-uri URL
                           where the IdP POSTs back-channel logout tokens when a session
                           ends (default with --app-origin: <origin>/api/auth/backchannel-logout;
                           '' turns it off)
  --access-token-ttl S     access/ID token lifetime in seconds (default 3600; env DEV_IDP_ACCESS_TOKEN_TTL)
  --no-rotate              keep refresh tokens instead of rotating them
  --signing-alg ALG        token signing algorithm: ${SIGNING_ALGS.join(', ')} (default RS256; env DEV_IDP_SIGNING_ALG)
  --identity-pool ID       answer Cognito Identity (GetId, GetCredentialsForIdentity) for this
                           identity pool only, e.g. ${DEFAULT_IDENTITY_POOL_ID}
                           (env DEV_IDP_IDENTITY_POOL; default: any well-formed id)
  --identity-pool-guests   allow unauthenticated (guest) identities
                           (env DEV_IDP_IDENTITY_POOL_GUESTS=1; default off)
  --require-par            every client must use pushed authorization requests (RFC 9126);
                           discovery says require_pushed_authorization_requests
  --private-key-jwt        with --app-origin: the app authenticates with private_key_jwt,
                           its public keys fetched from <origin>/api/auth/jwks
  --second-factor          oidc mode: ask for a one-time code after the password when the
                           app sends acr_values=mfa (step-up); the code is on the page
                           and at GET /dev/users/<username>/second-factor-code
  --dpop                   oidc mode: DPoP (RFC 9449); every client must send proofs
                           (dpop_bound_access_tokens), userinfo refuses Bearer use of bound tokens
  --dpop-require-nonce     with --dpop: proofs must carry the IdP's DPoP-Nonce
  --resource 'URI [SCOPE…]'
                           an API (RFC 8707 resource indicator) whose access tokens have
                           aud URI, and the scopes it accepts (repeatable)
  -h, --help               show this help`;

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new CliUsageError(`${name} must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new CliUsageError(`${name} must be between ${min} and ${max}, got ${parsed}`);
  return parsed;
}

/** What the command line asks for. */
export interface CliArgs {
  help: boolean;
  options: DevIdpOptions;
  /** `--app-origin`: the origin of the app registered as the client (its config is printed at start-up). */
  appOrigin?: string;
}

/**
 * Turns CLI flags (falling back to `DEV_IDP_*` environment variables) into
 * {@link DevIdpOptions}; `help: true` when `--help` was given.
 *
 * @example
 * ```ts
 * parseCliArgs(['--port', '0', '--mode', 'oidc'], {}).options; // { port: 0, mode: 'oidc' }
 * parseCliArgs(['--app-origin', 'http://localhost:3000'], {}).options.clients?.[0]?.clientId; // 'local-app'
 * parseCliArgs(['--identity-pool', 'us-east-1:00000000-0000-4000-8000-000000000000', '--identity-pool-guests'], {}).options.identityPool;
 * // { id: 'us-east-1:00000000-0000-4000-8000-000000000000', allowGuests: true }
 * ```
 */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined>): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        users: { type: 'string' },
        mode: { type: 'string' },
        state: { type: 'string' },
        'app-origin': { type: 'string' },
        'client-id': { type: 'string', multiple: true },
        'redirect-uri': { type: 'string', multiple: true },
        'logout-uri': { type: 'string', multiple: true },
        'backchannel-logout-uri': { type: 'string' },
        'access-token-ttl': { type: 'string' },
        'no-rotate': { type: 'boolean' },
        'second-factor': { type: 'boolean' },
        dpop: { type: 'boolean' },
        'dpop-require-nonce': { type: 'boolean' },
        'signing-alg': { type: 'string' },
        'identity-pool': { type: 'string' },
        'identity-pool-guests': { type: 'boolean' },
        'require-par': { type: 'boolean' },
        'private-key-jwt': { type: 'boolean' },
        resource: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { help: true, options: {} };

  const options: DevIdpOptions = {};
  const port = values.port ?? env.DEV_IDP_PORT;
  if (port !== undefined) options.port = integer(values.port === undefined ? 'DEV_IDP_PORT' : '--port', port, 0, 65535);
  if (values.host !== undefined) options.host = values.host;

  const users = values.users ?? env.DEV_IDP_USERS;
  if (users) options.users = users;

  const mode = values.mode ?? env.DEV_IDP_MODE;
  if (mode !== undefined) {
    if (mode !== 'cognito' && mode !== 'oidc') throw new CliUsageError(`--mode must be "cognito" or "oidc", got "${mode}"`);
    options.mode = mode;
  }

  const state = values.state ?? env.DEV_IDP_STATE;
  if (state) options.stateFile = state;

  const ttl = values['access-token-ttl'] ?? env.DEV_IDP_ACCESS_TOKEN_TTL;
  if (ttl !== undefined) {
    const name = values['access-token-ttl'] === undefined ? 'DEV_IDP_ACCESS_TOKEN_TTL' : '--access-token-ttl';
    options.accessTokenTtl = integer(name, ttl, 1, 365 * 24 * 60 * 60);
  }
  if (values['no-rotate']) options.rotateRefreshToken = false;
  if (values['require-par']) options.requirePushedAuthorizationRequests = true;
  if (values['private-key-jwt'] && values['app-origin'] === undefined) throw new CliUsageError('--private-key-jwt needs --app-origin (the app serves its keys at <origin>/api/auth/jwks)');
  if (values['second-factor']) options.secondFactor = true;
  if (values['dpop-require-nonce']) options.dpop = { requireNonce: true };
  else if (values.dpop) options.dpop = true;

  const alg = values['signing-alg'] ?? env.DEV_IDP_SIGNING_ALG;
  if (alg !== undefined) {
    if (!(SIGNING_ALGS as readonly string[]).includes(alg)) throw new CliUsageError(`--signing-alg must be one of ${SIGNING_ALGS.join(', ')}, got "${alg}"`);
    options.signingAlg = alg as DevIdpSigningAlg;
  }

  const identityPoolId = values['identity-pool'] ?? (env.DEV_IDP_IDENTITY_POOL || undefined);
  const guestsEnv = env.DEV_IDP_IDENTITY_POOL_GUESTS;
  if (guestsEnv !== undefined && guestsEnv !== '' && guestsEnv !== '0' && guestsEnv !== '1') {
    throw new CliUsageError(`DEV_IDP_IDENTITY_POOL_GUESTS must be 1 or 0, got "${guestsEnv}"`);
  }
  const guests = values['identity-pool-guests'] === true || guestsEnv === '1';
  if (identityPoolId !== undefined || guests) {
    options.identityPool = { ...(identityPoolId === undefined ? {} : { id: identityPoolId }), ...(guests ? { allowGuests: true } : {}) };
    try {
      resolveIdentityPool(options.identityPool);
    } catch {
      const name = values['identity-pool'] === undefined ? 'DEV_IDP_IDENTITY_POOL' : '--identity-pool';
      throw new CliUsageError(`${name} must look like "<region>:<uuid>" (e.g. ${DEFAULT_IDENTITY_POOL_ID}), got "${identityPoolId}"`);
    }
  }
  for (const spec of values.resource ?? []) {
    const [uri = '', ...scope] = spec.trim().split(/\s+/);
    if (!URL.canParse(uri) || uri.includes('#')) throw new CliUsageError(`--resource: not an absolute URI without a fragment: "${uri}"`);
    options.resources = { ...options.resources, [uri]: { scope: scope.join(' ') } };
  }

  const redirectUris = values['redirect-uri'];
  const logoutUris = values['logout-uri'];
  for (const uri of [...(redirectUris ?? []), ...(logoutUris ?? [])]) {
    if (!URL.canParse(uri)) throw new CliUsageError(`not an absolute URL: "${uri}"`);
  }
  const backchannelInput = values['backchannel-logout-uri'];
  if (backchannelInput && !URL.canParse(backchannelInput)) throw new CliUsageError(`--backchannel-logout-uri: not an absolute URL: "${backchannelInput}"`);
  // '' turns back-channel logout off (also the --app-origin default).
  const backchannelLogoutUri = backchannelInput === undefined ? undefined : backchannelInput || false;
  // A flag only, no DEV_IDP_* fallback: an exported variable would silently
  // swap the client of every IdP started from that shell (npm start's too).
  const appOriginInput = values['app-origin'];
  const clientIds = values['client-id'];
  if (clientIds !== undefined && new Set(clientIds).size !== clientIds.length) throw new CliUsageError('--client-id: the same client id twice');
  if (appOriginInput !== undefined) {
    let client;
    try {
      client = appClient(appOriginInput, clientIds?.[0], backchannelLogoutUri);
    } catch (error) {
      throw new CliUsageError(`--app-origin ${(error as Error).message}`);
    }
    if (values['private-key-jwt']) Object.assign(client, { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${new URL(client.redirectUris[0]!).origin}/api/auth/jwks` });
    client.redirectUris.push(...(redirectUris ?? []).filter((uri) => !client.redirectUris.includes(uri)));
    client.postLogoutRedirectUris.push(...(logoutUris ?? []).filter((uri) => !client.postLogoutRedirectUris.includes(uri)));
    options.clients = [client, ...(clientIds ?? []).slice(1).map((clientId) => structuredClone({ ...client, clientId }))];
    return { help: false, options, appOrigin: new URL(client.redirectUris[0]!).origin };
  }
  if (clientIds !== undefined || redirectUris !== undefined || logoutUris !== undefined) {
    options.clients = (clientIds ?? [DEFAULT_CLIENT.clientId]).map((clientId) => ({
      clientId,
      redirectUris: redirectUris ?? [...DEFAULT_CLIENT.redirectUris],
      postLogoutRedirectUris: logoutUris ?? [...DEFAULT_CLIENT.postLogoutRedirectUris],
    }));
  }
  if (backchannelLogoutUri !== undefined) options.backchannelLogoutUri = backchannelLogoutUri;
  return { help: false, options };
}
