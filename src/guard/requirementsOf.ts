import { invalidConfig } from '../config/invalidConfig.js';
import type { AuthenticationRequirement } from '../oauth/AuthenticationRequirement.js';
import { toAuthenticationRequirement } from '../oauth/toAuthenticationRequirement.js';
import type { GuardRule } from './AuthGuardOptions.js';

/**
 * The step-up requirement of each rule that has one (`maxAge`, `acr`),
 * checked once when the guard is created: a bad value throws
 * `InvalidConfig` naming `rules[i].maxAge` / `rules[i].acr`, and so does an
 * `acr` with a Cognito config (Cognito issues no `acr`) or a step-up on a
 * public rule (which checks nothing). Keyed by the compiled rule objects,
 * which `decidePath` hands back.
 *
 * @example
 * ```ts
 * const rules = compileRules([{ path: '/billing', maxAge: 300, acr: 'mfa' }]);
 * requirementsOf(rules, 'generic').get(rules[0]!); // { maxAge: 300, acrValues: ['mfa'] }
 * ```
 */
export function requirementsOf(rules: readonly GuardRule[], flavor: 'cognito' | 'generic'): Map<GuardRule, AuthenticationRequirement> {
  const map = new Map<GuardRule, AuthenticationRequirement>();
  rules.forEach((rule, i) => {
    const field = `createAuthGuard rules[${i}]`;
    const requirement = toAuthenticationRequirement(rule, field, flavor);
    if (requirement === undefined) return;
    if (rule.public) throw invalidConfig(field, 'is public: its maxAge / acr would never be checked');
    map.set(rule, requirement);
  });
  return map;
}
