import { NO_STORE } from '../routes/noStore.js';
import { hopByHopNames } from './hopByHopNames.js';

/**
 * Headers an upstream must not set on this origin: its cookies (they would be
 * this app's), and site-wide policies (`Clear-Site-Data` would wipe the
 * session, HSTS and `Alt-Svc` would bind the whole origin).
 */
const DROPPED = new Set(['set-cookie', 'set-cookie2', 'clear-site-data', 'strict-transport-security', 'alt-svc']);
/** Codings Node's fetch decodes on the way in: the body we pass on is no longer encoded. */
const DECODED = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'identity']);

/**
 * The headers sent back to the browser: the upstream's, minus `Set-Cookie`,
 * site-wide policies and hop-by-hop headers (and those its `Connection`
 * names); a `WWW-Authenticate` other than `Bearer` is dropped (a `Basic`
 * challenge would open the browser's password dialog on this origin).
 * `Cache-Control: private, no-store` unless the upstream already said
 * `no-store`: the answer is this user's.
 *
 * @example
 * ```ts
 * downstreamResponseHeaders(upstream.headers).get('set-cookie'); // null
 * ```
 */
export function downstreamResponseHeaders(upstream: Headers): Headers {
  const hop = hopByHopNames(upstream);
  const out = new Headers();
  for (const [name, value] of upstream) {
    if (hop.has(name) || DROPPED.has(name)) continue;
    if (name === 'www-authenticate' && !/^\s*bearer\b/i.test(value)) continue;
    out.append(name, value);
  }
  const encoding = upstream.get('content-encoding');
  if (encoding !== null && encoding.split(',').every((c) => DECODED.has(c.trim().toLowerCase()))) {
    // fetch has decoded the body: its length and coding no longer describe it.
    out.delete('content-encoding');
    out.delete('content-length');
  }
  if (!/(^|,)\s*no-store\s*(,|$)/i.test(upstream.get('cache-control') ?? '')) out.set('cache-control', NO_STORE);
  return out;
}
