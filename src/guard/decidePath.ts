import type { GuardRule } from './AuthGuardOptions.js';
import { matchRule } from './matchRule.js';
import { readPath } from './readPath.js';

/**
 * What the rules say about a request path:
 * - `open`: no rule, or a public one, whichever way the path is read;
 * - `protected`: the session must satisfy every rule in `rules` (usually one;
 *   more when the raw and the decoded spelling match different rules);
 * - `ambiguous`: the path reads more than one way and one of them falls under
 *   a protected rule: it is refused whoever asks.
 */
export type PathDecision =
  | { kind: 'open'; spellings: string[] }
  | { kind: 'protected'; rules: GuardRule[]; spellings: string[] }
  | { kind: 'ambiguous'; reasons: string[]; spellings: string[] };

/**
 * Decides a pathname (as `request.nextUrl.pathname` gives it, still encoded)
 * against compiled rules (see `compileRules`). Rules are tested on the
 * canonical, percent-decoded path Next routes, never only on the spelling: a
 * rule that matches any reading of the path applies (the stricter reading wins).
 *
 * @example
 * ```ts
 * const rules = compileRules([{ path: /^\/reports\/\d+$/ }]);
 * decidePath(rules, '/reports/%34%32').kind; // 'protected'
 * decidePath(rules, '/reports/42%2F').kind;  // 'ambiguous'
 * decidePath(rules, '/about').kind;          // 'open'
 * ```
 */
export function decidePath(rules: readonly GuardRule[], pathname: string): PathDecision {
  const reading = readPath(pathname);
  const hits: GuardRule[] = [];
  for (const spelling of reading.spellings) {
    const rule = matchRule(rules, spelling);
    if (rule !== undefined && !rule.public && !hits.includes(rule)) hits.push(rule);
  }
  if (hits.length === 0) return { kind: 'open', spellings: reading.spellings };
  if (reading.ambiguous) return { kind: 'ambiguous', reasons: reading.reasons, spellings: reading.spellings };
  return { kind: 'protected', rules: hits, spellings: reading.spellings };
}
