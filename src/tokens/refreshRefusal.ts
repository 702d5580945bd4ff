import type { TokenSet } from '../session/TokenSet.js';
import { authenticationChange } from './authenticationChange.js';
import { sameUser } from './tokenSetFacts.js';

/**
 * Why `result` cannot replace `previous` (OIDC Core 12.2), or `undefined`:
 * another user, or an ID token whose authentication facts changed (a later
 * `auth_time`, another `acr`, …: a refresh must not pass a step-up rule the
 * sign-in did not). Refused, never repaired: the facts the guard reads are
 * the IdP's signed claims, so "keep the original `auth_time`" would mean an
 * old ID token beside a new access token, which the session never holds.
 *
 * @example
 * ```ts
 * const refused = refreshRefusal(session.tokens, refreshed);
 * if (refused !== undefined) throw new AuthError('RefreshTokenRejected', refused); // signed out
 * ```
 */
export function refreshRefusal(previous: TokenSet, result: TokenSet): string | undefined {
  if (!sameUser(previous, result)) return 'The refresh returned tokens for another user';
  const changed = authenticationChange(previous, result);
  return changed === undefined ? undefined : `The refresh changed the original authentication (ID token ${changed})`;
}
