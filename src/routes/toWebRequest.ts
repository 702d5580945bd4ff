import type { IncomingMessage } from 'node:http';

/**
 * A Pages Router request as a Web `Request`. The URL is built on the
 * configured origin: the Host header never decides where we redirect.
 * Auth routes read no body, so none is copied.
 */
export function toWebRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const path = req.url && req.url.startsWith('/') ? req.url : '/';
  return new Request(new URL(path, origin), { method: req.method ?? 'GET', headers });
}
