import type { AuthenticationRequirement } from './AuthenticationRequirement.js';
import { ACR_VALUE, MAX_ACR_VALUES, MAX_AGE_LIMIT } from './AuthenticationRequirement.js';

/** The sign-in route's step-up parameters were present but not valid. */
export const INVALID_AUTHENTICATION_PARAMS = 'invalid' as const;

/**
 * Reads `max_age` and `acr_values` from the sign-in route's query (what the
 * guard, `requireAuth` users and the `signIn` action put there). Strict,
 * since anyone can type this URL: `max_age` is 1–8 ASCII digits, at most one
 * year; `acr_values` is 1 to 10 values separated by single spaces, each 1–128
 * printable ASCII characters without `"` or `\`; each parameter at most once.
 * Anything else is {@link INVALID_AUTHENTICATION_PARAMS} (the route answers 400).
 * `acr_values` with a Cognito config is invalid too: it could never be met.
 *
 * @example
 * ```ts
 * readAuthenticationParams(new URLSearchParams('max_age=300&acr_values=mfa'), 'generic'); // { maxAge: 300, acrValues: ['mfa'] }
 * readAuthenticationParams(new URLSearchParams('max_age=-1'), 'generic'); // 'invalid'
 * readAuthenticationParams(new URLSearchParams(''), 'generic'); // undefined
 * ```
 */
export function readAuthenticationParams(params: URLSearchParams, flavor: 'cognito' | 'generic'): AuthenticationRequirement | undefined | typeof INVALID_AUTHENTICATION_PARAMS {
  const ages = params.getAll('max_age');
  const acrs = params.getAll('acr_values');
  if (ages.length === 0 && acrs.length === 0) return undefined;
  if (ages.length > 1 || acrs.length > 1) return INVALID_AUTHENTICATION_PARAMS;
  let maxAge: number | undefined;
  if (ages.length === 1) {
    if (!/^\d{1,8}$/.test(ages[0]!)) return INVALID_AUTHENTICATION_PARAMS;
    maxAge = Number(ages[0]);
    if (maxAge > MAX_AGE_LIMIT) return INVALID_AUTHENTICATION_PARAMS;
  }
  let acrValues: string[] | undefined;
  if (acrs.length === 1) {
    if (flavor === 'cognito') return INVALID_AUTHENTICATION_PARAMS;
    const list = acrs[0]!.split(' ');
    if (list.length > MAX_ACR_VALUES || !list.every((v) => ACR_VALUE.test(v))) return INVALID_AUTHENTICATION_PARAMS;
    acrValues = [...new Set(list)];
  }
  return { ...(maxAge !== undefined ? { maxAge } : {}), ...(acrValues ? { acrValues } : {}) };
}
