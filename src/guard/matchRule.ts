import type { GuardRule } from './AuthGuardOptions.js';

/**
 * The first rule matching `pathname` (one spelling, already canonical: see
 * `decidePath`), segment-aware for string paths.
 */
export function matchRule(rules: readonly GuardRule[], pathname: string): GuardRule | undefined {
  return rules.find(({ path }) => {
    if (path instanceof RegExp) {
      // A `g`/`y` RegExp resumes from lastIndex: start over so every call decides alike (compileRules also strips the flags).
      if (path.global || path.sticky) path.lastIndex = 0;
      return path.test(pathname);
    }
    const base = path.replace(/\/(:path\*|\*)$/, '').replace(/\/+$/, '');
    return base === '' || pathname === base || pathname.startsWith(`${base}/`);
  });
}
