import { AuthError } from '../errors/AuthError.js';
import { insufficientAuthentication } from '../oauth/insufficientAuthentication.js';
import { toAuthenticationRequirement } from '../oauth/toAuthenticationRequirement.js';
import { unmetAuthentication } from '../oauth/unmetAuthentication.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { readSession } from './readSession.js';
import type { AuthUser } from './userOf.js';
import { userOf } from './userOf.js';

/** Options of {@link requireAuth}: what the user's authentication must be (RFC 9470 step-up). */
export interface RequireAuthOptions {
  /**
   * The user must have authenticated at the IdP at most this many seconds
   * ago (the ID token's `auth_time`, with `tokens.clockSkew` of tolerance).
   * A whole number from 0 to 31536000.
   * @default undefined (any age)
   */
  maxAge?: number;
  /**
   * The ID token's `acr` must be this value or one of these (your IdP's
   * values; `mfa` for the dev IdP's second factor). Not available with
   * Cognito user pools, which issue no `acr` (throws `InvalidConfig`).
   * @default undefined (any acr, or none)
   */
  acr?: string | string[];
}

/**
 * The signed-in user, provided their authentication is recent enough
 * (`maxAge`) and of an accepted class (`acr`): the step-up check of
 * RFC 9470 for server actions and route handlers (the guard does the same
 * for whole paths). It never redirects: a route handler answers the
 * challenge, a server action sends the user through `signIn` with the
 * error's `maxAge` / `acrValues`.
 *
 * @throws AuthError `UserUnAuthenticated` when signed out;
 *   `InsufficientAuthentication` when signed in but not enough, carrying
 *   `wwwAuthenticate` (the RFC 9470 `WWW-Authenticate` value: `Bearer
 *   error="insufficient_user_authentication", error_description="…",
 *   max_age=…, acr_values="…"`), `maxAge` and `acrValues`; `InvalidConfig`
 *   for a bad `maxAge` / `acr` (or an `acr` with a Cognito config);
 *   `IdpUnavailable` as `getCurrentUser` does.
 * @example
 * ```ts
 * // app/api/billing/route.ts
 * import { cookies } from 'next/headers';
 * import { isAuthError, requireAuth } from 'next-server-auth/server';
 * import { runWithServerContext } from '@/auth';
 *
 * export async function POST() {
 *   try {
 *     const user = await runWithServerContext({
 *       nextServerContext: { cookies },
 *       operation: (ctx) => requireAuth(ctx, { maxAge: 300, acr: 'mfa' }),
 *     });
 *     return Response.json({ ok: true, user: user.userId });
 *   } catch (err) {
 *     if (isAuthError(err, 'InsufficientAuthentication')) {
 *       return Response.json({ error: 'insufficient_user_authentication' }, {
 *         status: 401, headers: { 'www-authenticate': err.wwwAuthenticate!, 'cache-control': 'no-store' } });
 *     }
 *     if (isAuthError(err, 'UserUnAuthenticated')) return Response.json({ error: 'unauthenticated' }, { status: 401 });
 *     throw err;
 *   }
 * }
 * ```
 * @example
 * ```ts
 * // a server action: send the user to re-authenticate, then back to the page
 * 'use server';
 * try {
 *   await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => requireAuth(ctx, { maxAge: 300 }) });
 * } catch (err) {
 *   if (isAuthError(err, 'InsufficientAuthentication')) await signIn('/account/security', { maxAge: err.maxAge, acr: err.acrValues });
 *   throw err;
 * }
 * ```
 */
export async function requireAuth(contextSpec: ContextSpec, options: RequireAuthOptions = {}): Promise<AuthUser> {
  const state = getContextState(contextSpec);
  const { runtime } = state;
  // Checked before the session is read: a bad option is the app's bug, whoever is signed in.
  const requirement = toAuthenticationRequirement(options, 'requireAuth options', runtime.config.flavor);
  const session = await readSession(state);
  const user = session && userOf(session.idToken.payload, session.accessToken.payload, runtime.config.groupsClaim);
  if (!session || !user) throw new AuthError('UserUnAuthenticated', 'No signed-in user in this context');
  if (requirement !== undefined) {
    const unmet = unmetAuthentication(session.idToken.payload, requirement, Date.now(), runtime.options.tokens.clockSkew);
    if (unmet !== undefined) throw insufficientAuthentication(requirement, unmet);
  }
  return user;
}
