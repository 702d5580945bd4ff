import * as oauth from 'oauth4webapi';
import { AuthError } from '../errors/AuthError.js';
import type { AuthEndpoints, ResolvedAuthConfig } from './types.js';
import { isLoopbackHttp } from './isLoopbackHttp.js';
import { describeFetchFailure } from './describeFetchFailure.js';

/**
 * Fetches the provider's OpenID discovery document and maps it to endpoints.
 * `oauth4webapi` checks that the document's `issuer` equals the configured one.
 *
 * @example
 * ```ts
 * const endpoints = await discoverEndpoints(config, { timeoutMs: 5000 });
 * endpoints.token; // 'https://idp.example.com/oauth2/token'
 * ```
 */
export async function discoverEndpoints(config: ResolvedAuthConfig, { timeoutMs }: { timeoutMs: number }): Promise<AuthEndpoints> {
  const issuer = new URL(config.issuer);
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, {
      algorithm: 'oidc',
      signal: AbortSignal.timeout(timeoutMs),
      [oauth.allowInsecureRequests]: isLoopbackHttp(config.issuer),
    });
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (cause) {
    // The URL and why, so the log says what to fix; never a secret (see describeFetchFailure).
    throw new AuthError('DiscoveryFailed', `OpenID discovery at ${discoveryUrlOf(issuer)} failed: ${describeFetchFailure(cause)}`, { cause });
  }
  if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) {
    throw new AuthError('DiscoveryFailed', `The discovery document at ${discoveryUrlOf(issuer)} lacks authorization_endpoint, token_endpoint or jwks_uri`);
  }
  const endpoints: AuthEndpoints = {
    authorization: as.authorization_endpoint,
    token: as.token_endpoint,
    jwks: as.jwks_uri,
  };
  if (as.userinfo_endpoint) endpoints.userinfo = as.userinfo_endpoint;
  if (as.revocation_endpoint) endpoints.revocation = as.revocation_endpoint;
  if (as.end_session_endpoint) endpoints.endSession = as.end_session_endpoint;
  if (as.authorization_response_iss_parameter_supported === true) endpoints.issParameterSupported = true;
  // RFC 9126 §5: where to push, and whether a plain authorization request would be refused.
  if (typeof as.pushed_authorization_request_endpoint === 'string') endpoints.pushedAuthorizationRequest = as.pushed_authorization_request_endpoint;
  if (as.require_pushed_authorization_requests === true) endpoints.requirePushedAuthorizationRequests = true;
  if (Array.isArray(as.scopes_supported)) endpoints.scopesSupported = as.scopes_supported.filter((s): s is string => typeof s === 'string');
  if (config.flavor === 'cognito') {
    // Cognito's hosted UI serves /logout and /signup beside /oauth2/*; discovery lists neither.
    const hostedUi = new URL(as.authorization_endpoint).origin;
    endpoints.cognitoLogout = `${hostedUi}/logout`;
    endpoints.signUp = `${hostedUi}/signup`;
  }
  return endpoints;
}

/** Where oauth4webapi fetches the document (OIDC Discovery 4), without any credentials in the issuer. */
function discoveryUrlOf(issuer: URL): string {
  const url = new URL(issuer.href);
  url.username = '';
  url.password = '';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`;
  return url.href;
}
