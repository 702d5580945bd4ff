import type { AmplifyOutputs, ResolvedAuthConfig } from './types.js';
import { invalidConfig } from './invalidConfig.js';
import { pickRedirectUri } from './pickRedirectUri.js';

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const CLIENT_ID = /^[\w+]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidConfig(field, 'is required (a non-empty string)');
  return value;
}

/**
 * Maps the `auth` section of `amplify_outputs.json` to the Cognito issuer and
 * hosted-UI endpoints. Only the authorization-code flow is supported: a
 * server cannot keep implicit-flow tokens.
 */
export function parseAmplifyOutputs(outputs: AmplifyOutputs, origin: string): ResolvedAuthConfig {
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

  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const hostedUi = `https://${domain}`;
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
  };
}
