import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';
import type { AuthUser } from './userOf.js';
import { userOf } from './userOf.js';

export type { AuthUser } from './userOf.js';

/**
 * The signed-in user of the context: `{ username, userId, groups,
 * signInDetails? }`. `groups` come from the config's `groupsClaim`
 * (`cognito:groups` by default), the claim the guard's group rules check.
 *
 * @throws AuthError `UserUnAuthenticated` when signed out; `IdpUnavailable`
 *   when the session needed a refresh and the IdP could not be reached.
 * @example
 * ```ts
 * const { username, userId, groups } = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => getCurrentUser(ctx),
 * });
 * ```
 */
export async function getCurrentUser(contextSpec: ContextSpec): Promise<AuthUser> {
  const state = getContextState(contextSpec);
  const session = await readSession(state);
  const user = session && userOf(session.idToken.payload, session.accessToken.payload, state.runtime.config.groupsClaim);
  if (!user) throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  return user;
}
