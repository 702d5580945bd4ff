import * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';

/**
 * Calls the IdP's userinfo endpoint with the access token and checks the
 * answer is about `expectedSubject`.
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
): Promise<Record<string, unknown>> {
  if (!endpoints.userinfo) throw new AuthError('UserInfoFailed', 'The IdP has no userinfo endpoint');
  const as = toAuthorizationServer(config, endpoints);
  const { client } = clientOf(config);
  let response: Response;
  try {
    response = await oauth.userInfoRequest(as, client, accessToken, requestOptions(config, timeoutMs));
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
