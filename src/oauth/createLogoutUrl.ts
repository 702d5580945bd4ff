import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';

/**
 * Where to send the browser to end the IdP session: Cognito's
 * `/logout?client_id&logout_uri`, else the OIDC `end_session_endpoint` with
 * `id_token_hint` and `post_logout_redirect_uri`, else straight back to the
 * app's sign-out callback (the IdP has no logout to offer).
 *
 * @example
 * ```ts
 * const url = createLogoutUrl(config, endpoints, idToken);
 * return Response.redirect(url, 303);
 * ```
 */
export function createLogoutUrl(config: ResolvedAuthConfig, endpoints: AuthEndpoints, idToken: string | undefined): URL {
  if (config.flavor === 'cognito' && endpoints.cognitoLogout) {
    const url = new URL(endpoints.cognitoLogout);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('logout_uri', config.redirectSignOut);
    return url;
  }
  if (endpoints.endSession) {
    const url = new URL(endpoints.endSession);
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('post_logout_redirect_uri', config.redirectSignOut);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    return url;
  }
  return new URL(config.redirectSignOut);
}
