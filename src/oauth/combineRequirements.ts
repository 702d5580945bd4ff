import type { AuthenticationRequirement } from './AuthenticationRequirement.js';

/**
 * One requirement that satisfies all of `requirements` (when the raw and the
 * decoded spelling of a path match two rules): the smallest `maxAge`, and
 * the `acr` values every rule accepts. `undefined` when none asks for
 * anything; `null` when no `acr` can satisfy them all (the request can only
 * be refused: asking the IdP for one rule's class would fail the other's and
 * loop).
 *
 * @example
 * ```ts
 * combineRequirements([{ maxAge: 600 }, { maxAge: 300, acrValues: ['mfa', 'hwk'] }]); // { maxAge: 300, acrValues: ['mfa', 'hwk'] }
 * combineRequirements([{ acrValues: ['mfa'] }, { acrValues: ['hwk'] }]); // null
 * ```
 */
export function combineRequirements(requirements: ReadonlyArray<AuthenticationRequirement | undefined>): AuthenticationRequirement | undefined | null {
  let maxAge: number | undefined;
  let acrValues: readonly string[] | undefined;
  for (const r of requirements) {
    if (r === undefined) continue;
    if (r.maxAge !== undefined) maxAge = maxAge === undefined ? r.maxAge : Math.min(maxAge, r.maxAge);
    if (r.acrValues !== undefined) acrValues = acrValues === undefined ? r.acrValues : acrValues.filter((v) => r.acrValues!.includes(v));
  }
  if (acrValues !== undefined && acrValues.length === 0) return null;
  if (maxAge === undefined && acrValues === undefined) return undefined;
  return { ...(maxAge !== undefined ? { maxAge } : {}), ...(acrValues !== undefined ? { acrValues } : {}) };
}
