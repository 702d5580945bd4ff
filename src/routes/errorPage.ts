import { NO_STORE } from './noStore.js';

const MESSAGES: Record<string, string> = {
  missing_transaction: 'This sign-in link has expired or was already used. Please sign in again.',
  idp_error: 'The identity provider did not complete the sign-in.',
  access_denied: 'Sign-in was cancelled or denied.',
  invalid_response: 'The sign-in response could not be verified.',
  token_exchange_failed: 'The sign-in could not be completed.',
  invalid_tokens: 'The identity provider returned tokens that could not be verified.',
  idp_unavailable: 'The identity provider is unavailable. Please try again shortly.',
  authorization_request_refused: 'The identity provider refused to start the sign-in. The site may be misconfigured; please report this error code.',
  cross_site: 'Sign-out must be requested from this site.',
  invalid_custom_state: 'The sign-in request carried app state that is too long or contains control characters.',
  sign_in_state_too_large: 'The page to return to after sign-in is too long.',
  insufficient_authentication:
    'This page needs a more recent or stronger sign-in, and the identity provider did not confirm one. Your session is unchanged; try again, or ask your administrator to set up the required sign-in method.',
  invalid_step_up: 'The sign-in request asked for an authentication age or level that is not valid.',
  session_revoked: 'You were signed out on all devices, and the identity provider signed you in again without asking for your password. Sign out at the identity provider, then sign in again.',
};

/**
 * The built-in error page: a code the user can report, no details an
 * attacker could use, and never a stack.
 */
export function errorPage(status: number, code: string, headers: Headers): Response {
  const message = MESSAGES[code] ?? 'Authentication failed.';
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set('cache-control', NO_STORE);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>Sign-in error</h1><p>${message}</p><p>Error code: <code data-testid="auth-error-code">${code}</code></p><p><a href="/">Back to the home page</a></p></body></html>`;
  return new Response(body, { status, headers });
}
