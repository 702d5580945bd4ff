import type { AuthenticationRequirement } from './AuthenticationRequirement.js';
import type { UnmetAuthentication } from './unmetAuthentication.js';

const DESCRIPTIONS: Record<UnmetAuthentication, string> = {
  max_age: 'More recent authentication is required',
  acr: 'A different authentication level is required',
};

/**
 * The RFC 9470 (OAuth 2.0 Step Up Authentication Challenge) `WWW-Authenticate`
 * value for a 401: `error="insufficient_user_authentication"`, a description
 * of what is missing, and the whole requirement as `max_age` and
 * `acr_values` so the client can ask for all of it at once. Values are
 * checked tokens (digits; printable ASCII without `"` or `\`), so nothing
 * here needs escaping.
 *
 * @example
 * ```ts
 * stepUpChallenge({ maxAge: 300, acrValues: ['mfa'] }, 'acr');
 * // 'Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", max_age=300, acr_values="mfa"'
 * ```
 */
export function stepUpChallenge(requirement: AuthenticationRequirement, unmet: UnmetAuthentication): string {
  const parts = ['Bearer error="insufficient_user_authentication"', `error_description="${DESCRIPTIONS[unmet]}"`];
  if (requirement.maxAge !== undefined) parts.push(`max_age=${requirement.maxAge}`);
  if (requirement.acrValues !== undefined) parts.push(`acr_values="${requirement.acrValues.join(' ')}"`);
  return parts.join(', ');
}

/** The same description, for JSON bodies and error messages. */
export function stepUpDescription(unmet: UnmetAuthentication): string {
  return DESCRIPTIONS[unmet];
}
