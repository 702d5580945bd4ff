import type { GuardRule } from './AuthGuardOptions.js';

/** The first rule matching `pathname`, segment-aware for string paths. */
export function matchRule(rules: readonly GuardRule[], pathname: string): GuardRule | undefined {
  return rules.find(({ path }) => {
    if (path instanceof RegExp) return path.test(pathname);
    const base = path.replace(/\/(:path\*|\*)$/, '').replace(/\/+$/, '');
    return base === '' || pathname === base || pathname.startsWith(`${base}/`);
  });
}
