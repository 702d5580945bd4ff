import type { CookieDeleteOptions, CookieOptions, CookieStore } from './CookieStore.js';
import { duplicateCookieNames } from './duplicateCookieNames.js';
import { createOverlayCookieStore } from './createOverlayCookieStore.js';
import { isNextReadOnlyCookiesError } from './isNextReadOnlyCookiesError.js';
import { isTypeError } from './isTypeError.js';

/** The part of `NextRequest` used here (structural: the library never imports Next). */
export interface NextMiddlewareRequestLike {
  /** Read once, for duplicate cookie names (Next's cookie map keeps one value per name). */
  readonly headers?: { get(name: string): string | null };
  readonly cookies: {
    get(name: string): { name: string; value: string } | undefined;
    getAll(): Array<{ name: string; value: string }>;
    set(name: string, value: string): unknown;
    delete(name: string): unknown;
  };
}

/** The part of `NextResponse` used here. */
export interface NextMiddlewareResponseLike {
  /** When present, writes also mark the response `Cache-Control: private, no-store`. */
  readonly headers?: { set(name: string, value: string): void };
  readonly cookies: {
    set(name: string, value: string, options?: CookieOptions): unknown;
    delete(options: { name: string; maxAge?: number } & CookieDeleteOptions): unknown;
  };
}

/**
 * A {@link CookieStore} for middleware / `proxy.ts`: reads `request.cookies`,
 * writes to `response.cookies` (the browser) **and** mirrors every write into
 * `request.cookies`, which rewrites the request's `cookie` header.
 *
 * Forward that header so server components, route handlers and server
 * actions of the same request see the new cookies (a response cookie alone
 * does not reach route handlers). `NextResponse.next({ request: { headers } })`
 * snapshots the headers when it is constructed, so build it **after** the
 * writes and copy the `Set-Cookie` lines of the response given here.
 *
 * Duplicate names in the request header: Next's parser keeps the **last**.
 *
 * @example
 * ```ts
 * export function proxy(request: NextRequest) {
 *   const scratch = NextResponse.next();
 *   const store = createCookieStoreFromNextMiddleware(request, scratch);
 *   store.set('__Host-session', sealed, { httpOnly: true, sameSite: 'lax' });
 *   const response = NextResponse.next({ request: { headers: request.headers } });
 *   for (const line of scratch.headers.getSetCookie()) response.headers.append('set-cookie', line);
 *   return response;
 * }
 * ```
 */
export function createCookieStoreFromNextMiddleware(
  request: NextMiddlewareRequestLike,
  response: NextMiddlewareResponseLike,
): CookieStore {
  // Mirroring into the request is best effort: it matters in middleware, where
  // the request is writable. Outside it (a route handler's sealed request) the
  // response write alone is what counts, and the overlay still gives
  // read-your-writes.
  const mirror = (action: () => void): void => {
    try {
      action();
    } catch (err) {
      if (!isRequestReadOnlyError(err)) throw err;
    }
  };

  let duplicates: ReadonlySet<string> | undefined;
  return createOverlayCookieStore({
    duplicateNames: () => (duplicates ??= duplicateCookieNames(request.headers?.get('cookie'))),
    get: (name) => request.cookies.get(name)?.value,
    getAll: () => request.cookies.getAll().map(({ name, value }) => ({ name, value })),
    set(name, value, options) {
      response.cookies.set(name, value, options);
      response.headers?.set('cache-control', 'private, no-store');
      mirror(() => request.cookies.set(name, value));
    },
    delete(name, options) {
      response.headers?.set('cache-control', 'private, no-store');
      response.cookies.delete({ ...options, name, maxAge: 0 });
      mirror(() => request.cookies.delete(name));
    },
    // A response built on immutable headers throws TypeError.
    isReadOnlyError: isTypeError,
  });
}

function isRequestReadOnlyError(err: unknown): boolean {
  if (isTypeError(err) || isNextReadOnlyCookiesError(err)) return true;
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.includes('Headers cannot be modified');
}
