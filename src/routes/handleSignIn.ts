import { readSession } from '../context/readSession.js';
import { isBackgroundFetch } from '../context/isBackgroundFetch.js';
import { isPrefetchRequest } from '../context/isPrefetchRequest.js';
import { createAuthorizationRequest } from '../oauth/createAuthorizationRequest.js';
import { CUSTOM_STATE_PARAM, checkCustomState, withCustomState } from '../oauth/customState.js';
import { safeReturnTo } from '../oauth/safeReturnTo.js';
import type { AuthenticationRequirement } from '../oauth/AuthenticationRequirement.js';
import { INVALID_AUTHENTICATION_PARAMS, readAuthenticationParams } from '../oauth/readAuthenticationParams.js';
import { unmetAuthentication } from '../oauth/unmetAuthentication.js';
import { saveTransaction, transactionFits } from '../oauth/transactionCookies.js';
import { NO_STORE } from './noStore.js';
import { failWith, redirectTo } from './respond.js';
import type { RouteContext } from './RouteContext.js';

/**
 * `GET sign-in` / `GET sign-up`: starts an authorization-code + PKCE flow,
 * or sends an already signed-in user straight to the target.
 *
 * Prefetches and script fetches get an empty 204 and start nothing: Next's
 * router fetches a `redirect()` target (from `requireUser`, or a server
 * action's `signIn`) before navigating, first on the server and then from the
 * page, and a 204 makes it fall back to a real navigation, which signs in.
 * Without this each of those fetches would leave a transaction cookie and an
 * authorization request at the IdP behind.
 *
 * `customState` (at most 512 UTF-8 bytes, no control characters, given once)
 * is sealed into the transaction and handed back after the callback; an
 * already signed-in user lands on the target with it at once. Anything else
 * is a 400 `invalid_custom_state` that starts nothing.
 *
 * Step-up: `max_age` (seconds) and `acr_values` (space-separated) ask for a
 * recent or stronger authentication; a signed-in user whose session already
 * meets them goes straight to the target, anyone else is sent to the IdP with
 * them, and the callback checks the new ID token. Malformed values are a 400
 * `invalid_step_up` that starts nothing.
 */
export async function handleSignIn(route: RouteContext, { signUp }: { signUp: boolean }): Promise<Response> {
  const { runtime, request, state } = route;
  if (isPrefetchRequest(request.headers) || isBackgroundFetch(request.headers)) {
    return new Response(null, { status: 204, headers: { 'cache-control': NO_STORE } });
  }
  const params = new URL(request.url).searchParams;
  // Refused before anything is stored: a clear 400, never a truncated value.
  const customState = readCustomState(params);
  if (customState === INVALID) return failWith(route, 400, 'invalid_custom_state');
  // Step-up (RFC 9470): max_age / acr_values from the guard or the signIn action; junk is a 400.
  const authentication = readAuthenticationParams(params, runtime.config.flavor);
  if (authentication === INVALID_AUTHENTICATION_PARAMS) return failWith(route, 400, 'invalid_step_up');
  const returnTo = safeReturnTo(params.get('returnTo'), runtime.options.origin, route.options.redirectOnSignInComplete ?? '/');
  // A signed-in user whose session already meets the step-up (or who needs none) goes straight on.
  if (!signUp && (await satisfied(route, authentication))) return redirectTo(route, withCustomState(returnTo, customState));
  const endpoints = await runtime.endpoints();
  const provider = params.get('provider');
  const lang = params.get('lang');
  const { url, transaction } = await createAuthorizationRequest(runtime.config, endpoints, {
    returnTo,
    signUp,
    ...(provider ? { provider } : {}),
    ...(lang ? { lang } : {}),
    ...(customState !== undefined ? { customState } : {}),
    ...(authentication !== undefined ? { authentication } : {}),
  }, { timeoutMs: runtime.options.httpTimeoutMs });
  // A long returnTo plus customState can outgrow a cookie: refuse it rather than let the browser drop it.
  if (!(await transactionFits(transaction, runtime.transactions))) return failWith(route, 400, customState === undefined ? 'sign_in_state_too_large' : 'invalid_custom_state');
  await saveTransaction(state.store!, transaction, runtime.transactions);
  return redirectTo(route, url.href, 302);
}

/** Signed in, and the session meets `authentication` (when there is one). */
async function satisfied(route: RouteContext, authentication: AuthenticationRequirement | undefined): Promise<boolean> {
  const session = await readSession(route.state);
  if (session === undefined) return false;
  if (authentication === undefined) return true;
  return unmetAuthentication(session.idToken.payload, authentication, Date.now(), route.runtime.options.tokens.clockSkew) === undefined;
}

const INVALID = Symbol('invalid');

function readCustomState(params: URLSearchParams): string | undefined | typeof INVALID {
  const values = params.getAll(CUSTOM_STATE_PARAM);
  // Two values: which one did the app mean? Refuse rather than pick.
  if (values.length > 1) return INVALID;
  try {
    return checkCustomState(values[0]);
  } catch {
    return INVALID;
  }
}
