import type { CookieStore } from './CookieStore.js';
import { duplicateCookieNames } from './duplicateCookieNames.js';
import { createOverlayCookieStore } from './createOverlayCookieStore.js';
import { isTypeError } from './isTypeError.js';
import { parseCookieHeader } from './parseCookieHeader.js';
import { replaceSetCookieLine } from './replaceSetCookieLine.js';
import { serializeCookie } from './serializeCookie.js';
import { serializeCookieDeletion } from './serializeCookieDeletion.js';

/** The part of a Web `Request` (or `NextRequest`) used here. */
export interface FetchApiRequestLike {
  readonly headers: { get(name: string): string | null };
}

/** The part of a Web `Response` (or `NextResponse`) used here. */
export interface FetchApiResponseLike {
  readonly headers: {
    getSetCookie(): string[];
    append(name: string, value: string): void;
    set(name: string, value: string): void;
    delete(name: string): void;
  };
}

/**
 * A {@link CookieStore} over a Web `Request` and the `Response` a route
 * handler will return (App Router route handlers, or any Fetch API server).
 *
 * Reads parse the request's `cookie` header with the `cookie` package (for a
 * name sent twice the first wins). Writes append a `Set-Cookie` line to the
 * response, replacing any earlier line for the same name, so the response
 * carries one line per cookie name. A response with immutable headers (e.g.
 * `Response.redirect()`) makes writes throw `AuthError('CookiesReadOnly')`;
 * build redirects with `new Response(null, { status: 302, headers: { location } })`.
 *
 * @example
 * ```ts
 * export async function GET(request: Request) {
 *   const response = new Response(null, { status: 302, headers: { location: '/dashboard' } });
 *   const store = createCookieStoreFromFetchApi(request, response);
 *   store.delete('__Host-auth-tx', { path: '/' });
 *   return response;
 * }
 * ```
 */
export function createCookieStoreFromFetchApi(request: FetchApiRequestLike, response: FetchApiResponseLike): CookieStore {
  let incoming: Map<string, string> | undefined;
  const read = (): Map<string, string> => {
    incoming ??= new Map(parseCookieHeader(request.headers.get('cookie')).map(({ name, value }) => [name, value]));
    return incoming;
  };

  const writeLine = (name: string, line: string): void => {
    const headers = response.headers;
    // A response carrying someone's cookie must never be stored by a shared cache.
    headers.set('cache-control', 'private, no-store');
    const existing = headers.getSetCookie();
    const next = replaceSetCookieLine(existing, name, line);
    if (next.length === existing.length + 1) {
      headers.append('set-cookie', line);
      return;
    }
    // Headers cannot remove one value: rebuild the list without the old line.
    headers.delete('set-cookie');
    for (const l of next) headers.append('set-cookie', l);
  };

  let duplicates: ReadonlySet<string> | undefined;
  return createOverlayCookieStore({
    duplicateNames: () => (duplicates ??= duplicateCookieNames(request.headers.get('cookie'))),
    get: (name) => read().get(name),
    getAll: () => [...read()].map(([name, value]) => ({ name, value })),
    set: (name, value, options) => writeLine(name, serializeCookie(name, value, options)),
    delete: (name, options) => writeLine(name, serializeCookieDeletion(name, options)),
    // Immutable headers (Response.redirect, Response.error, fetch responses) throw TypeError.
    isReadOnlyError: isTypeError,
  });
}
