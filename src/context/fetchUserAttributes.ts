import { AuthError } from '../errors/AuthError.js';
import { requestUserInfo } from '../oauth/requestUserInfo.js';
import type { NoCustomClaims, UserInfoClaims } from '../tokens/claims.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';

/**
 * Claims from the IdP's userinfo endpoint: `sub` always, the OIDC standard
 * claims as the IdP returns them ({@link UserInfoClaims}), and `Claims`, your
 * own (e.g. Cognito's `custom:*` attributes).
 */
export type UserAttributes<Claims extends object = NoCustomClaims> = UserInfoClaims & Claims;

/**
 * The user's attributes from the IdP's userinfo endpoint (fetched once per
 * operation; the response must be about the session's `sub`). The type
 * parameter names attributes the IdP adds, as for `fetchAuthSession`.
 *
 * @throws AuthError `UserUnAuthenticated` when signed out or the IdP rejects the token;
 *   `IdpUnavailable` / `UserInfoFailed` when the IdP fails.
 * @example
 * ```ts
 * const attributes = await runWithServerContext({
 *   nextServerContext: { cookies },
 *   operation: (ctx) => fetchUserAttributes<{ 'custom:plan'?: string }>(ctx),
 * });
 * attributes.email; // string | undefined
 * attributes['custom:plan']; // string | undefined
 * ```
 */
export async function fetchUserAttributes<Claims extends object = NoCustomClaims>(contextSpec: ContextSpec): Promise<UserAttributes<Claims>> {
  const state = getContextState(contextSpec);
  const session = await readSession(state);
  if (session === undefined) throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  const sub = session.idToken.payload.sub;
  if (typeof sub !== 'string') throw new AuthError('UserUnAuthenticated', 'The session has no subject');
  state.userInfo ??= (async () => {
    const { runtime } = state;
    const endpoints = await runtime.endpoints();
    return requestUserInfo(runtime.config, endpoints, session.tokens.accessToken, sub, runtime.options.httpTimeoutMs, session.tokens.dpopKey);
  })();
  const claims = await state.userInfo;
  // The IdP's answer, typed as declared: a declaration, not a runtime check.
  return { ...claims, sub } as UserAttributes<Claims>;
}
