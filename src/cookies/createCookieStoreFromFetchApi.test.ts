import { NextRequest, NextResponse } from 'next/server.js';
import { describe, expect, it } from 'vitest';
import { type AuthError, isAuthError } from '../errors/AuthError.js';
import { createCookieStoreFromFetchApi } from './createCookieStoreFromFetchApi.js';

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const request = (cookie?: string): Request =>
  new Request('https://app.test/api/auth/sign-in-callback', cookie === undefined ? {} : { headers: { cookie } });

describe('createCookieStoreFromFetchApi', () => {
  it('reads the cookie header: values decoded, first of duplicate names wins, malformed values raw', () => {
    const store = createCookieStoreFromFetchApi(request('a=1; b=x%40y%3B; a=2; bad=%E0%A4%A; c%40d=3'), new Response());
    expect(store.get('a')).toBe('1');
    expect(store.get('b')).toBe('x@y;');
    expect(store.get('bad')).toBe('%E0%A4%A');
    expect(store.get('c%40d')).toBe('3');
    expect(store.getAll()).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x@y;' },
      { name: 'bad', value: '%E0%A4%A' },
      { name: 'c%40d', value: '3' },
    ]);
  });

  it('no cookie header: empty store', () => {
    const store = createCookieStoreFromFetchApi(request(), new Response());
    expect(store.getAll()).toEqual([]);
    expect(store.get('a')).toBeUndefined();
  });

  it('set appends one serialized Set-Cookie line per name; later writes replace earlier ones', () => {
    const response = new Response(null, { status: 302, headers: { location: '/dashboard' } });
    const store = createCookieStoreFromFetchApi(request('a=1'), response);
    store.set('s', 'v;1 é', { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 60 });
    store.set('t', 'x');
    store.set('s', 'v2', { httpOnly: true });
    expect(response.headers.getSetCookie()).toEqual(['t=x; Path=/', 's=v2; Path=/; HttpOnly']);
    store.delete('s');
    expect(response.headers.getSetCookie()).toEqual(['t=x; Path=/', 's=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(response.headers.get('location')).toBe('/dashboard');
  });

  it('encodes values so arbitrary strings round-trip', () => {
    const response = new Response();
    const value = 'a;b,c d"e\\f=g%h+i é 😀';
    createCookieStoreFromFetchApi(request(), response).set('v', value);
    const [line] = response.headers.getSetCookie();
    expect(line).toBe(`v=${encodeURIComponent(value)}; Path=/`);
    const reread = createCookieStoreFromFetchApi(request(line!.split(';')[0]), new Response());
    expect(reread.get('v')).toBe(value);
  });

  it('keeps Set-Cookie lines written by other code and replaces one of the same name', () => {
    const response = new Response(null, { headers: [['set-cookie', 'theme=dark; Path=/'], ['set-cookie', 's=old']] });
    const store = createCookieStoreFromFetchApi(request(), response);
    store.set('s', 'new');
    expect(response.headers.getSetCookie()).toEqual(['theme=dark; Path=/', 's=new; Path=/']);
  });

  it('read-your-writes, including deletes and new names in getAll', () => {
    const store = createCookieStoreFromFetchApi(request('a=1; b=2'), new Response());
    store.set('c', '3');
    store.delete('a');
    store.set('b', '22');
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBe('22');
    expect(store.getAll()).toEqual([
      { name: 'b', value: '22' },
      { name: 'c', value: '3' },
    ]);
    store.set('a', 'back');
    expect(store.get('a')).toBe('back');
  });

  it('Response.redirect() has immutable headers: writes throw CookiesReadOnly and readOnly turns true', () => {
    const response = Response.redirect('https://app.test/', 302);
    const store = createCookieStoreFromFetchApi(request('a=1'), response);
    expect(store.readOnly).toBe(false);
    const err = catchError(() => store.set('a', '2'));
    expect(isAuthError(err, 'CookiesReadOnly')).toBe(true);
    expect((err as AuthError).cause).toBeInstanceOf(TypeError);
    expect(store.readOnly).toBe(true);
    expect(isAuthError(catchError(() => store.delete('a')), 'CookiesReadOnly')).toBe(true);
    expect(store.get('a')).toBe('1');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('works with NextRequest and NextResponse (route handlers)', () => {
    const response = NextResponse.json({ ok: true });
    const store = createCookieStoreFromFetchApi(new NextRequest('https://app.test/', { headers: { cookie: 'a=1' } }), response);
    store.set('a', '2');
    expect(store.get('a')).toBe('2');
    expect(response.headers.getSetCookie()).toEqual(['a=2; Path=/']);
  });

  it('rejects invalid names and prefix violations with InvalidConfig, and stays writable', () => {
    const response = new Response();
    const store = createCookieStoreFromFetchApi(request(), response);
    expect(isAuthError(catchError(() => store.set('a b', '1')), 'InvalidConfig')).toBe(true);
    expect(isAuthError(catchError(() => store.set('__Host-s', '1', { path: '/api' })), 'InvalidConfig')).toBe(true);
    expect(isAuthError(catchError(() => store.delete('__Host-s', { domain: 'app.test' })), 'InvalidConfig')).toBe(true);
    expect(store.readOnly).toBe(false);
    store.delete('__Host-s');
    expect(response.headers.getSetCookie()).toEqual(['__Host-s=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure']);
  });
});
