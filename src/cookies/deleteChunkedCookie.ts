import type { CookieDeleteOptions, CookieStore } from './CookieStore.js';
import { findCookieChunks } from './findCookieChunks.js';
import { pickDeleteOptions } from './pickDeleteOptions.js';

/**
 * Expires the cookie `name` and every chunk `name.K` present in the store
 * (the request's cookies plus writes through the store). Pass the options the
 * value was written with (path, domain, secure), or browsers keep it.
 *
 * @throws AuthError `CookiesReadOnly` where the store cannot write.
 * @example
 * ```ts
 * deleteChunkedCookie(store, '__Host-session', { path: '/', secure: true });
 * ```
 */
export function deleteChunkedCookie(store: CookieStore, name: string, options?: CookieDeleteOptions): void {
  const del = pickDeleteOptions(options);
  if (store.get(name) !== undefined) store.delete(name, del);
  for (const index of findCookieChunks(store.getAll(), name).keys()) {
    store.delete(`${name}.${index}`, del);
  }
}

