import type { Session } from '../session/Session.js';
import type { ContextState } from './ContextState.js';
import { readStoredSession } from './readStoredSession.js';

/**
 * The context's usable session, read once per operation. Bad cookies of any
 * kind read as `undefined` (signed out); this never throws.
 *
 * Until refresh exists, an expired access token reads as signed out and
 * nothing is deleted (the refresh token may still be good).
 */
export function readSession(state: ContextState): Promise<Session | undefined> {
  state.session ??= readStoredSession(state).then((session) =>
    session === undefined || session.expiresAt <= Date.now() ? undefined : session,
  );
  return state.session;
}
