import { authBasePath } from './authBasePath.js';
import { sanitizeReturnTo } from './sanitizeReturnTo.js';

export interface SignInOptions {
  /**
   * Same-origin path to come back to after signing in; anything else is
   * dropped and the route's default applies.
   * @default the current page (path, query and hash)
   */
  returnTo?: string;
  /** @default the `<SessionProvider>`'s `basePath`, else `'/api/auth'` */
  basePath?: string;
  /**
   * App state to get back after the sign-in (Amplify's
   * `signInWithRedirect({ customState })`): on the `signedIn` event and as
   * the `customState` query parameter of the page you land on. At most 512
   * UTF-8 bytes, no control characters: the route answers 400 otherwise.
   * Not secret, and anyone can start a sign-in with any value: treat it as
   * untrusted input.
   * @default none
   */
  customState?: string;
}

/**
 * Sends the browser to `{basePath}/sign-in?returnTo=…` (a full navigation:
 * the route starts the OIDC flow).
 *
 * @example
 * ```tsx
 * <button onClick={() => signIn({ returnTo: '/orders' })}>Sign in</button>
 * // Lands on /orders?customState=tab%3Dbilling
 * <button onClick={() => signIn({ returnTo: '/orders', customState: 'tab=billing' })}>Sign in</button>
 * ```
 */
export function signIn({ returnTo, basePath = authBasePath.current, customState }: SignInOptions = {}): void {
  const { origin, pathname, search, hash } = window.location;
  const target = sanitizeReturnTo(returnTo ?? pathname + search + hash, origin);
  const query = [
    ...(target === undefined ? [] : [`returnTo=${encodeURIComponent(target)}`]),
    // Checked by the route (a 400 names it), not here: one rule, one place.
    ...(customState ? [`customState=${encodeURIComponent(customState)}`] : []),
  ];
  window.location.assign(`${basePath}/sign-in${query.length === 0 ? '' : `?${query.join('&')}`}`);
}
