import { safeReturnTo } from '../oauth/safeReturnTo.js';
import type { AuthRuntime } from './AuthRuntime.js';
import type { AuthenticationRequirement } from '../oauth/AuthenticationRequirement.js';
import { setAuthenticationParams } from '../oauth/setAuthenticationParams.js';

/**
 * `returnTo` as a same-origin path (`/orders?id=1`), with exactly
 * `safeReturnTo`'s rules; `undefined` when it is missing or refused.
 */
export function sameOriginPath(value: string | null | undefined, origin: string): string | undefined {
  // safeReturnTo answers its fallback for anything it refuses: with two
  // different fallbacks, a refused value gives two answers, an accepted one the same.
  const a = safeReturnTo(value, origin, '/a');
  if (a !== safeReturnTo(value, origin, '/b')) return undefined;
  const url = new URL(a);
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * Where a signed-out user is sent: the runtime's sign-in route, with
 * `returnTo` when it is a same-origin path. A path (not a URL): the browser
 * resolves it on the page's own origin. Without `returnTo` the sign-in route
 * lands the user on its `redirectOnSignInComplete`. `customState` (already
 * checked by `checkCustomState`) is passed on as is, and so is a step-up
 * `authentication` (as `max_age` / `acr_values`).
 *
 * @example
 * ```ts
 * signInLocation(runtime, '/orders?id=1'); // '/api/auth/sign-in?returnTo=%2Forders%3Fid%3D1'
 * signInLocation(runtime, 'https://evil.example'); // '/api/auth/sign-in'
 * ```
 */
export function signInLocation(runtime: AuthRuntime, returnTo?: string | null, customState?: string, authentication?: AuthenticationRequirement): string {
  const path = sameOriginPath(returnTo, runtime.options.origin);
  const { signInPath } = runtime.options;
  const query = new URLSearchParams();
  if (path !== undefined) query.set('returnTo', path);
  if (customState !== undefined) query.set('customState', customState);
  // Step-up: the sign-in route reads max_age / acr_values back.
  setAuthenticationParams(query, authentication);
  const search = query.toString();
  return search === '' ? signInPath : `${signInPath}?${search}`;
}
