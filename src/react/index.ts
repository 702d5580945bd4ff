'use client';
/**
 * `next-server-auth/react`: the session in client components, without any
 * token ever reaching the browser's JavaScript. Talks only to the auth routes.
 *
 * @packageDocumentation
 */
export { SessionProvider } from './SessionProvider.js';
export type { SessionProviderProps } from './SessionProvider.js';
export { useSession } from './useSession.js';
export type { UseSessionResult } from './SessionContext.js';
export type { SessionState } from './toSessionState.js';
export { signIn } from './signIn.js';
export type { SignInOptions } from './signIn.js';
export { signOut } from './signOut.js';
export type { SignOutOptions } from './signOut.js';
export type { ClientSession, ClientUser } from '../session/ClientSession.js';
