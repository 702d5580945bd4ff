import { useContext } from 'react';
import { SessionContext } from './SessionContext.js';
import type { UseSessionResult } from './SessionContext.js';

/**
 * The session as the browser may know it: `status` (`'loading'`,
 * `'authenticated'`, `'unauthenticated'`), `user` (public claims, never a
 * token), `expiresAt` (epoch ms) and `update()`. Must be called under
 * `<SessionProvider>`.
 *
 * @example
 * ```tsx
 * 'use client';
 * const { status, user } = useSession();
 * return status === 'authenticated' ? <p>{user.email}</p> : <button onClick={() => signIn()}>Sign in</button>;
 * ```
 */
export function useSession(): UseSessionResult {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('next-server-auth: useSession() must be called inside <SessionProvider>');
  return value;
}
