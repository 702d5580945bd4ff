/**
 * One upstream of {@link ApiProxyOptions.routes} that gets its own access
 * token: the API named by `resource` (RFC 8707), see `getAccessToken`.
 *
 * @example
 * ```ts
 * const orders: ApiProxyRoute = { url: 'https://orders.example.com/v1', resource: 'https://orders.example.com', scopes: ['orders:read'] };
 * ```
 */
export interface ApiProxyRoute {
  /** The upstream base URL (same rules as a plain string route). */
  url: string;
  /**
   * The upstream gets a token whose audience is this resource (listed in
   * `oidc.resources`) instead of the session's own access token.
   * @default undefined (the session's access token)
   */
  resource?: string;
  /** Narrower scopes for that token (only with `resource`). @default undefined (all the sign-in granted) */
  scopes?: string[];
}

/** Options of {@link createApiProxy}. */
export interface ApiProxyOptions {
  /**
   * Same-origin path prefix → upstream base URL. A request whose path is the
   * prefix, or the prefix followed by `/...`, goes to the base URL with the
   * rest of the path appended (after canonicalisation) and the query string
   * kept. The longest matching prefix wins. Upstreams must be `https:`
   * (plain `http:` only on loopback), with no credentials, query or fragment.
   *
   * A route given as `{ url, resource, scopes }` sends that upstream a token
   * of its own audience (RFC 8707, see `getAccessToken`), so a token meant
   * for one API is never presented to another.
   *
   * @example `{ '/api/proxy/orders': 'https://api.example.com/orders' }`
   * @example `{ '/api/proxy/billing': { url: 'https://billing.example.com/v2', resource: 'https://billing.example.com' } }`
   */
  routes: Record<string, string | ApiProxyRoute>;
  /**
   * How long to wait for the upstream's response headers, in milliseconds;
   * then the proxy answers 504. The body is streamed and not timed.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Request bodies up to this size are buffered, so that an upstream 401 can
   * be retried once after a forced refresh; larger bodies are streamed
   * through and an upstream 401 passes through as it is.
   * @default 1048576
   */
  maxBodyBytes?: number;
}
