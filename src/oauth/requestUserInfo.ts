import * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import { isDPoPNonceChallenge } from '../tokens/isDPoPNonceChallenge.js';
import { sessionDPoP } from '../tokens/sessionDPoP.js';

/**
 * Calls the IdP's userinfo endpoint with the access token and checks the
 * answer is about `expectedSubject`. A DPoP-bound session (`dpopKey`, RFC
 * 9449) sends `Authorization: DPoP` with a proof (`ath` = the token's hash),
 * once more when the IdP asks for its nonce.
 *
 * @example
 * ```ts
 * const claims = await requestUserInfo(config, endpoints, accessToken, sub, 5000);
 * claims.email; // 'alice@example.com'
 * ```
 */
export async function requestUserInfo(
  config: ResolvedAuthConfig,
  endpoints: AuthEndpoints,
  accessToken: string,
  expectedSubject: string,
  timeoutMs: number,
  dpopKey?: string,
): Promise<Record<string, unknown>> {
  if (!endpoints.userinfo) throw new AuthError('UserInfoFailed', 'The IdP has no userinfo endpoint');
  const as = toAuthorizationServer(config, endpoints);
  const { client } = clientOf(config);
  let response: Response;
  try {
    // Only the session's key: DPoP is the token's property, not the config's.
    const dpop = dpopKey === undefined ? undefined : await sessionDPoP(config, { dpopKey });
    response = await oauth.userInfoRequest(as, client, accessToken, requestOptions(config, timeoutMs, dpop?.handle));
    if (dpop !== undefined && isDPoPNonceChallenge(response)) {
      await response.body?.cancel();
      response = await oauth.userInfoRequest(as, client, accessToken, requestOptions(config, timeoutMs, dpop.handle));
    }
  } catch (cause) {
    throw new AuthError('IdpUnavailable', 'The userinfo endpoint could not be reached', { cause });
  }
  if (response.status === 401) {
    throw new AuthError('UserUnAuthenticated', 'The IdP rejected the access token at userinfo');
  }
  if (response.status >= 500) throw new AuthError('IdpUnavailable', `The userinfo endpoint answered ${response.status}`);
  try {
    const claims = await oauth.processUserInfoResponse(as, client, expectedSubject, response);
    return { ...claims };
  } catch (cause) {
    throw new AuthError('UserInfoFailed', 'The userinfo response was rejected', { cause });
  }
}
