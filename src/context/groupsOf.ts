import type { Session } from '../session/Session.js';

/**
 * The user's groups from `claim` (ID token first, then access token).
 * Accepts an array, or a space/comma separated string as some IdPs send.
 *
 * @example
 * ```ts
 * groupsOf(session, 'cognito:groups'); // ['ADMINS']
 * ```
 */
export function groupsOf(session: Pick<Session, 'idToken' | 'accessToken'>, claim: string): string[] {
  return groupsFromClaims(session.idToken.payload, session.accessToken.payload, claim);
}

/** {@link groupsOf} on the two tokens' claims. */
export function groupsFromClaims(id: Record<string, unknown>, access: Record<string, unknown>, claim: string): string[] {
  const value = id[claim] ?? access[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}
