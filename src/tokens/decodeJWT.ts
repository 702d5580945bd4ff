import { decodeJwt } from 'jose/jwt/decode';
import { AuthError } from '../errors/AuthError.js';
import type { JWT } from './JWT.js';

/**
 * Decodes a compact JWT without verifying it. Callers verify before a token
 * enters a session; this is for tokens already authenticated (by a seal).
 *
 * @example
 * ```ts
 * const jwt = decodeJWT(compact);
 * jwt.payload.sub; jwt.toString() === compact; // true
 * ```
 */
export function decodeJWT(compact: string): JWT {
  let payload: JWT['payload'];
  try {
    payload = decodeJwt(compact) as JWT['payload'];
  } catch (cause) {
    throw new AuthError('TokenInvalid', 'Token is not a well-formed JWT', { cause });
  }
  return { payload, toString: () => compact };
}
