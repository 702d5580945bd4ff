import { createContext } from 'react';
import type { ClientSession } from '../session/ClientSession.js';
import type { SessionState } from './toSessionState.js';

/**
 * What `useSession()` returns: `status`, `user`, `expiresAt`, and `update()`,
 * which re-fetches the session, updates every consumer and resolves with the
 * new session (rejects when the fetch fails; the last known session stays).
 */
export type UseSessionResult = SessionState & { update(): Promise<ClientSession> };

/** Set by `<SessionProvider>`; `undefined` outside one. */
export const SessionContext = createContext<UseSessionResult | undefined>(undefined);
