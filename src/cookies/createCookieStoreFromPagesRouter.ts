import type { CookieStore } from './CookieStore.js';
import { duplicateCookieNames } from './duplicateCookieNames.js';
import { createOverlayCookieStore } from './createOverlayCookieStore.js';
import { parseCookieHeader } from './parseCookieHeader.js';
import { replaceSetCookieLine } from './replaceSetCookieLine.js';
import { serializeCookie } from './serializeCookie.js';
import { serializeCookieDeletion } from './serializeCookieDeletion.js';

/** The part of Node's `IncomingMessage` (Pages Router `req`) used here. */
export interface PagesRouterRequestLike {
  readonly headers: { readonly cookie?: string | undefined };
}

/** The part of Node's `ServerResponse` (Pages Router `res`) used here. */
export interface PagesRouterResponseLike {
  readonly headersSent: boolean;
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
}

/**
 * A {@link CookieStore} for the Pages Router (`getServerSideProps`, API
 * routes): reads `req.headers.cookie` (for a name sent twice the first wins),
 * writes by merging into the response's `Set-Cookie` header: cookies set by
 * other code are kept, a line for the same name is replaced, and the header
 * is always an array. Once `res.headersSent` the store is read-only and writes
 * throw `AuthError('CookiesReadOnly')`.
 *
 * Types only: nothing from `node:http` is imported, so this file also loads
 * on the edge runtime.
 *
 * @example
 * ```ts
 * export const getServerSideProps: GetServerSideProps = async ({ req, res }) => {
 *   const store = createCookieStoreFromPagesRouter(req, res);
 *   return { props: { signedIn: store.get('__Host-session') !== undefined } };
 * };
 * ```
 */
export function createCookieStoreFromPagesRouter(req: PagesRouterRequestLike, res: PagesRouterResponseLike): CookieStore {
  let incoming: Map<string, string> | undefined;
  const read = (): Map<string, string> => {
    incoming ??= new Map(parseCookieHeader(req.headers.cookie).map(({ name, value }) => [name, value]));
    return incoming;
  };

  const writeLine = (name: string, line: string): void => {
    res.setHeader('Set-Cookie', replaceSetCookieLine(currentSetCookie(res), name, line));
    // A response carrying someone's cookie must never be stored by a shared cache.
    res.setHeader('Cache-Control', 'private, no-store');
  };

  let duplicates: ReadonlySet<string> | undefined;
  return createOverlayCookieStore({
    duplicateNames: () => (duplicates ??= duplicateCookieNames(req.headers.cookie)),
    get: (name) => read().get(name),
    getAll: () => [...read()].map(([name, value]) => ({ name, value })),
    set: (name, value, options) => writeLine(name, serializeCookie(name, value, options)),
    delete: (name, options) => writeLine(name, serializeCookieDeletion(name, options)),
    canWrite: () => !res.headersSent,
    // Node refuses setHeader after the head is written with this code.
    isReadOnlyError: (err) =>
      typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_HTTP_HEADERS_SENT',
  });
}

function currentSetCookie(res: PagesRouterResponseLike): string[] {
  const value = res.getHeader('set-cookie');
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}
