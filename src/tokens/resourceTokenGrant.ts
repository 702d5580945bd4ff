import { decodeJwt } from 'jose/jwt/decode';
import * as oauth from 'oauth4webapi';
import { clientOf, requestOptions } from '../config/clientOf.js';
import { toAuthorizationServer } from '../config/toAuthorizationServer.js';
import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import { AuthError } from '../errors/AuthError.js';
import type { TokenVerifier } from './TokenVerifier.js';
import { checkDPoPBinding } from './checkDPoPBinding.js';
import { withDPoPNonceRetry } from './dpopHandle.js';
import { sessionDPoP } from './sessionDPoP.js';

/** What `getAccessToken` hands out: an access token for one API, and when it expires. */
export interface AccessTokenResult {
  /** The access token, compact (a JWT or an opaque string: the API's business, not the app's). */
  token: string;
  /** When it expires, epoch milliseconds. */
  expiresAt: number;
  /** The scopes the IdP says it carries (its `scope` answer), when it says. */
  scope?: string;
  /**
   * `'DPoP'` when the token is bound to the session's DPoP key (`oidc.dpop`,
   * RFC 9449): the API wants `Authorization: DPoP <token>` and a proof signed
   * with that key, which only the API proxy can make (the key never leaves
   * the session). Absent: a Bearer token.
   */
  tokenType?: 'DPoP';
}

/** One API and the scopes wanted for it (RFC 8707 §2.2: `resource` and `scope` of a refresh-token grant). */
export interface ResourceRequest {
  resource: string;
  /** Space-separated, sorted, deduplicated; absent: everything the refresh token was granted. */
  scope?: string;
}

/**
 * A resource grant's answer: the token (or why it is refused), and the
 * refresh token the session holds after it, which the session must keep
 * even when the token is refused (the IdP may have rotated it).
 */
export type ResourceGrantResult = {
  /** The IdP's new refresh token when it rotated, else the one presented. */
  refreshToken: string;
} & ({ accessToken: AccessTokenResult; refused?: undefined } | { accessToken?: undefined; refused: AuthError });

/** Errors meaning "this refresh token is dead", not "try later" (as in refreshTokenGrant). */
const REJECTED = new Set(['invalid_grant', 'unauthorized_client', 'invalid_client']);
/** RFC 8707 §2 / RFC 6749 §5.2: this grant does not cover that resource or those scopes. */
const NOT_GRANTED = new Set(['invalid_target', 'invalid_scope']);

function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined; // opaque: only the API can read it
  }
}

/**
 * One refresh-token grant asking for an access token for `request.resource`
 * (RFC 8707 §2.2), narrowed to `request.scope` when given.
 *
 * The access token is the API's, not ours: its signature is the API's to
 * check. What is checked here is what would make us hand the wrong token to
 * an API: a JWT whose `aud` does not name the resource (an IdP that ignored
 * `resource=` and answered with a token for someone else) is refused, and a
 * new ID token must be about the same `sub` as the session's.
 *
 * @throws AuthError `ResourceNotGranted` (`invalid_target` / `invalid_scope`,
 *   or a token not for that resource), `RefreshTokenRejected` (dead refresh
 *   token, or an ID token about another user) or `IdpUnavailable`.
 * @example
 * ```ts
 * const { accessToken, refreshToken } = await resourceTokenGrant(config, endpoints, verifier, rt,
 *   { resource: 'https://orders.example.com', scope: 'orders:read' }, { timeoutMs: 5000, sub });
 * ```
 */
export async function resourceTokenGrant(
  config: ResolvedAuthConfig,
  endpoints: AuthEndpoints,
  verifier: Pick<TokenVerifier, 'algorithms'>,
  refreshToken: string,
  request: ResourceRequest,
  options: { timeoutMs: number; sub: string; now?: () => number; dpopKey?: string },
): Promise<ResourceGrantResult> {
  const now = options.now ?? Date.now;
  const as = toAuthorizationServer(config, endpoints, verifier.algorithms);
  const { client, auth } = clientOf(config);
  const additionalParameters: Record<string, string> = { resource: request.resource, ...(request.scope !== undefined ? { scope: request.scope } : {}) };
  let result: oauth.TokenEndpointResponse;
  const asked = now();
  // The session's key (RFC 9449): its refresh token may be bound to it, and the API's token will be.
  // Only the session's own key: a new one would bind the API's token to a key nobody keeps.
  const dpop = await (options.dpopKey !== undefined ? sessionDPoP(config, { dpopKey: options.dpopKey }) : Promise.resolve(undefined)).catch((cause: unknown) => {
    throw new AuthError('RefreshTokenRejected', 'The session DPoP key is unusable', { cause });
  });
  try {
    result = await withDPoPNonceRetry(dpop?.handle, async () => {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, { ...requestOptions(config, options.timeoutMs, dpop?.handle), additionalParameters });
      return oauth.processRefreshTokenResponse(as, client, response);
    });
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.status < 500) {
      if (NOT_GRANTED.has(err.error)) throw new AuthError('ResourceNotGranted', `The IdP refused ${request.resource} for this session (${err.error})`, { cause: err });
      if (REJECTED.has(err.error)) throw new AuthError('RefreshTokenRejected', `The IdP rejected the refresh token (${err.error})`, { cause: err });
    }
    throw new AuthError('IdpUnavailable', 'The token endpoint could not issue a resource token', { cause: err });
  }
  if (!result.access_token) throw new AuthError('IdpUnavailable', 'The resource token response lacks an access token');
  if (dpop !== undefined) {
    try {
      checkDPoPBinding(result, dpop.jkt);
    } catch (cause) {
      // Not thrown: the IdP may have rotated the refresh token, and the session must keep the new one.
      return { refreshToken: result.refresh_token ?? refreshToken, refused: new AuthError('IdpUnavailable', 'The resource token is not bound to the session DPoP key', { cause }) };
    }
  }
  const claims = claimsOf(result.access_token);
  if (claims !== undefined) {
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    // Token confusion: a token that does not name this API is some other audience's.
    if (claims.sub !== undefined && claims.sub !== options.sub) throw new AuthError('RefreshTokenRejected', 'The resource token is about another user');
    if (!aud.includes(request.resource)) {
      const refused = new AuthError('ResourceNotGranted', `The IdP answered with an access token whose aud is not ${request.resource}: it ignored the resource indicator`);
      return { refreshToken: result.refresh_token ?? refreshToken, refused };
    }
  }
  const idSub = result.id_token === undefined ? undefined : claimsOf(result.id_token)?.sub;
  if (result.id_token !== undefined && idSub !== options.sub) throw new AuthError('RefreshTokenRejected', 'The refresh returned an ID token for another user');
  // The earlier of the JWT's `exp` and `expires_in` (counted from when we asked: never later than the IdP meant).
  const fromExpiresIn = typeof result.expires_in === 'number' ? asked + result.expires_in * 1000 : Number.POSITIVE_INFINITY;
  const fromExp = typeof claims?.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
  const expiresAt = Math.min(fromExpiresIn, fromExp);
  if (!Number.isFinite(expiresAt)) throw new AuthError('IdpUnavailable', 'The resource token has no expiry (no exp, no expires_in)');
  return {
    accessToken: { token: result.access_token, expiresAt, ...(typeof result.scope === 'string' ? { scope: result.scope } : {}), ...(dpop !== undefined ? { tokenType: 'DPoP' as const } : {}) },
    refreshToken: result.refresh_token ?? refreshToken,
  };
}
