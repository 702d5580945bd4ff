import type { IncomingMessage } from 'node:http';

/** What Next's Pages Router body parser leaves on the request (string, Buffer or parsed form/JSON). */
type ParsedBody = { body?: unknown };

/** The body Next's Pages Router already parsed, as the urlencoded text it came from (form values only). */
function reencode(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (typeof body !== 'object' || body === null) return undefined;
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, String(v));
  }
  return form.toString();
}

/** The request stream as a Web stream, without importing node:stream (this module reaches edge bundles). */
function streamOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value));
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/**
 * A Pages Router request as a Web `Request`. The URL is built on the
 * configured origin: the Host header never decides where we redirect.
 * Only routes that read a body (back-channel logout) ask for it
 * (`withBody`): Next's parsed `req.body` when its body parser ran, else the
 * request stream (the route bounds how much it reads).
 */
export function toWebRequest(req: IncomingMessage, origin: string, { withBody = false }: { withBody?: boolean } = {}): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const path = req.url && req.url.startsWith('/') ? req.url : '/';
  const method = req.method ?? 'GET';
  const url = new URL(path, origin);
  if (!withBody || method !== 'POST') return new Request(url, { method, headers });
  const parsed = (req as IncomingMessage & ParsedBody).body;
  if (parsed !== undefined) {
    // Re-encoded: the original length no longer applies.
    headers.delete('content-length');
    return new Request(url, { method, headers, body: reencode(parsed) ?? '' });
  }
  return new Request(url, { method, headers, body: streamOf(req), duplex: 'half' } as RequestInit);
}
