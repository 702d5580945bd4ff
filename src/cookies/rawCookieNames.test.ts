import { NextRequest, NextResponse } from 'next/server.js';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { createCookieStoreFromFetchApi } from './createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextMiddleware } from './createCookieStoreFromNextMiddleware.js';
import { createCookieStoreFromPagesRouter } from './createCookieStoreFromPagesRouter.js';
import type { CookieStore } from './CookieStore.js';
import { expireRequestCookie } from './expireRequestCookie.js';
import { isRawCookieName } from './isRawCookieName.js';
import { serializeCookie } from './serializeCookie.js';
import { serializeCookieDeletion } from './serializeCookieDeletion.js';

const AMPLIFY_RAW = ['CognitoIdentityServiceProvider.c.alice@example.com.idToken', 'CognitoIdentityServiceProvider.c.a(b).accessToken'];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAuthError(err) ? err.code : String(err);
  }
  return undefined;
}

function fetchStore(cookie: string): { store: CookieStore; lines: () => string[] } {
  const response = new Response(null);
  const store = createCookieStoreFromFetchApi(new Request('https://app.test/', { headers: { cookie } }), response);
  return { store, lines: () => response.headers.getSetCookie() };
}

function pagesStore(cookie: string): { store: CookieStore; lines: () => string[] } {
  const headers: Record<string, unknown> = {};
  const res = {
    headersSent: false,
    getHeader: (n: string) => headers[n.toLowerCase()] as string[] | undefined,
    setHeader: (n: string, v: unknown) => void (headers[n.toLowerCase()] = v),
  };
  return { store: createCookieStoreFromPagesRouter({ headers: { cookie } }, res), lines: () => (headers['set-cookie'] as string[] | undefined) ?? [] };
}

function middlewareStore(cookie: string): { store: CookieStore; lines: () => string[] } {
  const request = new NextRequest('https://app.test/', { headers: { cookie } });
  const response = NextResponse.next();
  return { store: createCookieStoreFromNextMiddleware(request, response), lines: () => response.headers.getSetCookie() };
}

describe('isRawCookieName', () => {
  it('accepts visible ASCII without ; , = and refuses whitespace, CR/LF, controls and non-ASCII', () => {
    for (const name of [...AMPLIFY_RAW, 'a[b]', 'a{b}', 'a"b"', 'a/b', 'a\\b', 'a?b', 'a:b', '<a>', 'plain']) expect(isRawCookieName(name), name).toBe(true);
    for (const name of ['', 'a;b', 'a,b', 'a=b', 'a b', 'a\tb', 'a\r\nSet-Cookie: x', 'a\nb', 'a\u0000b', 'é', 'a\u007fb']) expect(isRawCookieName(name), JSON.stringify(name)).toBe(false);
  });
});

describe('expiring cookies whose names are outside the token grammar', () => {
  it('serializeCookieDeletion writes a plain Max-Age=0 line for a raw @ or parenthesis name', () => {
    expect(serializeCookieDeletion(AMPLIFY_RAW[0]!, { path: '/', secure: true, sameSite: 'lax' })).toBe(
      `${AMPLIFY_RAW[0]}=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax`,
    );
    expect(serializeCookieDeletion(AMPLIFY_RAW[1]!)).toMatch(/^CognitoIdentityServiceProvider\.c\.a\(b\)\.accessToken=; Max-Age=0; Path=\//);
  });

  it.each(['a;b', 'a,b', 'a b', 'a\r\nx', 'é', ''])('header injection through a deletion name %j is refused (InvalidConfig)', (name) => {
    expect(code(() => serializeCookieDeletion(name))).toBe('InvalidConfig');
  });

  it('a raw name is never written with a value', () => {
    expect(code(() => serializeCookie('a@b', 'v'))).toBe('InvalidConfig');
  });

  it.each([
    ['fetch API', fetchStore],
    ['Pages Router', pagesStore],
    ['middleware', middlewareStore],
  ] as const)('%s store: expires a raw name the request carried, refuses one it did not invent', (_, make) => {
    const { store, lines } = make(`${AMPLIFY_RAW[0]}=x; ${AMPLIFY_RAW[1]}=y; keep=1`);
    store.delete(AMPLIFY_RAW[0]!, { path: '/' });
    store.delete(AMPLIFY_RAW[1]!, { path: '/' });
    expect(lines().map((l) => l.slice(0, l.indexOf('=')))).toEqual(AMPLIFY_RAW);
    expect(lines().every((l) => /Max-Age=0/i.test(l))).toBe(true);
    expect(store.get(AMPLIFY_RAW[0]!)).toBeUndefined();
    expect(store.getAll()).toEqual([{ name: 'keep', value: '1' }]);
    // Not carried by the request: refused, nothing written.
    expect(code(() => store.delete('invented@name'))).toBe('InvalidConfig');
    expect(code(() => store.set(AMPLIFY_RAW[0]!, 'v'))).toBe('InvalidConfig');
    expect(lines()).toHaveLength(2);
  });

  it('expireRequestCookie skips a request name no header can carry instead of throwing', () => {
    const { store, lines } = fetchStore('nsa.tx.x y=1; nsa.tx.a@b=2');
    expect(store.getAll().map((c) => c.name)).toEqual(['nsa.tx.x y', 'nsa.tx.a@b']);
    expect(expireRequestCookie(store, 'nsa.tx.x y', { path: '/' })).toBe(false);
    expect(expireRequestCookie(store, 'nsa.tx.a@b', { path: '/' })).toBe(true);
    expect(lines()).toEqual(['nsa.tx.a@b=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
  });
});
