import { userOf } from '../context/userOf.js';
import { writeSession } from '../context/writeSession.js';
import { isAuthError } from '../errors/AuthError.js';
import { createAuthorizationRequest } from '../oauth/createAuthorizationRequest.js';
import { withCustomState } from '../oauth/customState.js';
import type { AuthTransaction } from '../oauth/AuthTransaction.js';
import type { AuthenticationRequirement } from '../oauth/AuthenticationRequirement.js';
import { processAuthorizationCallback } from '../oauth/processAuthorizationCallback.js';
import { saveTransaction, takeTransaction } from '../oauth/transactionCookies.js';
import type { TokenSet } from '../session/TokenSet.js';
import { toSession } from '../session/toSession.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { failWith, redirectTo } from './respond.js';
import type { RouteContext } from './RouteContext.js';

/**
 * `GET sign-in-callback`: binds the response to its transaction (state
 * cookie, single use: the cookie is deleted and the state remembered by the
 * process until the transaction expires, so a replayed request never reaches
 * the token endpoint again), finishes the code exchange and writes the session.
 * Any failure leaves no session and shows an error code.
 *
 * Cookie codecs: tokens that a "sign out everywhere" cut-off already ends
 * (an SSO sign-in through the IdP's still-open session brings back the old
 * `auth_time`) are not written; the browser is sent back to the IdP once with
 * `prompt=login`, and if that answer is still revoked (an IdP that ignores
 * `prompt=login`) the user gets a 403 `session_revoked` page: never a loop.
 *
 * The transaction's `customState` (never the callback URL's) goes on the
 * `signedIn` event and, as `customState=`, on the landing URL; a
 * `customState` parameter already in `returnTo` is dropped.
 */
export async function handleSignInCallback(route: RouteContext): Promise<Response> {
  const { runtime, request, state } = route;
  const url = new URL(request.url);
  const transaction = await takeTransaction(state.store!, url.searchParams.get('state'), runtime.transactions);
  if (transaction === undefined) return failWith(route, 400, 'missing_transaction');
  // The cookie is deleted above, but a replayed request still carries it: remember
  // the state until the sealed transaction expires (plus iron's 60 s skew).
  const expiresAt = transaction.createdAt + (runtime.transactions.ttl + 120) * 1000;
  if (!(await runtime.consumedStates.consume(transaction.state, expiresAt))) return failWith(route, 400, 'missing_transaction');
  let tokens;
  try {
    const endpoints = await runtime.endpoints();
    tokens = await processAuthorizationCallback(runtime.config, endpoints, runtime.verifier, url, transaction, runtime.options.httpTimeoutMs, {
      clockSkew: runtime.options.tokens.clockSkew,
    });
  } catch (err) {
    if (isAuthError(err, 'DiscoveryFailed')) return failWith(route, 503, 'idp_unavailable');
    if (!isAuthError(err, 'OAuthCallbackFailed')) throw err;
    const reason = (err as { reason?: string }).reason ?? 'invalid_response';
    const code = reason === 'idp_error' && url.searchParams.get('error') === 'access_denied' ? 'access_denied' : reason;
    // Step-up not met: a page, never another trip to the IdP (which just declined, or was bypassed): no loop.
    return failWith(route, reason === 'idp_unavailable' ? 503 : reason === 'insufficient_authentication' ? 403 : 400, code);
  }
  if (await revokedAlready(runtime, tokens)) {
    if (transaction.reauthenticate) return failWith(route, 403, 'session_revoked');
    const endpoints = await runtime.endpoints();
    const next = await createAuthorizationRequest(runtime.config, endpoints, {
      returnTo: transaction.returnTo,
      reauthenticate: true,
      ...(transaction.customState !== undefined ? { customState: transaction.customState } : {}),
      ...stepUpOf(transaction),
    }, { timeoutMs: runtime.options.httpTimeoutMs });
    await saveTransaction(state.store!, next.transaction, runtime.transactions);
    return redirectTo(route, next.url.href, 302);
  }
  let session;
  try {
    session = await writeSession(state, tokens, { userAgent: request.headers.get('user-agent') ?? undefined });
  } catch (err) {
    // The IdP issued more than a session cookie can carry (claims bloat): the
    // user cannot be signed in with this codec; say so instead of a 500.
    if (isAuthError(err, 'TokenInvalid')) return failWith(route, 502, 'session_too_large');
    throw err;
  }
  const user = userOf(session.idToken.payload, session.accessToken.payload);
  const { customState } = transaction;
  if (user) runtime.emit('signedIn', { user: { username: user.username, userId: user.userId }, ...(customState !== undefined ? { customState } : {}) });
  return redirectTo(route, withCustomState(transaction.returnTo, customState));
}

/**
 * Cookie codecs: would the session these tokens make be ended at once by the
 * cut-off list? The same check the codecs run on a cold read. Tokens that
 * cannot be decoded are left to `writeSession` (which refuses them).
 */
async function revokedAlready(runtime: AuthRuntime, tokens: TokenSet): Promise<boolean> {
  if (runtime.isRevoked === undefined) return false;
  let session;
  try {
    session = toSession(tokens);
  } catch {
    return false;
  }
  return runtime.isRevoked(session);
}

/** The transaction's step-up requirement, to ask for again on the `prompt=login` retry. */
function stepUpOf(transaction: AuthTransaction): { authentication?: AuthenticationRequirement } {
  const { maxAge, acrValues } = transaction;
  if (maxAge === undefined && acrValues === undefined) return {};
  return { authentication: { ...(maxAge !== undefined ? { maxAge } : {}), ...(acrValues !== undefined ? { acrValues } : {}) } };
}
