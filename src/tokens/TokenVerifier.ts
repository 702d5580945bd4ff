import type { JWTHeaderParameters, JWTPayload } from 'jose';
import type { JWT } from './JWT.js';

/** Verifies tokens issued to this app by the configured IdP. */
export interface TokenVerifier {
  /** The JWS algorithms it accepts (the `tokens.algorithms` allowlist). */
  readonly algorithms: readonly string[];
  /**
   * Signature, `iss`, `aud` (and `azp`), `token_use: 'id'` when present, `exp`
   * with skew, `iat` not in the future beyond the skew, and `nonce` when given.
   */
  verifyIdToken(token: string, options?: { nonce?: string; ignoreExpiry?: boolean }): Promise<JWT>;
  /**
   * Signature, `iss`, `client_id` (Cognito) or `aud`, `token_use: 'access'`
   * when present (required for Cognito), `exp` with skew, `iat` not in the
   * future beyond the skew.
   */
  verifyAccessToken(token: string, options?: { ignoreExpiry?: boolean }): Promise<JWT>;
  /**
   * Another JWT the IdP signs for this client (a back-channel logout token):
   * signature with the IdP's keys and the algorithm allowlist, `iss`, `aud`
   * naming this client, `iat` and `exp` required (skew tolerated), `iat` not
   * in the future and at most `maxAgeSeconds` old. Keys that cannot be had
   * (JWKS or discovery down) reject with `IdpUnavailable` / `DiscoveryFailed`
   * (no verdict on the token); every verdict is `TokenInvalid`.
   */
  verifyJwt(token: string, options: { maxAgeSeconds: number }): Promise<{ payload: JWTPayload; header: JWTHeaderParameters }>;
}
