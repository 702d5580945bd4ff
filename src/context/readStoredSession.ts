import { isAuthError } from '../errors/AuthError.js';
import type { Session } from '../session/Session.js';
import type { ContextState } from './ContextState.js';

/**
 * The authentic session in the cookies, expired or not (sign-out and refresh
 * need its refresh and ID tokens). `undefined` for anything unreadable.
 *
 * @throws AuthError `StoreUnavailable` (server-side sessions) when the
 *   session's record could not be read: not knowing is not "signed out",
 *   and nothing may be cleared on that account.
 */
export async function readStoredSession(state: ContextState): Promise<Session | undefined> {
  if (state.store === null) return undefined;
  try {
    return await state.runtime.codec.read(state.store);
  } catch (err) {
    if (isAuthError(err, 'StoreUnavailable')) throw err;
    return undefined;
  }
}
