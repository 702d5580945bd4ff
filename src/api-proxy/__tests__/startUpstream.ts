import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** One request the test upstream received, as it arrived on the wire. */
export interface SeenRequest {
  method: string;
  /** The raw request target (path and query, as sent). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The bearer token of its Authorization header, if any. */
  token: string | undefined;
}

/** A real loopback HTTP server standing in for a resource server. */
export interface TestUpstream {
  origin: string;
  seen: SeenRequest[];
  /** Tokens answered with 401 (`'*'`: every token). */
  rejectTokens: Set<string>;
  /** Resolves when `/stream` may finish; `streamFinished` says whether it did. */
  releaseStream(): void;
  streamFinished(): boolean;
  close(): Promise<void>;
}

/** Bytes `/stream` sends in all (the first 64 KiB at once, the rest once released). */
export const STREAM_BYTES = 4 * 1024 * 1024;

/**
 * Starts the upstream on a free loopback port. Paths: `/hang` never answers;
 * `/v1/orders/stream` sends 64 KiB, then waits for `releaseStream()`;
 * `/v1/orders/headers` answers with cookies and hop-by-hop headers;
 * `/v1/orders/gzip` answers with a gzip-encoded body; `/v1/orders/redirect`
 * redirects under the base, `/v1/orders/redirect-out` elsewhere;
 * anything else echoes `{ method, url }` as JSON. A token in `rejectTokens`
 * gets 401 `WWW-Authenticate: Bearer error="invalid_token"`.
 */
export async function startUpstream(): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const rejectTokens = new Set<string>();
  let release!: () => void;
  let released = new Promise<void>((r) => (release = r));
  let finished = false;
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), token });
      const path = (req.url ?? '').split('?')[0];
      if (token !== undefined && (rejectTokens.has(token) || rejectTokens.has('*'))) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
        res.end('{"error":"invalid_token"}');
        return;
      }
      if (path === '/hang') {
        open.add(res);
        return;
      }
      if (path === '/v1/orders/stream') {
        finished = false;
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(64 * 1024, 97));
        void released.then(() => {
          res.end(Buffer.alloc(STREAM_BYTES - 64 * 1024, 98), () => (finished = true));
        });
        return;
      }
      if (path === '/v1/orders/redirect' || path === '/v1/orders/redirect-out') {
        res.writeHead(302, { location: path === '/v1/orders/redirect' ? '/v1/orders/2?x=1' : 'https://elsewhere.example/x' });
        res.end();
        return;
      }
      if (path === '/v1/orders/gzip') {
        const body = gzipSync(JSON.stringify({ compressed: true }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.byteLength });
        res.end(body);
        return;
      }
      if (path === '/v1/orders/headers') {
        res.setHeader('set-cookie', ['upstream=1; Path=/', 'nsa.session=forged; Path=/']);
        res.setHeader('connection', 'x-upstream-hop');
        res.setHeader('x-upstream-hop', 'secret');
        res.setHeader('keep-alive', 'timeout=5');
        res.setHeader('proxy-authenticate', 'Basic realm="x"');
        res.setHeader('clear-site-data', '"cookies"');
        res.setHeader('x-kept', 'yes');
        res.setHeader('cache-control', 'public, max-age=3600');
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    rejectTokens,
    releaseStream: () => {
      release();
      released = new Promise<void>((r) => (release = r));
    },
    streamFinished: () => finished,
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
