import type { AuthEvents } from '../config/AuthEvents.js';
import type { AuthRuntime } from '../context/AuthRuntime.js';
import { isAuthError } from '../errors/AuthError.js';
import { createLogoutReplayGuard } from '../oauth/createLogoutReplayGuard.js';
import type { LogoutReplayGuard } from '../oauth/createLogoutReplayGuard.js';
import { LOGOUT_TOKEN_MAX_AGE, verifyLogoutToken } from '../oauth/verifyLogoutToken.js';
import type { RouteContext } from './RouteContext.js';

/** Largest accepted request body, bytes. A logout token is a few hundred bytes to a few KB. */
export const BACKCHANNEL_LOGOUT_MAX_BODY = 16 * 1024;

/** Seconds the IdP is told to wait before retrying after a 503. */
const RETRY_AFTER = '5';

// One replay memory per runtime (two runners never share it); the store, when set, is the shared one.
const guards = new WeakMap<AuthRuntime, LogoutReplayGuard>();

function guardOf(runtime: AuthRuntime): LogoutReplayGuard {
  let guard = guards.get(runtime);
  if (guard === undefined) {
    guard = createLogoutReplayGuard({ ...(runtime.options.store ? { store: runtime.options.store } : {}) });
    guards.set(runtime, guard);
  }
  return guard;
}

type Failure = Parameters<NonNullable<AuthEvents['backchannelLogout_failure']>>[0]['reason'];

function answer(status: number, body?: unknown, extra: Record<string, string> = {}): Response {
  // §2.8: the response carries Cache-Control: no-store.
  const headers = { 'cache-control': 'no-store', ...extra };
  return body === undefined ? new Response(null, { status, headers }) : Response.json(body, { status, headers });
}

function refused(runtime: AuthRuntime, reason: Failure, description: string): Response {
  runtime.emit('backchannelLogout_failure', { reason });
  return answer(400, { error: 'invalid_request', error_description: description });
}

function unavailable(runtime: AuthRuntime): Response {
  runtime.emit('backchannelLogout_failure', { reason: 'unavailable' });
  return answer(503, { error: 'temporarily_unavailable', error_description: 'try again later' }, { 'retry-after': RETRY_AFTER });
}

/** The body as text when it is at most `limit` bytes of UTF-8; undefined otherwise (never read past the limit). */
async function readBody(request: Request, limit: number): Promise<string | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= limit)) {
    await request.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * `POST /api/auth/backchannel-logout` (OIDC Back-Channel Logout 1.0 §2.5):
 * the IdP posts a `logout_token` server-to-server, so there is no cookie,
 * no Origin check and no CSRF token: the signed token is the whole
 * authentication. A valid token (see {@link verifyLogoutToken}), used for the
 * first time (its `jti`, across instances with a store), ends the matching
 * sessions through `runtime.sessions` and is answered 200. Anything refused
 * is a 400 JSON `{ error: 'invalid_request', error_description }` (§2.8) and
 * ends nothing; the IdP's keys or the store being unreachable is a 503 with
 * `Retry-After` (the `jti` is released so a retry is accepted). Never a 500,
 * never token material in a response, log or event.
 *
 * @example
 * ```ts
 * // app/api/auth/[slug]/route.ts — already served by createAuthRouteHandlers:
 * export const { GET, POST } = createAuthRouteHandlers({});
 * // register http(s)://<app>/api/auth/backchannel-logout as the client's backchannel_logout_uri
 * ```
 */
export async function handleBackchannelLogout({ runtime, request }: RouteContext): Promise<Response> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    await request.body?.cancel().catch(() => undefined);
    return refused(runtime, 'malformed', 'the body must be application/x-www-form-urlencoded');
  }
  const body = await readBody(request, BACKCHANNEL_LOGOUT_MAX_BODY).catch(() => undefined);
  if (body === undefined) return refused(runtime, 'malformed', `the body must be UTF-8 of at most ${BACKCHANNEL_LOGOUT_MAX_BODY} bytes`);
  const tokens = new URLSearchParams(body).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '') return refused(runtime, 'malformed', 'exactly one logout_token is required');

  let claims;
  try {
    claims = await verifyLogoutToken(runtime.verifier, tokens[0]!);
  } catch (err) {
    // TokenInvalid messages are fixed reasons (jose error codes at most), never token material.
    if (isAuthError(err, 'TokenInvalid')) return refused(runtime, 'rejected', err.message);
    console.error(`next-server-auth: backchannel-logout could not verify a logout token (${isAuthError(err) ? err.code : 'unexpected error'})`);
    return unavailable(runtime);
  }

  const { issuer } = runtime.config;
  const skew = runtime.options.tokens.clockSkew;
  // After this the token is refused as expired or too old anyway: remembering it longer is useless.
  const until = (Math.min(claims.exp, claims.iat + LOGOUT_TOKEN_MAX_AGE) + skew + 1) * 1000;
  const guard = guardOf(runtime);
  let first: boolean;
  try {
    first = await guard.claim(issuer, claims.jti, until);
  } catch {
    console.error('next-server-auth: backchannel-logout could not record the logout token (replay check failed)');
    return unavailable(runtime);
  }
  if (!first) return refused(runtime, 'replayed', 'logout token already used (jti)');

  const match = { ...(claims.sub === undefined ? {} : { sub: claims.sub }), ...(claims.sid === undefined ? {} : { sid: claims.sid }) };
  try {
    await runtime.sessions.endSessions(match);
  } catch (err) {
    // Nothing is known to be ended: let the IdP retry the same token.
    await guard.release(issuer, claims.jti);
    console.error(`next-server-auth: backchannel-logout could not end the sessions (${isAuthError(err) ? err.code : 'unexpected error'})`);
    return unavailable(runtime);
  }
  runtime.emit('backchannelLogout', match);
  return answer(200);
}
