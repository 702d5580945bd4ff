import { isAuthError } from '../errors/AuthError.js';
import type { CookieDeleteOptions, CookieStore } from './CookieStore.js';

/**
 * Expires a cookie whose name came from the request, skipping a name that no
 * `Set-Cookie` header can carry (whitespace, `,`, non-ASCII: anyone can send
 * such a cookie, and it must never turn a sign-out or a sign-in into a 500).
 * Returns whether a deletion was written. `CookiesReadOnly` still throws.
 *
 * @internal
 * @example
 * ```ts
 * for (const { name } of store.getAll()) if (name.startsWith('nsa.tx.')) expireRequestCookie(store, name, { path: '/' });
 * ```
 */
export function expireRequestCookie(store: CookieStore, name: string, options?: CookieDeleteOptions): boolean {
  try {
    store.delete(name, options);
    return true;
  } catch (err) {
    if (isAuthError(err, 'InvalidConfig')) return false;
    throw err;
  }
}
