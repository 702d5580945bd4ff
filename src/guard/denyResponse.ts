import { NextResponse } from 'next/server.js';
import { withCookies } from './withCookies.js';
import type { AuthenticationRequirement } from '../oauth/AuthenticationRequirement.js';
import { stepUpChallenge, stepUpDescription } from '../oauth/stepUpChallenge.js';
import type { UnmetAuthentication } from '../oauth/unmetAuthentication.js';

const FORBIDDEN_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1 data-testid="forbidden">403 — Forbidden</h1><p>Your account does not have access to this page.</p><p><a href="/">Back to the home page</a></p></body></html>`;

/** 401/403 JSON for API routes and server actions (a redirect is not a valid answer to either). */
export function jsonDenial(status: 401 | 403, written: Headers): Response {
  const body = status === 401 ? { error: 'unauthenticated', message: 'Sign in to access this resource.' } : { error: 'forbidden', message: 'Your account lacks the required group.' };
  return withCookies(NextResponse.json(body, { status, headers: { 'cache-control': 'private, no-store' } }), written);
}

/**
 * RFC 9470 step-up challenge for API routes and server actions: 401 with
 * `WWW-Authenticate: Bearer error="insufficient_user_authentication",
 * error_description="…", max_age=…, acr_values="…"` and the same in JSON.
 */
export function stepUpDenial(required: AuthenticationRequirement, unmet: UnmetAuthentication, written: Headers): Response {
  const body = {
    error: 'insufficient_user_authentication',
    message: stepUpDescription(unmet),
    ...(required.maxAge !== undefined ? { max_age: required.maxAge } : {}),
    ...(required.acrValues !== undefined ? { acr_values: required.acrValues.join(' ') } : {}),
  };
  const headers = { 'cache-control': 'private, no-store', 'www-authenticate': stepUpChallenge(required, unmet) };
  return withCookies(NextResponse.json(body, { status: 401, headers }), written);
}

/** Redirect a signed-out page request to sign-in. */
export function signInRedirect(location: URL, written: Headers): Response {
  return withCookies(NextResponse.redirect(location, 307), written);
}

/** 403 page: the app's own rendering, or a small built-in one; always status 403. */
export async function forbiddenPage(request: Request, render: ((request: Request) => Response | Promise<Response>) | undefined, written: Headers): Promise<Response> {
  const page = render ? await render(request) : new Response(FORBIDDEN_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  const headers = new Headers(page.headers);
  headers.set('cache-control', 'private, no-store');
  return withCookies(new NextResponse(page.body, { status: 403, headers }), written);
}

const UNAVAILABLE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1 data-testid="auth-unavailable">Temporarily unavailable</h1><p>We could not renew your session because the sign-in service is not responding. You are still signed in; please try again in a moment.</p></body></html>`;

const STORE_UNAVAILABLE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1 data-testid="session-store-unavailable">Temporarily unavailable</h1><p>We could not check your session because the session service is not responding. You are still signed in; please try again in a moment.</p></body></html>`;

/**
 * 503 when the session could not be established for now: a needed refresh
 * could not reach the IdP (`'idp'`), or a server-side session's store is down
 * (`'store'`). The session cookies are left untouched.
 */
export function unavailable(api: boolean, cause: 'idp' | 'store' = 'idp'): Response {
  const headers = { 'cache-control': 'private, no-store', 'retry-after': '5' };
  if (cause === 'store') {
    return api
      ? NextResponse.json({ error: 'session_store_unavailable', message: 'The session store is unavailable; retry shortly.' }, { status: 503, headers })
      : new NextResponse(STORE_UNAVAILABLE_HTML, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
  }
  return api
    ? NextResponse.json({ error: 'idp_unavailable', message: 'The identity provider is unavailable; retry shortly.' }, { status: 503, headers })
    : new NextResponse(UNAVAILABLE_HTML, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

const BAD_PATH_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>400 Bad Request</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1 data-testid="bad-path">400 — Bad Request</h1><p>This address can be read more than one way. Use its plain spelling.</p><p><a href="/">Back to the home page</a></p></body></html>`;

/**
 * A path under a protected rule that reads more than one way (malformed
 * escapes, encoded separators, …) is refused, signed in or not: API routes and
 * server actions get the 401 JSON of a signed-out request; pages a 400 (a
 * sign-in redirect would loop for a signed-in user). The session is not read.
 */
export function ambiguousPathDenial(api: boolean): Response {
  if (api) return jsonDenial(401, new Headers());
  return new NextResponse(BAD_PATH_HTML, { status: 400, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'private, no-store' } });
}
