import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import {
  createCookieStoreFromPagesRouter,
  type PagesRouterRequestLike,
  type PagesRouterResponseLike,
} from './createCookieStoreFromPagesRouter.js';

interface Exchange {
  status: number;
  setCookie: string[];
  body: unknown;
}

/**
 * Serves one request on a real Node HTTP server (127.0.0.1, ephemeral port)
 * with `handler`, whose return value becomes the JSON body unless it ended
 * the response itself.
 */
async function exchange(cookie: string | undefined, handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<Exchange> {
  const server = createServer((req, res) => {
    try {
      const result = handler(req, res);
      if (!res.writableEnded) {
        if (!res.headersSent) res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result ?? null));
      }
    } catch (err) {
      res.statusCode = 500;
      res.end(JSON.stringify({ error: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, cookie === undefined ? {} : { headers: { cookie } });
    return { status: response.status, setCookie: response.headers.getSetCookie(), body: await response.json() };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function errorCode(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAuthError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('createCookieStoreFromPagesRouter (real node:http)', () => {
  it('accepts IncomingMessage and ServerResponse', () => {
    expectTypeOf<IncomingMessage>().toExtend<PagesRouterRequestLike>();
    expectTypeOf<ServerResponse>().toExtend<PagesRouterResponseLike>();
  });

  it('reads req.headers.cookie: decoded values, first of duplicate names wins', async () => {
    const { status, body } = await exchange('a=1; b=x%40y; a=2; c%40d=3', (req, res) => {
      const store = createCookieStoreFromPagesRouter(req, res);
      return { a: store.get('a'), b: store.get('b'), cd: store.get('c%40d'), none: store.get('none') ?? null, all: store.getAll() };
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      a: '1',
      b: 'x@y',
      cd: '3',
      none: null,
      all: [
        { name: 'a', value: '1' },
        { name: 'b', value: 'x@y' },
        { name: 'c%40d', value: '3' },
      ],
    });
  });

  it('merges into existing Set-Cookie values, replaces the same name, always an array; read-your-writes', async () => {
    const { status, setCookie, body } = await exchange('a=1; gone=x', (req, res) => {
      res.setHeader('Set-Cookie', 'theme=dark; Path=/');
      const store = createCookieStoreFromPagesRouter(req, res);
      store.set('s', '1', { httpOnly: true });
      store.set('s', 'v 2', { httpOnly: true, sameSite: 'lax' });
      store.delete('gone');
      return {
        header: res.getHeader('set-cookie'),
        s: store.get('s'),
        gone: store.get('gone') ?? null,
        a: store.get('a'),
        all: store.getAll(),
      };
    });
    expect(status).toBe(200);
    const expected = [
      'theme=dark; Path=/',
      's=v%202; Path=/; HttpOnly; SameSite=Lax',
      'gone=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ];
    expect(setCookie).toEqual(expected);
    expect(body).toEqual({
      header: expected,
      s: 'v 2',
      gone: null,
      a: '1',
      all: [
        { name: 'a', value: '1' },
        { name: 's', value: 'v 2' },
      ],
    });
  });

  it('keeps an existing array of Set-Cookie values', async () => {
    const { setCookie } = await exchange(undefined, (req, res) => {
      res.setHeader('Set-Cookie', ['x=1', 'y=2; Path=/']);
      createCookieStoreFromPagesRouter(req, res).set('x', '3');
    });
    expect(setCookie).toEqual(['y=2; Path=/', 'x=3; Path=/']);
  });

  it('headersSent: readOnly is true and writes throw CookiesReadOnly', async () => {
    const { status, setCookie, body } = await exchange('a=1', (req, res) => {
      const store = createCookieStoreFromPagesRouter(req, res);
      const before = store.readOnly;
      res.writeHead(200, { 'content-type': 'application/json' });
      const after = store.readOnly;
      const setError = errorCode(() => store.set('a', '2'));
      const deleteError = errorCode(() => store.delete('a'));
      res.end(JSON.stringify({ before, after, setError, deleteError, a: store.get('a') }));
    });
    expect(status).toBe(200);
    expect(setCookie).toEqual([]);
    expect(body).toEqual({ before: false, after: true, setError: 'CookiesReadOnly', deleteError: 'CookiesReadOnly', a: '1' });
  });

  it('maps Node\'s ERR_HTTP_HEADERS_SENT to CookiesReadOnly', () => {
    const res: PagesRouterResponseLike = {
      headersSent: false,
      getHeader: () => undefined,
      setHeader: () => {
        throw Object.assign(new Error('Cannot set headers after they are sent to the client'), { code: 'ERR_HTTP_HEADERS_SENT' });
      },
    };
    const store = createCookieStoreFromPagesRouter({ headers: {} }, res);
    expect(errorCode(() => store.set('a', '1'))).toBe('CookiesReadOnly');
    expect(store.readOnly).toBe(true);
  });
});
