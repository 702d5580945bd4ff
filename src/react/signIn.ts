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
}

/**
 * Sends the browser to `{basePath}/sign-in?returnTo=…` (a full navigation:
 * the route starts the OIDC flow).
 *
 * @example
 * ```tsx
 * <button onClick={() => signIn({ returnTo: '/orders' })}>Sign in</button>
 * ```
 */
export function signIn({ returnTo, basePath = authBasePath.current }: SignInOptions = {}): void {
  const { origin, pathname, search, hash } = window.location;
  const target = sanitizeReturnTo(returnTo ?? pathname + search + hash, origin);
  window.location.assign(`${basePath}/sign-in${target === undefined ? '' : `?returnTo=${encodeURIComponent(target)}`}`);
}
