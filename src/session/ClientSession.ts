/**
 * What the browser may know about the session: the user's public claims and
 * when the access token expires. Never a token, never a protocol claim.
 *
 * Returned by `GET /api/auth/session` and `getClientSession(ctx)`, and held by
 * `<SessionProvider>` / `useSession()` in `next-server-auth/react`.
 */
export interface ClientUser {
  username: string;
  userId: string;
  email?: string;
  groups: string[];
  [claim: string]: unknown;
}

/** `expiresAt` is the access token's expiry in epoch milliseconds. */
export type ClientSession = { user: ClientUser; expiresAt: number } | { user: null };
