import { readSession } from '../context/readSession.js';
import { toClientSession } from '../context/toClientSession.js';
import { isAuthError } from '../errors/AuthError.js';
import { NO_STORE } from './noStore.js';
import type { RouteContext } from './RouteContext.js';

/** Seconds a client is told to wait after a 503 (as the guard says). */
const RETRY_AFTER = '5';

function json(route: RouteContext, status: number, body: unknown, extra: Record<string, string> = {}): Response {
  // Built on the route's headers: a refresh's new cookie (or a dead session's
  // deletion) reaches the browser with the answer.
  const headers = new Headers(route.headers);
  headers.set('content-type', 'application/json');
  // Claim values are the IdP's strings: never let a browser sniff them into HTML or script.
  headers.set('x-content-type-options', 'nosniff');
  // Per user and per cookie: no shared cache may keep it, no private one may
  // answer another cookie with it.
  headers.set('cache-control', NO_STORE);
  headers.set('vary', 'Cookie');
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * `GET /api/auth/session`: the `ClientSession` of the request, for client
 * components (`next-server-auth/react`). The session is read the normal way:
 * refreshed when due, the new cookie written on this response; a rejected
 * refresh clears the cookie and answers `{ user: null }`. Signed out is a 200
 * `{ user: null }`, never a redirect or a 401: the browser asks "who am I?".
 * A prefetch or background fetch gets the same answer (it starts nothing).
 *
 * 503 JSON (`idp_unavailable` / `session_store_unavailable`, `Retry-After`)
 * when the session could not be read for now; nothing is cleared, and the
 * client keeps what it shows.
 */
export async function handleSession(route: RouteContext): Promise<Response> {
  try {
    return json(route, 200, toClientSession(await readSession(route.state), route.runtime));
  } catch (err) {
    if (isAuthError(err, 'StoreUnavailable')) {
      return json(route, 503, { error: 'session_store_unavailable', message: 'The session store is unavailable; retry shortly.' }, { 'retry-after': RETRY_AFTER });
    }
    if (isAuthError(err, 'IdpUnavailable') || isAuthError(err, 'DiscoveryFailed')) {
      return json(route, 503, { error: 'idp_unavailable', message: 'The identity provider is unavailable; retry shortly.' }, { 'retry-after': RETRY_AFTER });
    }
    // Only the code: messages and causes may carry token material.
    console.error(`next-server-auth: session failed (${isAuthError(err) ? err.code : 'unexpected error'})`);
    return json(route, 500, { error: 'internal_error' });
  }
}
