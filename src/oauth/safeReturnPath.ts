import { safeReturnTo } from './safeReturnTo.js';

// Any origin does: only relative paths are accepted, and they stay on it.
const PLACEHOLDER_ORIGIN = 'http://return-path.invalid';

/**
 * `returnTo` as a same-origin path, checked by the rules the sign-in route
 * applies to its own `returnTo`: one leading `/`, not `//host` or `/\host`,
 * no control or space characters, at most 2048 characters, and no dot
 * segments that resolve to `//…`. Anything else, including absolute URLs
 * and non-strings (a `FormData` file, `null`), yields `fallback`. For your
 * own redirects after a sign-in form (`cognito.signIn`), so a crafted
 * `?returnTo=//evil.example` cannot send a freshly signed-in user away.
 *
 * @param value the untrusted target, e.g. `formData.get('returnTo')`
 * @param fallback where to go instead (trusted, not checked)
 * @default fallback `'/'`
 * @returns the normalised path with its query and fragment (`/a/../b` → `/b`)
 *
 * @example
 * ```ts
 * safeReturnPath('/orders?id=1', '/dashboard'); // '/orders?id=1'
 * safeReturnPath('//evil.example', '/dashboard'); // '/dashboard'
 * redirect(safeReturnPath(form.get('returnTo'), '/dashboard'));
 * ```
 */
export function safeReturnPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string') return fallback;
  // safeReturnTo answers its fallback for anything it refuses: with two
  // different fallbacks, a refused value gives two answers, an accepted one the same.
  const accepted = safeReturnTo(value, PLACEHOLDER_ORIGIN, '/a');
  if (accepted !== safeReturnTo(value, PLACEHOLDER_ORIGIN, '/b')) return fallback;
  const url = new URL(accepted);
  return `${url.pathname}${url.search}${url.hash}`;
}
