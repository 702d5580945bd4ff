import { decodeJwt } from 'jose/jwt/decode';
import type { TokenSet } from '../session/TokenSet.js';

/** The ID token claim a refresh changed that it must not: see {@link authenticationChange}. */
export type AuthenticationChange = 'iss' | 'aud' | 'azp' | 'auth_time' | 'acr';

function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

function audienceSet(aud: unknown): string | undefined {
  const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as string[]) : undefined;
  return list && [...new Set(list)].sort().join('\n');
}

/**
 * OIDC Core 12.2: a refreshed ID token describes the ORIGINAL
 * authentication. Its `iss` and `aud` (and `azp`) are the original's, and
 * `auth_time` is when the user originally authenticated, not when the token
 * was issued. The step-up checks (guard rules, `requireAuth`) and the
 * sign-out-everywhere cut-off read these claims from the session's ID token,
 * so a refresh answer must never make the session look more recent or
 * stronger than its sign-in was:
 *
 * - `auth_time`: absent is accepted (the claim is optional on refresh, and a
 *   session without it fails every `maxAge` rule); present, it must be a
 *   number no later than the original's (a session that had none gains
 *   none). An earlier one only makes the session look older.
 * - `acr`: absent is accepted (it then fails every `acr` rule); present, it
 *   must equal the original's.
 * - `iss`, `aud` (as a set), `azp` (when both carry one): equal.
 *
 * Decoding only: both tokens were verified when they entered.
 *
 * @returns `undefined` when `next` keeps `previous`'s authentication facts,
 *   else the first claim that changed (`'iss'` also when a token cannot be
 *   decoded).
 * @example
 * ```ts
 * const changed = authenticationChange(session.tokens, refreshed);
 * if (changed !== undefined) throw new AuthError('RefreshTokenRejected', `The refresh changed the ID token's ${changed}`);
 * ```
 */
export function authenticationChange(previous: TokenSet, next: TokenSet): AuthenticationChange | undefined {
  const before = claimsOf(previous.idToken);
  const after = claimsOf(next.idToken);
  if (before === undefined || after === undefined || typeof before.iss !== 'string' || after.iss !== before.iss) return 'iss';
  const aud = audienceSet(after.aud);
  if (aud === undefined || aud !== audienceSet(before.aud)) return 'aud';
  if (after.azp !== undefined && before.azp !== undefined && after.azp !== before.azp) return 'azp';
  if (after.auth_time !== undefined) {
    const was = before.auth_time;
    const is = after.auth_time;
    if (typeof is !== 'number' || !Number.isFinite(is) || typeof was !== 'number' || is > was) return 'auth_time';
  }
  if (after.acr !== undefined && after.acr !== before.acr) return 'acr';
  return undefined;
}
