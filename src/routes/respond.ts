import { NO_STORE } from './noStore.js';
import { errorPage } from './errorPage.js';
import type { RouteContext } from './RouteContext.js';

/** A redirect carrying the route's cookies, never cached. */
export function redirectTo(route: RouteContext, location: string, status: 302 | 303 = 303): Response {
  const headers = new Headers(route.headers);
  headers.set('location', location);
  headers.set('cache-control', NO_STORE);
  return new Response(null, { status, headers });
}

/** An error for the user: the app's error page when configured, else the built-in one. */
export function failWith(route: RouteContext, status: number, code: string): Response {
  const { errorPath } = route.options;
  if (errorPath) {
    const url = new URL(errorPath, route.runtime.options.origin);
    url.searchParams.set('error', code);
    return redirectTo(route, url.href);
  }
  return errorPage(status, code, new Headers(route.headers));
}
