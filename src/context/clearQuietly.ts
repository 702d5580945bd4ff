import { isAuthError } from '../errors/AuthError.js';
import type { ContextState } from './ContextState.js';

/**
 * Deletes the session cookies where the context may write; where it may not
 * (a server component) nothing happens and the dead cookie stays until a
 * writable request clears it. The context's cached session is left as it is.
 *
 * @example
 * ```ts
 * if (isAuthError(err, 'RefreshTokenRejected')) {
 *   clearQuietly(state);
 *   return undefined;
 * }
 * ```
 */
export function clearQuietly(state: ContextState): void {
  if (state.store === null) return;
  try {
    state.runtime.codec.clear(state.store);
  } catch (err) {
    if (!isAuthError(err, 'CookiesReadOnly')) throw err;
  }
}
