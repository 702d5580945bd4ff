import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { AuthError } from '../errors/AuthError.js';
import type { JWT } from './JWT.js';

export interface ClaimsCheckOptions {
  issuer: string;
  clientId: string;
  flavor: 'cognito' | 'generic';
  algorithms: string[];
  accessTokenAudience?: string[];
}

function audiences(aud: unknown): unknown[] {
  return aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
}

/**
 * The signature-free part of verification, cheap enough for every cold read
 * of a sealed session: header `alg` on the allowlist (never `none`), `iss`,
 * audience / `client_id`, `token_use`. It stops a cookie sealed by another
 * app that shares the secret (staging vs production, two user pools).
 *
 * @example
 * ```ts
 * checkSessionClaims({ issuer, clientId, flavor: 'cognito', algorithms: ['RS256'] }, idToken, accessToken);
 * ```
 */
export function checkSessionClaims(o: ClaimsCheckOptions, idToken: JWT, accessToken: JWT): void {
  for (const jwt of [idToken, accessToken]) {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(jwt.toString()).alg;
    } catch {
      alg = undefined;
    }
    if (typeof alg !== 'string' || !o.algorithms.includes(alg)) throw new AuthError('TokenInvalid', 'Token algorithm not allowed');
    if (jwt.payload.iss !== o.issuer) throw new AuthError('TokenInvalid', 'Token issuer mismatch');
  }
  const id = idToken.payload;
  if (!audiences(id.aud).includes(o.clientId)) throw new AuthError('TokenInvalid', 'ID token audience mismatch');
  if (id.token_use !== undefined && id.token_use !== 'id') throw new AuthError('TokenInvalid', 'ID token token_use mismatch');
  const at = accessToken.payload;
  if (at.token_use !== undefined ? at.token_use !== 'access' : o.flavor === 'cognito') throw new AuthError('TokenInvalid', 'Access token token_use mismatch');
  if (at.client_id !== undefined ? at.client_id !== o.clientId : !audiences(at.aud).some((a) => a === o.clientId || o.accessTokenAudience?.includes(a as string))) {
    throw new AuthError('TokenInvalid', 'Access token client mismatch');
  }
  if (id.sub !== at.sub) throw new AuthError('TokenInvalid', 'ID and access tokens are for different subjects');
}
