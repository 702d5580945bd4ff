import type { Session } from '../session/Session.js';
import type { ContextState } from './ContextState.js';

/**
 * The context's session, read once per operation. Bad cookies of any kind
 * read as `undefined` (signed out); this never throws.
 *
 * Until refresh exists, an expired access token reads as signed out and
 * nothing is deleted (the refresh token may still be good).
 */
export function readSession(state: ContextState): Promise<Session | undefined> {
  state.session ??= (async () => {
    if (state.store === null) return undefined;
    let session: Session | undefined;
    try {
      session = await state.runtime.codec.read(state.store);
    } catch {
      return undefined;
    }
    if (session === undefined || session.expiresAt <= Date.now()) return undefined;
    return session;
  })();
  return state.session;
}
