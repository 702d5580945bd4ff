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
}
