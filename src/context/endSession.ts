import { isAuthError } from '../errors/AuthError.js';
import { createLogoutUrl } from '../oauth/createLogoutUrl.js';
import { clearTransactions } from '../oauth/transactionCookies.js';
import { revokeToken } from '../tokens/revokeToken.js';
import { clearSession } from './clearSession.js';
import type { ContextState } from './ContextState.js';
import { readStoredSession } from './readStoredSession.js';
import { userOf } from './userOf.js';

/**
 * Signs the context's user out; the one implementation behind `POST
 * sign-out` and the `signOut` server action (each checks the request is
 * same-origin first). In order: ends the refresh chain in this process (no
 * grace mapping, no refresh, no read of this cookie), clears every auth
 * cookie (session chunks and sign-in transactions) whatever fails, revokes
 * the refresh token at the IdP, emits `signedOut`. Never throws for a
 * clearing or revocation failure: it always gets as far as the IdP logout.
 *
 * Server-side sessions: the record is deleted and every instance told, so
 * copies of the cookie are dead everywhere. With the store down the cookie is
 * still cleared; the record's deletion is retried in the background (this
 * process refuses the session meanwhile) and its refresh token is revoked at
 * the IdP once the store gives it back.
 *
 * @returns Where to send the browser: the IdP's logout (Cognito `/logout`,
 *   or the OIDC end-session endpoint), or the app's sign-out callback when
 *   the IdP cannot be discovered.
 * @example
 * ```ts
 * const location = await endSession(state);
 * return Response.redirect(location, 303);
 * ```
 */
export async function endSession(state: ContextState): Promise<string> {
  const { runtime } = state;
  // A store outage must not stop a sign-out: the cookie goes anyway (below).
  const session = await readStoredSession(state).catch((err: unknown) => {
    if (isAuthError(err, 'StoreUnavailable')) return undefined;
    throw err;
  });
  const refreshToken = session?.tokens.refreshToken;
  if (refreshToken) await runtime.refresher.end(refreshToken, { cookieValidUntil: session.expiresAt }).catch(() => undefined);
  // Clearing must never cost the revocation or the IdP logout (a throw here used to skip both).
  const { codec } = runtime;
  if (codec.end !== undefined && state.store !== null) {
    // Deletes the record (or queues its deletion), then clears the cookie.
    try {
      await codec.end(state.store);
    } catch (err) {
      warnClearFailed(err);
    }
    state.session = Promise.resolve(undefined);
    state.userInfo = undefined;
  } else {
    clearOrWarn(() => clearSession(state));
  }
  clearOrWarn(() => {
    if (state.store !== null) clearTransactions(state.store, runtime.transactions);
  });
  const endpoints = await runtime.endpoints().catch(() => undefined);
  if (endpoints && refreshToken) {
    await revokeToken(runtime.config, endpoints, refreshToken, runtime.options.httpTimeoutMs).catch(() => {
      console.warn('next-server-auth: refresh token revocation failed during sign-out; the session cookies were cleared anyway');
    });
  }
  const user = session && userOf(session.idToken.payload, session.accessToken.payload);
  runtime.emit('signedOut', user ? { user: { username: user.username, userId: user.userId } } : {});
  return endpoints ? createLogoutUrl(runtime.config, endpoints, session?.tokens.idToken).href : runtime.config.redirectSignOut;
}

function clearOrWarn(clear: () => void): void {
  try {
    clear();
  } catch (err) {
    warnClearFailed(err);
  }
}

function warnClearFailed(err: unknown): void {
  // The code only: messages may name cookies.
  console.warn(`next-server-auth: clearing cookies during sign-out failed (${isAuthError(err) ? err.code : 'unexpected error'}); revoking and signing out at the IdP anyway`);
}
