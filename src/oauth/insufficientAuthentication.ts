import { AuthError } from '../errors/AuthError.js';
import type { AuthenticationRequirement } from './AuthenticationRequirement.js';
import { stepUpChallenge, stepUpDescription } from './stepUpChallenge.js';
import type { UnmetAuthentication } from './unmetAuthentication.js';

/**
 * The `InsufficientAuthentication` error of `requireAuth`, carrying the RFC
 * 9470 challenge (`wwwAuthenticate`) and the requirement (`maxAge`,
 * `acrValues`) to pass to the `signIn` action.
 *
 * @example
 * ```ts
 * throw insufficientAuthentication({ maxAge: 300 }, 'max_age');
 * ```
 */
export function insufficientAuthentication(requirement: AuthenticationRequirement, unmet: UnmetAuthentication): AuthError {
  const err = new AuthError('InsufficientAuthentication', `${stepUpDescription(unmet)} (step-up: sign in again)`);
  return Object.assign(err, {
    wwwAuthenticate: stepUpChallenge(requirement, unmet),
    ...(requirement.maxAge !== undefined ? { maxAge: requirement.maxAge } : {}),
    ...(requirement.acrValues !== undefined ? { acrValues: [...requirement.acrValues] } : {}),
  });
}
