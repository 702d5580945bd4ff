import { AuthError } from '../errors/AuthError.js';
import { decodeJWT } from '../tokens/decodeJWT.js';
import type { Session } from './Session.js';
import type { TokenSet } from './TokenSet.js';

/**
 * Decodes a token set into a {@link Session}. Throws `TokenInvalid` when a
 * token is not a JWT or the access token has no `exp`.
 *
 * `expiresAt` is the earlier of the two tokens' `exp`: identity and groups
 * come from the ID token, so an expired ID token must not authorise anything
 * beside a still-valid access token (readers refresh or sign out at
 * `expiresAt`, whichever token runs out first).
 *
 * @example
 * ```ts
 * const session = toSession({ idToken, accessToken, refreshToken });
 * session.expiresAt > Date.now();
 * ```
 */
export function toSession(tokens: TokenSet): Session {
  const idToken = decodeJWT(tokens.idToken);
  const accessToken = decodeJWT(tokens.accessToken);
  const exp = accessToken.payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new AuthError('TokenInvalid', 'Access token has no exp');
  const idExp = idToken.payload.exp;
  const until = typeof idExp === 'number' && Number.isFinite(idExp) ? Math.min(exp, idExp) : exp;
  return { tokens, idToken, accessToken, expiresAt: until * 1000 };
}
