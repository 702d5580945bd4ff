import * as oauth from 'oauth4webapi';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';

/**
 * Revokes a refresh token at the IdP (RFC 7009). Throws `IdpUnavailable` on
 * any failure: callers clear the session regardless.
 *
 * @example
 * ```ts
 * await revokeToken(config, endpoints, refreshToken, 5000).catch(() => {});
 * ```
 */
export async function revokeToken(config: ResolvedAuthConfig, endpoints: AuthEndpoints, token: string, timeoutMs: number): Promise<void> {
  if (!endpoints.revocation) return;
  const as = toAuthorizationServer(config, endpoints);
  const { client, auth } = clientOf(config);
  try {
    const response = await oauth.revocationRequest(as, client, auth, token, { ...requestOptions(config, timeoutMs), additionalParameters: { token_type_hint: 'refresh_token' } });
    await oauth.processRevocationResponse(response);
  } catch (cause) {
    throw new AuthError('IdpUnavailable', 'Token revocation failed', { cause });
  }
}
