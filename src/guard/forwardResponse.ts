import { NextResponse } from 'next/server.js';
import { withCookies } from './withCookies.js';

/** Whether a middleware response lets the request go on (rather than answering it). */
function continues(response: Response): boolean {
  return response.headers.has('x-middleware-next') || response.headers.has('x-middleware-rewrite');
}

/**
 * The response that lets the request go on. Cookies written during the check
 * (a refresh, a cleared session) go to the browser as Set-Cookie **and** ride
 * on the forwarded request headers, so server components, route handlers and
 * server actions of this same request read the new session.
 *
 * `upstream` is the app's own middleware response and keeps its say: an
 * answer (a 401, a redirect) stays an answer with our cookies added; a
 * response that continues keeps its own request-header overrides, and only
 * the `cookie` header is replaced.
 */
export function forwardResponse(request: Request, written: Headers, upstream: Response | undefined): Response {
  if (!written.has('set-cookie')) return upstream ?? NextResponse.next();
  if (upstream === undefined) return withCookies(NextResponse.next({ request: { headers: request.headers } }), written);
  if (continues(upstream)) forwardCookieHeader(request, upstream);
  return withCookies(upstream, written);
}

function forwardCookieHeader(request: Request, upstream: Response): void {
  const listed = upstream.headers.get('x-middleware-override-headers');
  if (listed === null) {
    // No overrides yet: Next's own full list for this request (every header, new cookie).
    NextResponse.next({ request: { headers: request.headers } }).headers.forEach((value, name) => {
      if (name === 'x-middleware-override-headers' || name.startsWith('x-middleware-request-')) upstream.headers.set(name, value);
    });
    return;
  }
  // The app already chose the request headers: change only the cookie header.
  const names = new Set(listed.split(',').filter(Boolean));
  names.add('cookie');
  upstream.headers.set('x-middleware-override-headers', [...names].join(','));
  upstream.headers.set('x-middleware-request-cookie', request.headers.get('cookie') ?? '');
}
