import { endSession } from '../context/endSession.js';
import { isSameOriginRequest } from './isSameOriginRequest.js';
import { failWith, redirectTo } from './respond.js';
import type { RouteContext } from './RouteContext.js';

/**
 * `POST sign-out`: same-origin only. Revokes the refresh token, clears every
 * auth cookie whatever else fails, then sends the browser to the IdP's logout
 * (see `endSession`, shared with the `signOut` server action).
 */
export async function handleSignOut(route: RouteContext): Promise<Response> {
  const { runtime, request, state } = route;
  if (!isSameOriginRequest(request.headers, runtime.options.origin)) return failWith(route, 403, 'cross_site');
  return redirectTo(route, await endSession(state));
}
