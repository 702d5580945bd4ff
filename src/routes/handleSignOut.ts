import { clearSession } from '../context/clearSession.js';
import { userOf } from '../context/userOf.js';
import { readStoredSession } from '../context/readStoredSession.js';
import { createLogoutUrl } from '../oauth/createLogoutUrl.js';
import { revokeToken } from '../tokens/revokeToken.js';
import { clearTransactions } from '../oauth/transactionCookies.js';
import { isAuthError } from '../errors/AuthError.js';
import { isSameOriginRequest } from './isSameOriginRequest.js';
import { failWith, redirectTo } from './respond.js';
import type { RouteContext } from './RouteContext.js';

/**
 * `POST sign-out`: same-origin only. Revokes the refresh token, clears every
 * auth cookie whatever else fails, then sends the browser to the IdP's logout.
 */
export async function handleSignOut(route: RouteContext): Promise<Response> {
  const { runtime, request, state } = route;
  if (!isSameOriginRequest(request.headers, runtime.options.origin)) return failWith(route, 403, 'cross_site');
  const session = await readStoredSession(state);
  // End the chain in this process: no grace mapping, no refresh, no read of this cookie.
  if (session?.tokens.refreshToken) await runtime.refresher.end(session.tokens.refreshToken, { cookieValidUntil: session.expiresAt }).catch(() => undefined);
  // Clearing must never cost the revocation or the IdP logout (a throw here used to skip both).
  clearOrWarn(() => clearSession(state));
  clearOrWarn(() => clearTransactions(state.store!, runtime.transactions));
  const endpoints = await runtime.endpoints().catch(() => undefined);
  const refreshToken = session?.tokens.refreshToken;
  if (endpoints && refreshToken) {
    await revokeToken(runtime.config, endpoints, refreshToken, runtime.options.httpTimeoutMs).catch(() => {
      console.warn('next-server-auth: refresh token revocation failed during sign-out; the session cookies were cleared anyway');
    });
  }
  const user = session && userOf(session.idToken.payload, session.accessToken.payload);
  runtime.emit('signedOut', user ? { user: { username: user.username, userId: user.userId } } : {});
  const location = endpoints ? createLogoutUrl(runtime.config, endpoints, session?.tokens.idToken).href : runtime.config.redirectSignOut;
  return redirectTo(route, location);
}

function clearOrWarn(clear: () => void): void {
  try {
    clear();
  } catch (err) {
    // The code only: messages may name cookies.
    console.warn(`next-server-auth: clearing cookies during sign-out failed (${isAuthError(err) ? err.code : 'unexpected error'}); revoking and signing out at the IdP anyway`);
  }
}
