import type { JWTPayload } from 'jose';

// Cognito (and the dev IdP) mint both tokens of one response in the same
// second; one second absorbs an IdP that stamps them on either side of a
// second boundary. A refresh that rotated the groups is seconds or minutes later.
const SAME_ISSUANCE_SECONDS = 1;

/**
 * True when an ID token and an access token come from one issuance: same
 * `sub`; equal `origin_jti` (Cognito's id of the sign-in the tokens descend
 * from) and equal `auth_time` when both tokens have them (a plain OIDC
 * provider may put `auth_time` in the ID token only); `iat` in both, within a
 * second (the check that catches a later refresh of the same sign-in).
 *
 * Cookies nobody sealed can pair an old ID token (old groups, old attributes)
 * with a fresh access token of the same user; identity and groups must never
 * come from such a pair.
 *
 * @example
 * ```ts
 * issuedTogether(idToken.payload, accessToken.payload); // false for yesterday's ID token beside today's access token
 * ```
 */
export function issuedTogether(id: JWTPayload, access: JWTPayload): boolean {
  if (typeof id.sub !== 'string' || id.sub === '' || id.sub !== access.sub) return false;
  if (!sameWhenBothPresent(id.origin_jti, access.origin_jti)) return false;
  if (!sameWhenBothPresent(id.auth_time, access.auth_time)) return false;
  if (typeof id.iat !== 'number' || typeof access.iat !== 'number') return false;
  return Math.abs(id.iat - access.iat) <= SAME_ISSUANCE_SECONDS;
}

/** Missing from either token (nothing to compare), or the same string/number in both. */
function sameWhenBothPresent(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return true;
  return (typeof a === 'string' || typeof a === 'number') && a === b;
}
