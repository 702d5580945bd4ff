import type { ClientSession } from '../session/ClientSession.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';
import { toClientSession } from './toClientSession.js';

export type { ClientSession, ClientUser } from '../session/ClientSession.js';

/**
 * The session as the browser may see it (the same object `GET
 * /api/auth/session` answers): `{ user: { username, userId, groups, email?,
 * …allowlisted claims }, expiresAt }` or `{ user: null }`. Never a token.
 * Pass it to `<SessionProvider session={...}>` from `next-server-auth/react`
 * so client components have the user on first render, with no fetch.
 *
 * The session is read the normal way: refreshed when due (written back where
 * Next.js allows it; see `fetchAuthSession`). `expiresAt` is when the
 * session's access token (or ID token, if earlier) expires, epoch ms: the
 * browser re-checks shortly before it. Which ID-token claims appear is
 * `runtimeOptions.clientSession.claims` (@default `['email', 'name']`).
 *
 * @throws AuthError `IdpUnavailable` when a needed refresh could not reach
 *   the IdP; `StoreUnavailable` (server-side sessions) when the store is down.
 *   Nothing is cleared. In a layout that public pages share, catch it and
 *   pass no `session`: the provider then fetches `/api/auth/session` itself.
 * @example
 * ```tsx
 * // app/client/layout.tsx (a server component)
 * import { cookies } from 'next/headers';
 * import { getClientSession } from 'next-server-auth/server';
 * import { SessionProvider } from 'next-server-auth/react';
 * import { runWithServerContext } from '@/auth';
 *
 * export default async function Layout({ children }: { children: React.ReactNode }) {
 *   const session = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => getClientSession(ctx) });
 *   return <SessionProvider session={session}>{children}</SessionProvider>;
 * }
 * ```
 */
export async function getClientSession(contextSpec: ContextSpec): Promise<ClientSession> {
  const state = getContextState(contextSpec);
  return toClientSession(await readSession(state), state.runtime);
}
