import type { OtherClaims } from './claims.js';

/** The claims of a token whose kind is not known: any claim, `unknown` until narrowed. */
export interface JWTClaims extends OtherClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
}

/**
 * A decoded JSON Web Token: its claims, and its compact form via `toString()`.
 * `Claims` types `payload` (the session's tokens are `JWT<IdTokenClaims>` and
 * `JWT<AccessTokenClaims>`).
 */
export interface JWT<Claims extends object = JWTClaims> {
  readonly payload: Claims;
  toString(): string;
}
