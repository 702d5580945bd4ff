/**
 * One line saying why a request to the IdP failed, for error messages and
 * logs: the HTTP status, the network error (`ECONNREFUSED`, `ENOTFOUND`), a
 * timeout, or what was wrong with the answer. Built from the error only, never
 * from a request (no tokens), with credentials of any URL in it removed. At
 * most 300 characters, on one line.
 *
 * @example
 * ```ts
 * describeFetchFailure(err); // 'fetch failed (connect ECONNREFUSED 127.0.0.1:3200)'
 * ```
 */
export function describeFetchFailure(err: unknown): string {
  return oneLine(describe(err));
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const cause: unknown = err.cause;
  if (err.name === 'TimeoutError') return 'no answer before the timeout (runtimeOptions.httpTimeoutMs)';
  if (err.name === 'AbortError') return 'the request was aborted';
  // oauth4webapi puts the Response in `cause` when the status was wrong.
  if (cause instanceof Response) return `HTTP ${cause.status}${cause.statusText ? ` ${cause.statusText}` : ''}`;
  if (typeof cause === 'object' && cause !== null) {
    const c = cause as { code?: unknown; message?: unknown; expected?: unknown; attribute?: unknown; body?: unknown };
    // Node's fetch: TypeError('fetch failed') with the socket error as cause.
    if (err.message === 'fetch failed' && typeof c.message === 'string') return `fetch failed (${c.message})`;
    if (typeof c.expected === 'string' && typeof c.attribute === 'string') {
      const got = typeof c.body === 'object' && c.body !== null ? (c.body as Record<string, unknown>)[c.attribute] : undefined;
      return `the document's ${c.attribute} is ${JSON.stringify(got)}, expected ${JSON.stringify(c.expected)}`;
    }
    if (typeof c.message === 'string') return `${err.message}: ${c.message}`;
  }
  return err.message || err.name;
}

function oneLine(text: string): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    // fetch quotes the URL it refused, credentials included: drop them.
    .replace(/\/\/[^/\s@]*@/g, '//')
    .trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
