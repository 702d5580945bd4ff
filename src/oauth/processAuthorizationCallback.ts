import * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import type { AuthTransaction } from './AuthTransaction.js';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import { unmetAuthentication } from './unmetAuthentication.js';
import { checkDPoPBinding } from '../tokens/checkDPoPBinding.js';
import { withDPoPNonceRetry } from '../tokens/dpopHandle.js';
import { sessionDPoP } from '../tokens/sessionDPoP.js';

/** Why a callback was refused; shown to the user as an error code. */
export type CallbackFailure = 'idp_error' | 'invalid_response' | 'token_exchange_failed' | 'invalid_tokens' | 'idp_unavailable' | 'insufficient_authentication';

function fail(reason: CallbackFailure, message: string, cause?: unknown): AuthError {
  const err = new AuthError('OAuthCallbackFailed', message, cause === undefined ? undefined : { cause });
  return Object.assign(err, { reason });
}

/**
 * Finishes a sign-in: checks the authorization response against the
 * transaction (state; RFC 9207 `iss`, required when discovery advertises
 * `authorization_response_iss_parameter_supported`, else checked when
 * present; IdP errors), exchanges the
 * code with the PKCE verifier, checks the ID token's nonce, then verifies
 * both tokens' signatures with jose before they may enter a session.
 * When the transaction asked for step-up (`maxAge` / `acrValues`), the ID
 * token's `auth_time` must be within `maxAge` (± `clockSkew` seconds) and its
 * `acr` one of `acrValues`, else `insufficient_authentication`.
 * With `oidc.dpop` a new session key is made and the code exchanged with a
 * proof (one retry on `use_dpop_nonce`); the tokens must come back bound to
 * it (`token_type` DPoP, `cnf.jkt`), and the key joins the token set.
 *
 * @throws AuthError `OAuthCallbackFailed` with a `reason`.
 * @example
 * ```ts
 * const tokens = await processAuthorizationCallback(config, endpoints, verifier, new URL(request.url), transaction, 5000);
 * ```
 */
export async function processAuthorizationCallback(
  config: ResolvedAuthConfig,
  endpoints: AuthEndpoints,
  verifier: TokenVerifier,
  callbackUrl: URL,
  transaction: AuthTransaction,
  timeoutMs: number,
  { clockSkew = 0, now = Date.now }: { clockSkew?: number; now?: () => number } = {},
): Promise<TokenSet> {
  const as = toAuthorizationServer(config, endpoints, verifier.algorithms);
  const { client, auth } = clientOf(config);
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callbackUrl.searchParams, transaction.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) throw fail('idp_error', `The IdP answered ${err.error}`, err);
    throw fail('invalid_response', 'The authorization response is invalid (state or issuer mismatch)', err);
  }
  let result: oauth.TokenEndpointResponse;
  const dpop = await sessionDPoP(config);
  try {
    result = await withDPoPNonceRetry(dpop?.handle, async () => {
      const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, transaction.redirectUri, transaction.codeVerifier, requestOptions(config, timeoutMs, dpop?.handle));
      return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: transaction.nonce, requireIdToken: true });
    });
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.status < 500) throw fail('token_exchange_failed', `The token endpoint refused the code: ${err.error}`, err);
    if (err instanceof oauth.ResponseBodyError || err instanceof TypeError || (err instanceof Error && err.name === 'TimeoutError')) {
      throw fail('idp_unavailable', 'The token endpoint could not be reached', err);
    }
    throw fail('invalid_tokens', 'The token response was rejected', err);
  }
  const idToken = result.id_token;
  if (!idToken || !result.access_token) throw fail('invalid_tokens', 'The token response lacks an ID token or access token');
  if (dpop !== undefined) {
    try {
      checkDPoPBinding(result, dpop.jkt);
    } catch (err) {
      throw fail('invalid_tokens', 'The tokens are not bound to the session DPoP key', err);
    }
  }
  let id;
  try {
    id = await verifier.verifyIdToken(idToken, { nonce: transaction.nonce });
    await verifier.verifyAccessToken(result.access_token);
  } catch (err) {
    throw fail('invalid_tokens', 'A token from the IdP failed verification', err);
  }
  // Step-up: what was asked must be what came back. The request's parameters
  // may have been stripped on the way, or the IdP may have ignored them.
  const requirement = { ...(transaction.maxAge !== undefined ? { maxAge: transaction.maxAge } : {}), ...(transaction.acrValues ? { acrValues: transaction.acrValues } : {}) };
  const unmet = unmetAuthentication(id.payload, requirement, now(), clockSkew);
  if (unmet === 'max_age') throw fail('insufficient_authentication', 'The ID token lacks an auth_time within the requested max_age');
  if (unmet === 'acr') throw fail('insufficient_authentication', 'The ID token acr is none of the requested acr_values');
  return { idToken, accessToken: result.access_token, ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}), ...(dpop ? { dpopKey: dpop.dpopKey } : {}) };
}
