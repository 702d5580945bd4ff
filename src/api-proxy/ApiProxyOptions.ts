/** Options of {@link createApiProxy}. */
export interface ApiProxyOptions {
  /**
   * Same-origin path prefix → upstream base URL. A request whose path is the
   * prefix, or the prefix followed by `/...`, goes to the base URL with the
   * rest of the path appended (after canonicalisation) and the query string
   * kept. The longest matching prefix wins. Upstreams must be `https:`
   * (plain `http:` only on loopback), with no credentials, query or fragment.
   *
   * @example `{ '/api/proxy/orders': 'https://api.example.com/orders' }`
   */
  routes: Record<string, string>;
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
