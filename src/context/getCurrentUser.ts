import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

/** The signed-in user. */
export interface AuthUser {
  /** Cognito's `username` (access token), else `cognito:username` / `preferred_username` (ID token), else `sub`. */
  username: string;
  /** The `sub` claim: stable and unique per user. */
  userId: string;
  signInDetails?: { loginId?: string };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * The signed-in user of the context.
 *
 * @throws AuthError `UserUnAuthenticated` when signed out.
 * @example
 * ```ts
 * const { username, userId } = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => getCurrentUser(ctx),
 * });
 * ```
 */
export async function getCurrentUser(contextSpec: ContextSpec): Promise<AuthUser> {
  const session = await readSession(getContextState(contextSpec));
  if (session === undefined) throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  const id = session.idToken.payload;
  const access = session.accessToken.payload;
  const userId = firstString(id.sub, access.sub);
  if (userId === undefined) throw new AuthError('UserUnAuthenticated', 'The session has no subject');
  const username = firstString(access.username, id['cognito:username'], id.preferred_username, userId) as string;
  const loginId = firstString(id.email, id.phone_number, id.preferred_username);
  return { username, userId, ...(loginId ? { signInDetails: { loginId } } : {}) };
}
