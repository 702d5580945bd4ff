import type { AuthenticationRequirement } from './AuthenticationRequirement.js';

/**
 * Writes a requirement as OIDC's `max_age` and `acr_values` (space-separated)
 * query parameters: on the authorization request, and on the sign-in route
 * URL the guard and `signIn` redirect to (which reads them back with
 * `readAuthenticationParams`).
 *
 * @example
 * ```ts
 * const url = new URL('/api/auth/sign-in?returnTo=%2Fbilling', origin);
 * setAuthenticationParams(url.searchParams, { maxAge: 300, acrValues: ['mfa'] });
 * url.search; // '?returnTo=%2Fbilling&max_age=300&acr_values=mfa'
 * ```
 */
export function setAuthenticationParams(params: URLSearchParams, requirement: AuthenticationRequirement | undefined, { maxAge = true }: { maxAge?: boolean } = {}): void {
  if (requirement?.maxAge !== undefined && maxAge) params.set('max_age', String(requirement.maxAge));
  if (requirement?.acrValues !== undefined) params.set('acr_values', requirement.acrValues.join(' '));
}
