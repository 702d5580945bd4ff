import type { AuthenticationRequirement } from './AuthenticationRequirement.js';

/** Which part of a requirement an ID token fails: too old (`max_age`) or the wrong class (`acr`). */
export type UnmetAuthentication = 'max_age' | 'acr';

/**
 * Checks an ID token's `auth_time` and `acr` against a requirement, the same
 * way everywhere (callback, guard, `requireAuth`), so that a sign-in the
 * callback accepted is accepted by the guard a moment later: no loop.
 *
 * - `maxAge`: `auth_time` must be a number, no older than `maxAge` seconds
 *   and not in the future, each with `clockSkew` seconds of tolerance. A
 *   token without `auth_time` fails (OIDC Core 3.1.2.1: asked with `max_age`,
 *   the IdP MUST send it).
 * - `acrValues`: `acr` must be a string equal to one of them.
 *
 * @returns `undefined` when met, else the first part that is not.
 * @example
 * ```ts
 * unmetAuthentication({ auth_time: 1_700_000_000, acr: 'mfa' }, { maxAge: 300, acrValues: ['mfa'] }, 1_700_000_100_000, 30); // undefined
 * unmetAuthentication({ auth_time: 1_700_000_000 }, { acrValues: ['mfa'] }, 1_700_000_100_000, 30); // 'acr'
 * ```
 */
export function unmetAuthentication(
  claims: Readonly<Record<string, unknown>>,
  requirement: AuthenticationRequirement,
  nowMs: number,
  clockSkew: number,
): UnmetAuthentication | undefined {
  if (requirement.maxAge !== undefined) {
    const authTime = claims.auth_time;
    const now = nowMs / 1000;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return 'max_age';
    if (now - authTime > requirement.maxAge + clockSkew || authTime > now + clockSkew) return 'max_age';
  }
  if (requirement.acrValues !== undefined) {
    const { acr } = claims;
    if (typeof acr !== 'string' || !requirement.acrValues.includes(acr)) return 'acr';
  }
  return undefined;
}
