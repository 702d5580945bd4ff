import type { GuardRule } from './AuthGuardOptions.js';

/**
 * The rules as the guard tests them, prepared once when the guard is created.
 * A RegExp with the `g` or `y` flag keeps `lastIndex` between `.test()` calls,
 * so the same path would be protected on one request and not on the next: it
 * is cloned without those flags (the caller's object is left alone).
 *
 * @example
 * ```ts
 * const [rule] = compileRules([{ path: /^\/reports\/\d+$/g }]);
 * (rule.path as RegExp).flags; // ''
 * ```
 */
export function compileRules(rules: readonly GuardRule[]): GuardRule[] {
  return rules.map((rule) => {
    const { path } = rule;
    if (!(path instanceof RegExp) || !/[gy]/.test(path.flags)) return { ...rule };
    return { ...rule, path: new RegExp(path.source, path.flags.replace(/[gy]/g, '')) };
  });
}
