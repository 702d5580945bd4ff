import { AuthError, isAuthError } from '../errors/AuthError.js';

/**
 * A store failure as `AuthError('StoreUnavailable')` (one already is passes
 * through): callers answer 503, never "signed out".
 *
 * @example
 * ```ts
 * try { await store.get(key); } catch (err) { throw toStoreUnavailable(err, 'read'); }
 * ```
 */
export function toStoreUnavailable(err: unknown, what: string): AuthError {
  return isAuthError(err, 'StoreUnavailable') ? err : new AuthError('StoreUnavailable', `session store ${what} failed`, { cause: err });
}
