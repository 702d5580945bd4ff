import type { AuthRuntime } from '../context/AuthRuntime.js';
import { runInContext } from '../context/runInContext.js';
import { isAuthError } from '../errors/AuthError.js';
import type { AuthRouteHandlerOptions } from './AuthRouteHandlerOptions.js';
import { handleBackchannelLogout } from './handleBackchannelLogout.js';
import { handleSignIn } from './handleSignIn.js';
import { handleSignInCallback } from './handleSignInCallback.js';
import { handleSession } from './handleSession.js';
import { handleJwks } from './handleJwks.js';
import { handleSignOut } from './handleSignOut.js';
import { NO_STORE } from './noStore.js';
import { failWith, redirectTo } from './respond.js';
import type { RouteContext } from './RouteContext.js';

type Route = { method: 'GET' | 'POST'; run: (route: RouteContext) => Promise<Response> | Response };

const ROUTES: Record<string, Route> = {
  'sign-in': { method: 'GET', run: (r) => handleSignIn(r, { signUp: false }) },
  'sign-up': { method: 'GET', run: (r) => handleSignIn(r, { signUp: true }) },
  'sign-in-callback': { method: 'GET', run: handleSignInCallback },
  'sign-out': { method: 'POST', run: handleSignOut },
  // Client components' "who am I?": JSON, never a redirect; GET only.
  session: { method: 'GET', run: handleSession },
  // The public half of oidc.clientPrivateKey, for IdPs that fetch the client's jwks_uri (private_key_jwt).
  jwks: { method: 'GET', run: handleJwks },
  // Server-to-server from the IdP: no Origin check, the signed logout token authenticates it.
  'backchannel-logout': { method: 'POST', run: handleBackchannelLogout },
  'sign-out-callback': {
    method: 'GET',
    run: (r) => redirectTo(r, new URL(r.options.redirectOnSignOutComplete ?? '/', r.runtime.options.origin).href),
  },
};

function json(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'cache-control': NO_STORE, ...extra } });
}

/**
 * The one implementation of the auth routes, on Web `Request`/`Response`;
 * App Router and Pages Router adapters only translate to and from it.
 */
export async function handleAuthRequest(runtime: AuthRuntime, options: AuthRouteHandlerOptions, request: Request, slug: string): Promise<Response> {
  const route = Object.hasOwn(ROUTES, slug) ? ROUTES[slug] : undefined;
  if (route === undefined) return json(404, { error: 'not_found' });
  if (request.method !== route.method) return json(405, { error: 'method_not_allowed' }, { allow: route.method });
  const scratch = new Response(null);
  return runInContext(runtime, { request, response: scratch }, async (_spec, state) => {
    const context: RouteContext = { runtime, options, request, state, headers: scratch.headers };
    try {
      return await route.run(context);
    } catch (err) {
      // Log the code only: messages and causes may carry token material. A
      // discovery failure's message is built to hold none (the URL and why), and
      // without it nobody can tell a typo in the issuer from an IdP outage.
      const why = isAuthError(err, 'DiscoveryFailed') ? `: ${err.message}` : '';
      console.error(`next-server-auth: ${slug} failed (${isAuthError(err) ? err.code : 'unexpected error'})${why}`);
      if (isAuthError(err, 'DiscoveryFailed') || isAuthError(err, 'IdpUnavailable')) return failWith(context, 503, 'idp_unavailable');
      // The IdP refused the pushed authorization request (RFC 9126): nothing the user can retry away, but no 500.
      if (isAuthError(err, 'AuthorizationRequestRefused')) return failWith(context, 400, 'authorization_request_refused');
      // Server-side sessions: the store is down. Nothing was cleared; retrying later works.
      if (isAuthError(err, 'StoreUnavailable')) return failWith(context, 503, 'session_store_unavailable');
      return failWith(context, 500, 'internal_error');
    }
  });
}
