import type { CookieDeleteOptions, CookieOptions, CookieStore } from './CookieStore.js';
import { createOverlayCookieStore } from './createOverlayCookieStore.js';
import { isNextReadOnlyCookiesError } from './isNextReadOnlyCookiesError.js';

/**
 * The part of Next's `await cookies()` store (from `next/headers`) this
 * library uses. Declared structurally so the library never imports Next.
 */
export interface NextCookiesLike {
  get(name: string): { name: string; value?: string | undefined } | undefined;
  getAll(): Array<{ name: string; value?: string | undefined }>;
  set(name: string, value: string, options?: CookieOptions): unknown;
  delete(options: { name: string; maxAge?: number } & CookieDeleteOptions): unknown;
}

/**
 * A {@link CookieStore} over the store returned by `await cookies()` from
 * `next/headers` (server components, server actions, route handlers).
 *
 * Next gives no way to know whether the store is writable: the first `set`
 * or `delete` tries, and in a server component Next's refusal becomes
 * `AuthError('CookiesReadOnly')` (original error as `cause`) and `readOnly`
 * turns true. Any other error is rethrown.
 *
 * A cookie whose value is empty or missing counts as absent: after a delete
 * forwarded from middleware Next still lists the name with no value (never
 * trust `has()`). Duplicate names in the request header: Next's parser keeps
 * the **last** one; this store reports whatever Next reports.
 *
 * @example
 * ```ts
 * import { cookies } from 'next/headers';
 * const store = createCookieStoreFromNextCookies(await cookies());
 * const session = store.get('__Host-session');
 * ```
 */
export function createCookieStoreFromNextCookies(store: NextCookiesLike): CookieStore {
  return createOverlayCookieStore({
    get(name) {
      const value = store.get(name)?.value;
      return value === undefined || value === '' ? undefined : value;
    },
    getAll() {
      const out: Array<{ name: string; value: string }> = [];
      for (const { name, value } of store.getAll()) {
        if (value !== undefined && value !== '') out.push({ name, value });
      }
      return out;
    },
    set(name, value, options) {
      store.set(name, value, options);
    },
    delete(name, options) {
      // Next adds Expires=1970; Max-Age=0 makes the intent explicit to every client.
      store.delete({ ...options, name, maxAge: 0 });
    },
    isReadOnlyError: isNextReadOnlyCookiesError,
  });
}
