import { AuthError } from '../errors/AuthError.js';
import { requestUserInfo } from '../oauth/requestUserInfo.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

/** Claims from the IdP's userinfo endpoint (`sub` always; the rest as the IdP returns them). */
export type UserAttributes = { sub: string } & Record<string, unknown>;

/**
 * The user's attributes from the IdP's userinfo endpoint (fetched once per
 * operation; the response must be about the session's `sub`).
 *
 * @throws AuthError `UserUnAuthenticated` when signed out or the IdP rejects the token;
 *   `IdpUnavailable` / `UserInfoFailed` when the IdP fails.
 * @example
 * ```ts
 * const attributes = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => fetchUserAttributes(ctx),
 * });
 * attributes.email;
 * ```
 */
export async function fetchUserAttributes(contextSpec: ContextSpec): Promise<UserAttributes> {
  const state = getContextState(contextSpec);
  const session = await readSession(state);
  if (session === undefined) throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  const sub = session.idToken.payload.sub;
  if (typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'The session has no subject');
  state.userInfo ??= (async () => {
    const { runtime } = state;
    const endpoints = await runtime.endpoints();
    return requestUserInfo(runtime.config, endpoints, session.tokens.accessToken, sub, runtime.options.httpTimeoutMs);
  })();
  const claims = await state.userInfo;
  return { ...claims, sub };
}
