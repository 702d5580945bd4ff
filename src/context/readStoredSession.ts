import type { Session } from '../session/Session.js';
import type { ContextState } from './ContextState.js';

/**
 * The authentic session in the cookies, expired or not (sign-out and refresh
 * need its refresh and ID tokens). `undefined` for anything unreadable.
 */
export async function readStoredSession(state: ContextState): Promise<Session | undefined> {
  if (state.store === null) return undefined;
  try {
    return await state.runtime.codec.read(state.store);
  } catch {
    return undefined;
  }
}
