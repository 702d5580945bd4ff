import { NextRequest, NextResponse } from 'next/server.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { createCookieStoreFromNextMiddleware } from './createCookieStoreFromNextMiddleware.js';

function setup(cookie: string) {
  const request = new NextRequest('https://app.test/dashboard', { headers: { cookie, accept: 'text/html' } });
  const response = NextResponse.next();
  return { request, response, store: createCookieStoreFromNextMiddleware(request, response) };
}

describe('createCookieStoreFromNextMiddleware', () => {
  it('reads the request cookies', () => {
    const { store } = setup('a=1; b=x%20y');
    expect(store.get('a')).toBe('1');
    expect(store.get('b')).toBe('x y');
    expect(store.getAll()).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x y' },
    ]);
    expect(store.readOnly).toBe(false);
  });

  it('set: Set-Cookie on the response and the request cookie header rewritten, other cookies kept', () => {
    const { request, response, store } = setup('a=1; other=2');
    store.set('s', 'v w;', { httpOnly: true, secure: true, sameSite: 'lax' });
    expect(response.headers.getSetCookie()).toEqual(['s=v%20w%3B; Path=/; Secure; HttpOnly; SameSite=lax']);
    expect(request.headers.get('cookie')).toBe('a=1; other=2; s=v%20w%3B');
    expect(request.headers.get('accept')).toBe('text/html');
    expect(store.get('s')).toBe('v w;');
  });

  it('set twice: one Set-Cookie line, the last value', () => {
    const { request, response, store } = setup('a=1');
    store.set('a', '2');
    store.set('a', '3');
    expect(response.headers.getSetCookie()).toEqual(['a=3; Path=/']);
    expect(request.headers.get('cookie')).toBe('a=3');
  });

  it('delete: expiring Set-Cookie on the response, cookie removed from the request', () => {
    const { request, response, store } = setup('a=1; other=2');
    store.delete('a', { secure: true });
    expect(response.headers.getSetCookie()).toEqual(['a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure']);
    expect(request.headers.get('cookie')).toBe('other=2');
    expect(store.get('a')).toBeUndefined();
    expect(store.getAll()).toEqual([{ name: 'other', value: '2' }]);
  });

  it('the rewritten header is what NextResponse.next({ request: { headers } }) forwards', () => {
    const { request, store } = setup('a=1; other=2');
    store.set('s', 'new');
    store.delete('a');
    const forwarded = NextResponse.next({ request: { headers: request.headers } });
    expect(forwarded.headers.get('x-middleware-request-cookie')).toBe('other=2; s=new');
  });

  it('a sealed request (route handler) still writes the response and reads its own writes', () => {
    const headers = new Headers({ cookie: 'a=1' });
    const sealed = { cookies: RequestCookiesAdapter.seal(new RequestCookies(headers)) };
    const response = NextResponse.next();
    const store = createCookieStoreFromNextMiddleware(sealed, response);
    store.set('a', '2');
    store.delete('b');
    expect(response.headers.getSetCookie()).toEqual(['a=2; Path=/', 'b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0']);
    expect(headers.get('cookie')).toBe('a=1');
    expect(store.get('a')).toBe('2');
    expect(store.readOnly).toBe(false);
  });

  it('enforces __Host- rules on the response cookie', () => {
    const { response, store } = setup('');
    store.set('__Host-s', '1', { httpOnly: true });
    expect(response.headers.getSetCookie()).toEqual(['__Host-s=1; Path=/; Secure; HttpOnly']);
    let caught: unknown;
    try {
      store.set('__Host-s', '1', { domain: 'app.test' });
    } catch (err) {
      caught = err;
    }
    expect(isAuthError(caught, 'InvalidConfig')).toBe(true);
  });
});
