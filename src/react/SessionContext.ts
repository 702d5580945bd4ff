import { createContext } from 'react';
import type { ClientSession } from '../session/ClientSession.js';
import type { SessionState } from './toSessionState.js';

/**
 * What `useSession()` returns: `status`, `user`, `expiresAt`, and `update()`,
 * which re-fetches the session, updates every consumer and resolves with the
 * new session (rejects when the fetch fails; the last known session stays).
 */
export type UseSessionResult = WithUpdate<SessionState>;
// Distributed over the union, so destructured `status` still narrows `user` and `expiresAt`.
type WithUpdate<S> = S extends unknown ? S & { update(): Promise<ClientSession> } : never;

/** Set by `<SessionProvider>`; `undefined` outside one. */
export const SessionContext = createContext<UseSessionResult | undefined>(undefined);
