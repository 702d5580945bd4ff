import { hopByHopNames } from './hopByHopNames.js';

/**
 * The browser's credentials and anything that speaks for this hop or for
 * Next.js itself: `X-Forwarded-*` / `Forwarded` / `X-Real-IP` are the
 * browser's to spoof, `x-middleware-subrequest` skips a Next.js upstream's
 * middleware. `Host`, `Content-Length` and `Accept-Encoding` are set by the
 * HTTP client for the new hop (it decodes what it asked for).
 */
// `dpop`: only the proxy's own proof may reach the upstream, never one the browser made up.
const DROPPED = new Set(['authorization', 'dpop', 'cookie', 'host', 'content-length', 'accept-encoding', 'forwarded', 'x-real-ip', 'expect']);
const DROPPED_PREFIXES = ['x-forwarded-', 'x-middleware-', 'x-invoke-', 'x-nextjs-'];

/**
 * The headers sent upstream: the browser's, minus its `Cookie` and
 * `Authorization`, hop-by-hop headers (and those its `Connection` names),
 * forwarding headers and Next.js internals; plus
 * `Authorization: Bearer <access token>`.
 *
 * @example
 * ```ts
 * upstreamRequestHeaders(request.headers, session.tokens.accessToken).get('authorization'); // 'Bearer eyJ...'
 * ```
 */
export function upstreamRequestHeaders(incoming: Headers, accessToken: string): Headers {
  const hop = hopByHopNames(incoming);
  const out = new Headers();
  for (const [name, value] of incoming) {
    if (hop.has(name) || DROPPED.has(name) || DROPPED_PREFIXES.some((p) => name.startsWith(p))) continue;
    out.append(name, value);
  }
  out.set('authorization', `Bearer ${accessToken}`);
  return out;
}
