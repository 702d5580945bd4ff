/**
 * Attributes of a cookie written through a {@link CookieStore}.
 *
 * `path` defaults to `/` in every adapter (Next's own cookie APIs do the
 * same), so a cookie never lands on the request's directory by accident and a
 * later delete with the same options always hits it.
 */
export interface CookieOptions {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
  path?: string;
  domain?: string;
  /** Seconds; an integer. */
  maxAge?: number;
  expires?: Date;
}

/**
 * The attributes that identify which cookie a delete expires: a browser only
 * replaces a cookie whose name, path and domain match (and honours `__Host-`
 * / `__Secure-` only with `Secure`).
 */
export type CookieDeleteOptions = Pick<CookieOptions, 'path' | 'domain' | 'secure' | 'sameSite' | 'httpOnly'>;

/**
 * One synchronous cookie API over every Next.js context (server components,
 * server actions, route handlers, middleware/proxy, Pages Router).
 *
 * Names are used as-is on the wire: callers encode user-derived names with
 * `encodeCookieName` / `encodeAmplifyCookieName`. Values are raw strings; each
 * adapter encodes them on the wire (`encodeURIComponent`) and decodes on read,
 * so any well-formed string round-trips.
 */
export interface CookieStore {
  /**
   * The cookie's value, or `undefined`. Reflects `set`/`delete` done through
   * this store (read-your-writes).
   */
  get(name: string): string | undefined;
  /** Every cookie, with `set`/`delete` through this store applied; names as on the wire. */
  getAll(): Array<{ name: string; value: string }>;
  /**
   * Writes a cookie.
   *
   * @throws AuthError `CookiesReadOnly` where writes are impossible (server
   *   components, a response whose headers are already sent or immutable).
   * @throws AuthError `InvalidConfig` for an invalid name or options that
   *   contradict a `__Host-` / `__Secure-` prefix.
   */
  set(name: string, value: string, options?: CookieOptions): void;
  /**
   * Expires a cookie (`Max-Age=0`, `Expires` in 1970). Same rules as `set`,
   * except that a name the request carried may be outside the token grammar
   * when it is still safe in a header (`@`, `(`, `)`, … but no `;`, `,`, `=`,
   * whitespace or control characters): browsers hold such names (older Amplify
   * adapters wrote them) and remove them with a same-name `Max-Age=0`.
   */
  delete(name: string, options?: CookieDeleteOptions): void;
  /**
   * True when the store is known not to accept writes: by construction (e.g.
   * Pages Router response whose headers are sent) or after a refused write.
   * Next.js offers no way to know before trying, so `false` is not a promise.
   */
  readonly readOnly: boolean;
  /**
   * True when the request carried `name` more than once (seen only where the
   * raw `Cookie` header is visible; Next's `cookies()` keeps one value).
   */
  isAmbiguous(name: string): boolean;
}
