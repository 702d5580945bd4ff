import { invalidConfig } from '../config/invalidConfig.js';
import type { AuthenticationRequirement } from './AuthenticationRequirement.js';
import { ACR_VALUE, MAX_ACR_VALUES, MAX_AGE_LIMIT } from './AuthenticationRequirement.js';

/** How apps write a step-up requirement (guard rules, `requireAuth`, the `signIn` action). */
export interface AuthenticationOptions {
  /** Seconds since the user last authenticated at the IdP (`auth_time`). */
  maxAge?: number;
  /** Authentication context class(es) the ID token's `acr` must be one of. */
  acr?: string | readonly string[];
}

/**
 * Checks and normalises an app's `{ maxAge, acr }`: `maxAge` a whole number
 * of seconds from 0 to one year; `acr` one value or a list of 1 to 10 values,
 * each 1–128 printable ASCII characters without space, `"` or `\`
 * (duplicates dropped). `undefined` when neither is given. Cognito user pools
 * issue no `acr` claim and ignore `acr_values`, so an `acr` with a Cognito
 * config could never be met: it is refused here rather than sending users
 * round in circles.
 *
 * @throws AuthError `InvalidConfig` naming `field`.
 * @example
 * ```ts
 * toAuthenticationRequirement({ maxAge: 300, acr: 'mfa' }, 'rules[1]', 'generic'); // { maxAge: 300, acrValues: ['mfa'] }
 * toAuthenticationRequirement({}, 'requireAuth', 'generic'); // undefined
 * ```
 */
export function toAuthenticationRequirement(
  options: AuthenticationOptions | undefined,
  field: string,
  flavor: 'cognito' | 'generic',
): AuthenticationRequirement | undefined {
  const { maxAge, acr } = options ?? {};
  if (maxAge === undefined && acr === undefined) return undefined;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge > MAX_AGE_LIMIT)) {
    throw invalidConfig(`${field}.maxAge`, `must be a whole number of seconds from 0 to ${MAX_AGE_LIMIT}`);
  }
  let acrValues: string[] | undefined;
  if (acr !== undefined) {
    const list: unknown[] = typeof acr === 'string' ? [acr] : Array.isArray(acr) ? [...(acr as unknown[])] : [acr];
    if (list.length === 0 || list.length > MAX_ACR_VALUES) throw invalidConfig(`${field}.acr`, `must list 1 to ${MAX_ACR_VALUES} values`);
    if (!list.every((v): v is string => typeof v === 'string' && ACR_VALUE.test(v))) {
      throw invalidConfig(`${field}.acr`, 'values must be 1 to 128 printable ASCII characters without space, " or \\');
    }
    if (flavor === 'cognito') {
      throw invalidConfig(`${field}.acr`, 'cannot be met with a Cognito user pool: Cognito issues no acr claim and ignores acr_values (use maxAge, or a generic OIDC provider)');
    }
    acrValues = [...new Set(list)];
  }
  return { ...(maxAge !== undefined ? { maxAge } : {}), ...(acrValues ? { acrValues } : {}) };
}
