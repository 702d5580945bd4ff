import type { ClientSession, ClientUser } from '../session/ClientSession.js';

/** What `useSession()` says about the session (plus `update`). */
export type SessionState =
  | { status: 'authenticated'; user: ClientUser; expiresAt: number }
  | { status: 'loading'; user: null; expiresAt: undefined }
  | { status: 'unauthenticated'; user: null; expiresAt: undefined };

/**
 * `undefined` (not known yet) → `loading`; `{ user: null }` →
 * `unauthenticated`; else `authenticated` with the user and expiry.
 *
 * @example
 * ```ts
 * toSessionState({ user: null }) // { status: 'unauthenticated', user: null, expiresAt: undefined }
 * ```
 */
export function toSessionState(session: ClientSession | undefined): SessionState {
  if (session?.user) return { status: 'authenticated', user: session.user, expiresAt: session.expiresAt };
  return { status: session ? 'unauthenticated' : 'loading', user: null, expiresAt: undefined };
}
