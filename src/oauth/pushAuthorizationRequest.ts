import * as oauth from 'oauth4webapi';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';

/**
 * Whether sign-ins go through a Pushed Authorization Request (RFC 9126):
 * always when discovery requires it (a plain request would be refused),
 * when `oidc.pushedAuthorizationRequests` is true, never otherwise.
 *
 * @throws AuthError `InvalidConfig` when `pushedAuthorizationRequests` is true but the IdP
 *   advertises no PAR endpoint (the runner's start-up check reports it), `DiscoveryFailed`
 *   when discovery requires PAR but names no endpoint.
 * @example
 * ```ts
 * if (usesPushedAuthorization(config, endpoints)) url = await pushAuthorizationRequest(config, endpoints, url, 5000);
 * ```
 */
export function usesPushedAuthorization(config: ResolvedAuthConfig, endpoints: AuthEndpoints): boolean {
  const wanted = endpoints.requirePushedAuthorizationRequests === true || config.pushedAuthorizationRequests === true;
  if (wanted && !endpoints.pushedAuthorizationRequest) {
    // The IdP contradicting itself is its fault (503, logged with this message); asking for PAR where none is offered is ours.
    throw endpoints.requirePushedAuthorizationRequests
      ? new AuthError('DiscoveryFailed', 'The IdP requires pushed authorization requests but its discovery document names no pushed_authorization_request_endpoint')
      : new AuthError('InvalidConfig', 'Invalid auth config: oidc.pushedAuthorizationRequests is true but the IdP advertises no pushed_authorization_request_endpoint');
  }
  return wanted;
}

/**
 * Pushes the parameters of an authorization URL to the IdP's PAR endpoint
 * (authenticated like every token-endpoint call, see `clientOf`) and returns
 * the URL the browser is sent to: the authorization endpoint with only
 * `client_id` and the one-time `request_uri` (RFC 9126 §4), so nothing of the
 * request (PKCE challenge, nonce, scopes, redirect_uri) travels through the
 * browser or can be altered there.
 *
 * @throws AuthError `AuthorizationRequestRefused` when the IdP answers with an
 *   OAuth error or challenge (4xx: e.g. `invalid_client`, `invalid_request`), or
 *   `IdpUnavailable` (network, timeout, 5xx, an unusable answer).
 * @example
 * ```ts
 * const url = await pushAuthorizationRequest(config, endpoints, authorizationUrl, 5000);
 * // url.href: 'https://idp.example/authorize?client_id=web&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A…'
 * ```
 */
export async function pushAuthorizationRequest(config: ResolvedAuthConfig, endpoints: AuthEndpoints, authorizationUrl: URL, timeoutMs: number): Promise<URL> {
  const as = toAuthorizationServer(config, endpoints);
  const { client, auth } = clientOf(config);
  const params = new URLSearchParams(authorizationUrl.searchParams);
  // The client authentication adds client_id itself (and `none` needs it in the body too).
  params.delete('client_id');
  let requestUri: string;
  try {
    const response = await oauth.pushedAuthorizationRequest(as, client, auth, params, requestOptions(config, timeoutMs));
    ({ request_uri: requestUri } = await oauth.processPushedAuthorizationResponse(as, client, response));
  } catch (err) {
    if (err instanceof AuthError) throw err;
    if (err instanceof oauth.ResponseBodyError && err.status < 500) {
      // The OAuth error code only: descriptions may echo request parameters.
      throw new AuthError('AuthorizationRequestRefused', `The IdP refused the pushed authorization request (${err.error})`, { cause: err });
    }
    // A 401 with WWW-Authenticate (e.g. a wrong client_secret_basic secret) is a challenge, not a body error.
    if (err instanceof oauth.WWWAuthenticateChallengeError && err.status < 500) {
      const code = err.cause.find((c) => typeof c.parameters.error === 'string')?.parameters.error ?? 'invalid_client';
      throw new AuthError('AuthorizationRequestRefused', `The IdP refused the pushed authorization request (${code})`, { cause: err });
    }
    throw new AuthError('IdpUnavailable', 'The pushed authorization request endpoint could not be reached or answered unusably', { cause: err });
  }
  const url = new URL(endpoints.authorization);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('request_uri', requestUri);
  return url;
}
