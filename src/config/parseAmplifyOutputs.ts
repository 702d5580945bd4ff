import type { AmplifyOutputs, CognitoEndpointOptions, ResolvedAuthConfig, ResolvedIdentityPool } from './types.js';
import { invalidConfig } from './invalidConfig.js';
import { isLoopbackHttp } from './isLoopbackHttp.js';
import { pickRedirectUri } from './pickRedirectUri.js';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const CLIENT_ID = /^[\w+]+$/;
const IDENTITY_POOL_ID = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidConfig(field, 'is required (a non-empty string)');
  return value;
}

/**
 * Maps the `auth` section of `amplify_outputs.json` to the Cognito issuer and
 * hosted-UI endpoints. Only the authorization-code flow is supported: a
 * server cannot keep implicit-flow tokens.
 *
 * With `cognito.userPoolEndpoint` (a local Cognito-compatible server such as
 * the dev IdP) the issuer **is** that endpoint, and the hosted UI, token,
 * revocation, userInfo, logout and JWKS endpoints live under it; the outputs'
 * region, pool id and domain are still validated but no longer used to
 * build URLs. Tokens must carry exactly that `iss`: pointing the endpoint
 * elsewhere never makes tokens of the real pool (or any other issuer) valid.
 *
 * @example
 * ```ts
 * parseAmplifyOutputs(outputs, 'http://localhost:3000', { userPoolEndpoint: 'http://127.0.0.1:3200' }).issuer;
 * // 'http://127.0.0.1:3200'
 * ```
 */
export function parseAmplifyOutputs(outputs: AmplifyOutputs, origin: string, cognito: CognitoEndpointOptions = {}): ResolvedAuthConfig {
  const auth: unknown = outputs.auth;
  if (typeof auth !== 'object' || auth === null) throw invalidConfig('auth', 'is required (the auth section of amplify_outputs.json)');
  const a = auth as Record<string, unknown>;
  const region = requireString(a.aws_region, 'auth.aws_region');
  if (!REGION.test(region)) throw invalidConfig('auth.aws_region', `is not an AWS region: ${JSON.stringify(region)}`);
  const userPoolId = requireString(a.user_pool_id, 'auth.user_pool_id');
  const [poolRegion, poolSuffix] = userPoolId.split('_');
  if (poolRegion !== region || !poolSuffix || !/^[\w]+$/.test(poolSuffix)) {
    throw invalidConfig('auth.user_pool_id', `must look like "${region}_XXXXXXXXX" (got ${JSON.stringify(userPoolId)})`);
  }
  const clientId = requireString(a.user_pool_client_id, 'auth.user_pool_client_id');
  if (!CLIENT_ID.test(clientId)) throw invalidConfig('auth.user_pool_client_id', 'has characters a Cognito client id cannot have');

  const oauth = a.oauth;
  if (typeof oauth !== 'object' || oauth === null) {
    throw invalidConfig('auth.oauth', 'is required: configure a Cognito domain and OAuth (hosted UI) for the user pool');
  }
  const o = oauth as Record<string, unknown>;
  const domain = requireString(o.domain, 'auth.oauth.domain');
  if (!DOMAIN.test(domain)) throw invalidConfig('auth.oauth.domain', `must be a host name without scheme or path (got ${JSON.stringify(domain)})`);
  if (!Array.isArray(o.scopes) || o.scopes.some((s) => typeof s !== 'string')) throw invalidConfig('auth.oauth.scopes', 'must be a list of strings');
  const scopes = o.scopes as string[];
  if (!scopes.includes('openid')) throw invalidConfig('auth.oauth.scopes', 'must include "openid"');
  if (o.response_type !== 'code') throw invalidConfig('auth.oauth.response_type', `must be "code" (got ${JSON.stringify(o.response_type)})`);
  const providers = o.identity_providers ?? [];
  if (!Array.isArray(providers) || providers.some((p) => typeof p !== 'string')) {
    throw invalidConfig('auth.oauth.identity_providers', 'must be a list of strings');
  }

  const local = endpointOf(cognito.userPoolEndpoint, 'runtimeOptions.cognito.userPoolEndpoint');
  const wanted = cognito.identityPoolCredentials;
  if (wanted !== undefined && typeof wanted !== 'boolean') throw invalidConfig('runtimeOptions.cognito.identityPoolCredentials', 'must be true or false');
  const identityPool = wanted === false ? undefined : identityPoolOf(a, region, userPoolId, endpointOf(cognito.identityPoolEndpoint, 'runtimeOptions.cognito.identityPoolEndpoint') ?? local);
  const issuer = local ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const hostedUi = local ?? `https://${domain}`;
  return {
    flavor: 'cognito',
    issuer,
    clientId,
    scopes,
    redirectSignIn: pickRedirectUri('auth.oauth.redirect_sign_in_uri', o.redirect_sign_in_uri, origin),
    redirectSignOut: pickRedirectUri('auth.oauth.redirect_sign_out_uri', o.redirect_sign_out_uri, origin),
    identityProviders: providers as string[],
    groupsClaim: 'cognito:groups',
    accessTokenAudience: [],
    endpoints: {
      authorization: `${hostedUi}/oauth2/authorize`,
      token: `${hostedUi}/oauth2/token`,
      revocation: `${hostedUi}/oauth2/revoke`,
      userinfo: `${hostedUi}/oauth2/userInfo`,
      cognitoLogout: `${hostedUi}/logout`,
      signUp: `${hostedUi}/signup`,
      jwks: `${issuer}/.well-known/jwks.json`,
    },
    ...(identityPool ? { identityPool } : {}),
  };
}

/**
 * `identity_pool_id` (`<region>:<uuid>`) and `unauthenticated_identities_enabled`;
 * absent id: no identity pool (fetchAuthSession returns tokens only).
 */
function identityPoolOf(a: Record<string, unknown>, region: string, userPoolId: string, endpoint: string | undefined): ResolvedIdentityPool | undefined {
  const guests = a.unauthenticated_identities_enabled;
  if (guests !== undefined && typeof guests !== 'boolean') throw invalidConfig('auth.unauthenticated_identities_enabled', 'must be true or false');
  if (a.identity_pool_id === undefined) return undefined;
  const id = requireString(a.identity_pool_id, 'auth.identity_pool_id');
  const match = IDENTITY_POOL_ID.exec(id);
  if (!match) throw invalidConfig('auth.identity_pool_id', `must look like "<region>:<uuid>" (got ${JSON.stringify(id)})`);
  return {
    id,
    region: match[1]!,
    allowGuests: guests === true,
    providerName: `cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/**
 * The endpoint without a trailing slash; https, or http on loopback only (a
 * remote plain-http IdP would let anyone on the path mint sessions).
 */
function endpointOf(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value)) throw invalidConfig(field, 'must be an absolute URL');
  const url = new URL(value);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw invalidConfig(field, 'must have no query, fragment or credentials');
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url.href)) throw invalidConfig(field, 'must be https, or http on a loopback host');
  return url.href.replace(/\/+$/, '');
}
