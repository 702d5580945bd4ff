import type * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from './types.js';

/**
 * The config and endpoints in the shape `oauth4webapi` works on.
 * `algorithms` (the verifier's allowlist) becomes the accepted ID token
 * algorithms: without it oauth4webapi accepts RS256 only. The signature
 * itself is checked by the token verifier with the same list.
 *
 * @example
 * ```ts
 * const as = toAuthorizationServer(config, await endpoints(), verifier.algorithms);
 * ```
 */
export function toAuthorizationServer(config: ResolvedAuthConfig, endpoints: AuthEndpoints, algorithms?: readonly string[]): oauth.AuthorizationServer {
  return {
    issuer: config.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
    ...(endpoints.revocation ? { revocation_endpoint: endpoints.revocation } : {}),
    ...(endpoints.endSession ? { end_session_endpoint: endpoints.endSession } : {}),
    ...(endpoints.pushedAuthorizationRequest ? { pushed_authorization_request_endpoint: endpoints.pushedAuthorizationRequest } : {}),
    ...(endpoints.issParameterSupported ? { authorization_response_iss_parameter_supported: true } : {}),
    ...(algorithms ? { id_token_signing_alg_values_supported: [...algorithms] } : {}),
  };
}
