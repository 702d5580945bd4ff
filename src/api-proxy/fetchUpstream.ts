/** What one upstream call came to. */
export type UpstreamOutcome = { kind: 'response'; response: Response } | { kind: 'timeout' } | { kind: 'unreachable'; reason: string };

/**
 * One upstream request, never following redirects (they pass back to the
 * browser), aborted when the upstream has not sent its response headers
 * within `timeoutMs` or when the browser goes away. The body is not timed:
 * it streams for as long as it takes.
 *
 * @example
 * ```ts
 * const outcome = await fetchUpstream(url, { method: 'GET', headers }, 10_000, request.signal);
 * if (outcome.kind === 'timeout') return json(504, { error: 'upstream_timeout' });
 * ```
 */
export async function fetchUpstream(url: URL, init: { method: string; headers: Headers; body?: Uint8Array | ReadableStream<Uint8Array> }, timeoutMs: number, clientSignal?: AbortSignal): Promise<UpstreamOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onClientGone = () => controller.abort();
  clientSignal?.addEventListener('abort', onClientGone, { once: true });
  try {
    const response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      redirect: 'manual',
      signal: controller.signal,
      ...(init.body !== undefined ? { body: init.body, duplex: 'half' } : {}),
    } as RequestInit);
    return { kind: 'response', response };
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    // The cause's code only (ECONNREFUSED, ENOTFOUND...): messages may quote the URL and its query.
    const cause = (err as { cause?: { code?: unknown } }).cause;
    return { kind: 'unreachable', reason: typeof cause?.code === 'string' ? cause.code : 'fetch failed' };
  } finally {
    clearTimeout(timer);
  }
}
