import { authBasePath } from './authBasePath.js';
import { broadcast } from './tabMessage.js';

export interface SignOutOptions {
  /** @default the `<SessionProvider>`'s `basePath`, else `'/api/auth'` */
  basePath?: string;
}

/**
 * Tells the other tabs (they show signed out at once), then submits a
 * top-level `POST {basePath}/sign-out` form: a same-origin POST as the route
 * requires, and a navigation, so the browser follows the IdP's logout
 * redirect.
 *
 * @example
 * ```tsx
 * <button onClick={() => signOut()}>Sign out</button>
 * ```
 */
export function signOut({ basePath = authBasePath.current }: SignOutOptions = {}): void {
  broadcast('signed-out');
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = `${basePath}/sign-out`;
  form.style.display = 'none';
  document.body.appendChild(form);
  form.submit();
}
