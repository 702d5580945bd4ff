import { nextRedirect } from './nextRedirect.js';
import { isAuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import { getContextState } from './contextRegistry.js';
import { getCurrentUser } from './getCurrentUser.js';
import type { AuthUser } from './userOf.js';
import { signInLocation } from './signInLocation.js';

/** Options of {@link requireUser}. */
export interface RequireUserOptions {
  /**
   * Where to come back after signing in: a same-origin path such as
   * `'/dashboard'` or `` `/reports/${id}` ``. Anything else (an absolute or
   * protocol-relative URL, a backslash, control characters) is dropped, as
   * the sign-in route drops it. A server component cannot know its own URL,
   * so pass the page's path; without it, the user lands on the route
   * handlers' `redirectOnSignInComplete`. Never built from request headers.
   * @default undefined (the sign-in route's `redirectOnSignInComplete`)
   */
  returnTo?: string;
}

/**
 * The signed-in user, or a redirect through sign-in. For server components
 * (also server actions and route handlers): when the context is signed out
 * it calls Next's `redirect()` (from `next/navigation`) to
 * `runtimeOptions.signInPath` (`/api/auth/sign-in` by default) with
 * `?returnTo=<returnTo>`, so it never returns without a user.
 *
 * Call it outside `try`/`catch`, or rethrow: `redirect()` works by throwing
 * (see `unstable_rethrow` from `next/navigation`). Other failures are thrown
 * as they are (`IdpUnavailable` when a due refresh could not reach the IdP).
 *
 * @throws Next's redirect when signed out; AuthError `IdpUnavailable`,
 *   `ContextDestroyed` as `getCurrentUser` does.
 * @example
 * ```tsx
 * // app/dashboard/page.tsx
 * import { cookies } from 'next/headers';
 * import { requireUser } from 'next-server-auth/server';
 * import { runWithServerContext } from '@/auth';
 *
 * export default async function Dashboard() {
 *   const user = await runWithServerContext({
 *     nextServerContext: { cookies },
 *     operation: (ctx) => requireUser(ctx, { returnTo: '/dashboard' }),
 *   });
 *   return <p>Hello {user.username} ({user.groups.join(', ')})</p>;
 * }
 * ```
 */
export async function requireUser(contextSpec: ContextSpec, options: RequireUserOptions = {}): Promise<AuthUser> {
  const { runtime } = getContextState(contextSpec);
  try {
    return await getCurrentUser(contextSpec);
  } catch (err) {
    if (!isAuthError(err, 'UserUnAuthenticated')) throw err;
  }
  return nextRedirect(signInLocation(runtime, options.returnTo));
}
