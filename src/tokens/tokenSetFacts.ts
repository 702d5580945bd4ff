import { decodeJwt } from 'jose/jwt/decode';
import type { TokenSet } from '../session/TokenSet.js';

/**
 * When a token set's access token expires (ms since the epoch); 0 when it
 * cannot be read. Decoding only: the tokens were verified when they entered.
 *
 * @example
 * ```ts
 * if (accessExpiry(tokens) <= Date.now()) await refresher.refresh(tokens.refreshToken!);
 * ```
 */
export function accessExpiry(tokens: TokenSet): number {
  try {
    const exp = decodeJwt(tokens.accessToken).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

function subOf(token: string): string | undefined {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OIDC Core 12.2: a refresh answers for the same End-User (the same `sub` in
 * the new ID token, and in the new access token as in the old one).
 *
 * @example
 * ```ts
 * if (!sameUser(previous, refreshed)) throw new AuthError('RefreshTokenRejected', 'another user');
 * ```
 */
export function sameUser(previous: TokenSet, next: TokenSet): boolean {
  const sub = subOf(previous.idToken);
  return sub !== undefined && subOf(next.idToken) === sub && subOf(next.accessToken) === subOf(previous.accessToken);
}

/**
 * The key a refresh token is remembered under, in memory and in a store: its
 * SHA-256 in hex (WebCrypto, so edge-safe). Never the token itself.
 *
 * @example
 * ```ts
 * const key = await refreshTokenKey(tokens.refreshToken!); // 64 hex characters
 * ```
 */
export async function refreshTokenKey(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
