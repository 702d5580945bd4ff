import type * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from './types.js';

/** The config and endpoints in the shape `oauth4webapi` works on. */
export function toAuthorizationServer(config: ResolvedAuthConfig, endpoints: AuthEndpoints): oauth.AuthorizationServer {
  return {
    issuer: config.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    ...(endpoints.userinfo ? { userinfo_endpoint: endpoints.userinfo } : {}),
    ...(endpoints.revocation ? { revocation_endpoint: endpoints.revocation } : {}),
    ...(endpoints.endSession ? { end_session_endpoint: endpoints.endSession } : {}),
  };
}
