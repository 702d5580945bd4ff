import { NextResponse } from 'next/server.js';

/**
 * The response that lets the request go on. Cookies written during the check
 * (a refresh) go to the browser as Set-Cookie **and** ride on the forwarded
 * request headers, so server components, route handlers and server actions of
 * this same request read the new session. `upstream` is the app's own
 * middleware response: its headers and cookies are kept.
 */
export function forwardResponse(request: Request, written: Headers, upstream: Response | undefined): Response {
  const setCookies = written.getSetCookie();
  if (setCookies.length === 0) return upstream ?? NextResponse.next();
  const forwarded = NextResponse.next({ request: { headers: request.headers } });
  const target = upstream ?? forwarded;
  if (upstream) {
    // Merge Next's request-override headers into the app's response.
    const overrides = new Set((upstream.headers.get('x-middleware-override-headers') ?? '').split(',').filter(Boolean));
    forwarded.headers.forEach((value, name) => {
      if (name === 'x-middleware-override-headers') value.split(',').forEach((h) => overrides.add(h));
      else if (name.startsWith('x-middleware-request-')) upstream.headers.set(name, value);
    });
    upstream.headers.set('x-middleware-override-headers', [...overrides].join(','));
    if (!upstream.headers.has('x-middleware-next') && !upstream.headers.has('x-middleware-rewrite')) upstream.headers.set('x-middleware-next', '1');
  }
  for (const line of setCookies) target.headers.append('set-cookie', line);
  target.headers.set('cache-control', 'private, no-store');
  return target;
}
