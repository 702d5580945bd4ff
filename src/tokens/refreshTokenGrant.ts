import * as oauth from 'oauth4webapi';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { TokenVerifier } from './TokenVerifier.js';
import { checkDPoPBinding } from './checkDPoPBinding.js';
import { withDPoPNonceRetry } from './dpopHandle.js';
import { sessionDPoP } from './sessionDPoP.js';

/** Errors at the token endpoint that mean "this refresh token is dead", not "try later". */
const REJECTED = new Set(['invalid_grant', 'unauthorized_client', 'invalid_client']);

/**
 * One refresh-token grant: calls the token endpoint, verifies the new tokens
 * with jose, and keeps the old refresh token when the IdP returns none
 * (Cognito does not rotate by default). A DPoP session (`previous.dpopKey`,
 * or `oidc.dpop`) sends a proof with its key (one retry on
 * `use_dpop_nonce`) and the new tokens must be bound to it.
 *
 * @throws AuthError `RefreshTokenRejected` (dead token: clear the session) or
 *   `IdpUnavailable` (network, timeout, 5xx: keep the session, retry later).
 * @example
 * ```ts
 * const tokens = await refreshTokenGrant(config, endpoints, verifier, refreshToken, 5000);
 * ```
 */
export async function refreshTokenGrant(
  config: ResolvedAuthConfig,
  endpoints: AuthEndpoints,
  verifier: TokenVerifier,
  refreshToken: string,
  timeoutMs: number,
  previous?: Pick<TokenSet, 'dpopKey'>,
): Promise<TokenSet> {
  const as = toAuthorizationServer(config, endpoints, verifier.algorithms);
  const { client, auth } = clientOf(config);
  let result: oauth.TokenEndpointResponse;
  let dpop;
  try {
    dpop = await sessionDPoP(config, previous);
  } catch (err) {
    // A sealed key we cannot import: this session cannot prove anything any more.
    throw new AuthError('RefreshTokenRejected', 'The session DPoP key is unusable', { cause: err });
  }
  try {
    result = await withDPoPNonceRetry(dpop?.handle, async () => {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, requestOptions(config, timeoutMs, dpop?.handle));
      return oauth.processRefreshTokenResponse(as, client, response);
    });
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.status < 500 && REJECTED.has(err.error)) {
      throw new AuthError('RefreshTokenRejected', `The IdP rejected the refresh token (${err.error})`, { cause: err });
    }
    throw new AuthError('IdpUnavailable', 'The token endpoint could not refresh the session', { cause: err });
  }
  if (!result.id_token || !result.access_token) throw new AuthError('IdpUnavailable', 'The refresh response lacks an ID token or access token');
  try {
    await verifier.verifyIdToken(result.id_token);
    await verifier.verifyAccessToken(result.access_token);
    if (dpop !== undefined) checkDPoPBinding(result, dpop.jkt);
  } catch (err) {
    throw new AuthError('IdpUnavailable', 'Refreshed tokens failed verification', { cause: err });
  }
  return { idToken: result.id_token, accessToken: result.access_token, refreshToken: result.refresh_token ?? refreshToken, ...(dpop ? { dpopKey: dpop.dpopKey } : {}) };
}
