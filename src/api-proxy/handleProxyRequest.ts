import type { AuthRuntime } from '../context/AuthRuntime.js';
import { getAccessToken } from '../context/getAccessToken.js';
import { readSession } from '../context/readSession.js';
import { runInContext } from '../context/runInContext.js';
import { isAuthError } from '../errors/AuthError.js';
import { createDPoPSigner } from '../tokens/createDPoPSigner.js';
import { isDPoPNonceChallenge } from '../tokens/isDPoPNonceChallenge.js';
import { isSameOriginRequest } from '../routes/isSameOriginRequest.js';
import { NO_STORE } from '../routes/noStore.js';
import { bufferBody } from './bufferBody.js';
import type { BufferedBody } from './bufferBody.js';
import type { ProxyRoute } from './compileProxyRoutes.js';
import { downstreamResponseHeaders } from './downstreamResponseHeaders.js';
import { fetchUpstream } from './fetchUpstream.js';
import type { UpstreamOutcome } from './fetchUpstream.js';
import { proxiedLocation } from './proxiedLocation.js';
import { resolveUpstreamUrl } from './resolveUpstreamUrl.js';
import { upstreamRequestHeaders } from './upstreamRequestHeaders.js';

/** The proxy's settings after validation. */
export interface ProxySettings {
  routes: readonly ProxyRoute[];
  timeoutMs: number;
  maxBodyBytes: number;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODYLESS = new Set(['GET', 'HEAD']);

/** A JSON answer of the proxy itself, carrying the cookies the session read wrote. */
function json(status: number, error: string, written?: Headers): Response {
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': NO_STORE });
  for (const line of written?.getSetCookie() ?? []) headers.append('set-cookie', line);
  return new Response(JSON.stringify({ error }), { status, headers });
}

function log(what: string): void {
  // Never the URL (its query may carry secrets), never a header: only what failed.
  console.error(`next-server-auth: api proxy ${what}`);
}

/**
 * The API proxy's one request: allow-list and path, CSRF, session, upstream
 * call with the access token, one forced refresh and retry on a 401.
 * Every failure is a JSON 4xx/5xx, never an exception.
 */
export async function handleProxyRequest(runtime: AuthRuntime, settings: ProxySettings, request: Request): Promise<Response> {
  let requestUrl: URL;
  try {
    requestUrl = new URL(request.url);
  } catch {
    return json(400, 'bad_path');
  }
  const target = resolveUpstreamUrl(settings.routes, requestUrl);
  if (target.kind === 'not_found') return json(404, 'not_found');
  if (target.kind === 'bad_path') return json(400, 'bad_path');
  const method = request.method.toUpperCase();
  // CSRF: a state-changing call must come from this origin's own pages (checked before anything is read).
  if (!SAFE.has(method) && !isSameOriginRequest(request.headers, runtime.options.origin)) return json(403, 'cross_site');

  const scratch = new Response(null);
  const proxied = runInContext(runtime, { request, response: scratch }, async (spec, state) => {
    const written = scratch.headers;
    const { resource, scopes } = target.route;
    // The upstream's own audience (RFC 8707), or the session's access token.
    const tokenFor = async (force: boolean): Promise<string | undefined> => {
      if (resource === undefined) {
        const session = await readSession(state, { force });
        return session?.tokens.accessToken;
      }
      try {
        return (await getAccessToken(spec, { resource, ...(scopes ? { scopes } : {}), forceRefresh: force })).token;
      } catch (err) {
        if (isAuthError(err, 'UserUnAuthenticated')) return undefined;
        throw err;
      }
    };
    try {
      const first = await tokenFor(false);
      if (first === undefined) return json(401, 'unauthenticated', written);
      const body: BufferedBody = BODYLESS.has(method) ? { buffered: true, bytes: undefined } : await bufferBody(request.body, settings.maxBodyBytes);
      // A DPoP-bound session (RFC 9449): its tokens (the session's and its resource tokens) are bound to its key.
      const dpopKey = (await readSession(state))?.tokens.dpopKey;
      const signer = dpopKey === undefined ? undefined : await createDPoPSigner(dpopKey);
      const send = async (accessToken: string): Promise<UpstreamOutcome> => {
        const init = { method, headers: upstreamRequestHeaders(request.headers, accessToken) };
        // `Authorization: DPoP` and a fresh proof for this exact upstream request (htm, htu, ath).
        if (signer !== undefined) await signer.authorize(init.headers, target.url, method, accessToken);
        const payload = body.buffered ? body.bytes : body.stream;
        const sent = await fetchUpstream(target.url, payload === undefined ? init : { ...init, body: payload }, settings.timeoutMs, request.signal);
        if (signer !== undefined && sent.kind === 'response') signer.learn(sent.response, target.url);
        return sent;
      };
      let outcome = await send(first);
      if (signer !== undefined && outcome.kind === 'response' && isDPoPNonceChallenge(outcome.response) && body.buffered) {
        // The upstream wants its nonce in the proof (RFC 9449 §9): learnt from this answer, one retry.
        await outcome.response.body?.cancel().catch(() => {});
        outcome = await send(first);
      }
      if (outcome.kind === 'response' && outcome.response.status === 401 && body.buffered) {
        // The token may have been revoked or rotated elsewhere: one forced refresh, one retry.
        await outcome.response.body?.cancel().catch(() => {});
        const again = await tokenFor(true);
        if (again === undefined) return json(401, 'unauthenticated', written);
        outcome = await send(again);
      }
      return answer(outcome, written, (location) => proxiedLocation(target.route, target.url, location));
    } catch (err) {
      log(`failed (${isAuthError(err) ? err.code : 'unexpected error'})`);
      if (isAuthError(err, 'DiscoveryFailed') || isAuthError(err, 'IdpUnavailable')) return json(503, 'idp_unavailable', written);
      if (isAuthError(err, 'StoreUnavailable')) return json(503, 'session_store_unavailable', written);
      if (isAuthError(err, 'ResourceNotGranted')) return json(403, 'resource_not_granted', written);
      return json(502, 'bad_gateway', written);
    }
  });
  // Reading the request's cookies failed before the session could be read: nothing reached the upstream.
  return proxied.catch((err: unknown) => {
    log(`failed (${isAuthError(err) ? err.code : 'unexpected error'})`);
    return json(502, 'bad_gateway');
  });
}

function answer(outcome: UpstreamOutcome, written: Headers, rewriteLocation: (location: string) => string): Response {
  if (outcome.kind === 'timeout') {
    log('upstream timed out');
    return json(504, 'upstream_timeout', written);
  }
  if (outcome.kind === 'unreachable') {
    log(`upstream unreachable (${outcome.reason})`);
    return json(502, 'upstream_unavailable', written);
  }
  const { response } = outcome;
  const headers = downstreamResponseHeaders(response.headers);
  const location = headers.get('location');
  if (location !== null) headers.set('location', rewriteLocation(location));
  // Our own session cookie (a refresh), never the upstream's.
  for (const line of written.getSetCookie()) headers.append('set-cookie', line);
  const nullBody = response.status === 204 || response.status === 304 || response.body === null;
  return new Response(nullBody ? null : response.body, { status: response.status, statusText: response.statusText, headers });
}
