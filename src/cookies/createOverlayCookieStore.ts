import { AuthError } from '../errors/AuthError.js';
import type { CookieDeleteOptions, CookieOptions, CookieStore } from './CookieStore.js';
import { isRawCookieName } from './isRawCookieName.js';
import { normalizeCookieOptions } from './normalizeCookieOptions.js';
import { pickDeleteOptions } from './pickDeleteOptions.js';

/**
 * What an adapter provides: reads of the incoming cookies and writes to the
 * host's response. Options reaching `set`/`delete` are already normalized
 * (valid name, `path` defaulted, prefix rules applied).
 *
 * @internal
 */
export interface CookieBackend {
  /** Incoming cookies, one entry per name. */
  getAll(): Array<{ name: string; value: string }>;
  get(name: string): string | undefined;
  set(name: string, value: string, options: CookieOptions): void;
  /** Expire the cookie; `options` identify it (path, domain, …). */
  delete(name: string, options: CookieDeleteOptions): void;
  /** Recognises the host's "cookies cannot be written here" error. */
  isReadOnlyError(err: unknown): boolean;
  /** Names the raw request header carried more than once, when the host exposes it. */
  duplicateNames?(): ReadonlySet<string>;
  /** Checked before every write and by `readOnly`; `false` refuses without trying. */
  canWrite?(): boolean;
}

/**
 * Wraps a backend into a {@link CookieStore}: read-your-writes through a local
 * overlay (the hosts differ on whether their reads see writes), and one place
 * for the read-only rule.
 *
 * @internal
 * @example
 * ```ts
 * const store = createOverlayCookieStore(backend);
 * store.set('a', '1');
 * store.get('a'); // '1', whatever the backend's reads say
 * ```
 */
export function createOverlayCookieStore(backend: CookieBackend): CookieStore {
  // name -> value written here, or undefined when deleted here. Map keeps write order.
  const overlay = new Map<string, string | undefined>();
  let refused = false;

  const isReadOnly = (): boolean => refused || backend.canWrite?.() === false;

  const write = (action: () => void): void => {
    if (isReadOnly()) {
      refused = true;
      throw new AuthError('CookiesReadOnly', READ_ONLY_MESSAGE);
    }
    try {
      action();
    } catch (err) {
      if (backend.isReadOnlyError(err)) {
        refused = true;
        throw new AuthError('CookiesReadOnly', READ_ONLY_MESSAGE, { cause: err });
      }
      throw err;
    }
  };

  return {
    get(name) {
      return overlay.has(name) ? overlay.get(name) : backend.get(name);
    },
    getAll() {
      const out: Array<{ name: string; value: string }> = [];
      const seen = new Set<string>();
      for (const { name, value } of backend.getAll()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const v = overlay.has(name) ? overlay.get(name) : value;
        if (v !== undefined) out.push({ name, value: v });
      }
      for (const [name, value] of overlay) {
        if (!seen.has(name) && value !== undefined) out.push({ name, value });
      }
      return out;
    },
    set(name, value, options) {
      const o = normalizeCookieOptions(name, options);
      write(() => backend.set(name, value, o));
      overlay.set(name, value);
    },
    delete(name, options) {
      // A name outside the token grammar can be expired only when the request
      // carried it (a raw `@` from an older Amplify adapter), never invented.
      const carried = isRawCookieName(name) && backend.getAll().some((c) => c.name === name);
      const o = normalizeCookieOptions(name, options, { rawName: carried });
      write(() => backend.delete(name, pickDeleteOptions(o)));
      overlay.set(name, undefined);
    },
    get readOnly() {
      return isReadOnly();
    },
    isAmbiguous(name) {
      return !overlay.has(name) && (backend.duplicateNames?.().has(name) ?? false);
    },
  };
}

const READ_ONLY_MESSAGE =
  'Cookies cannot be written in this context (Next.js allows it only in Server Actions, Route Handlers, middleware/proxy, and before a response is sent)';
