import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import {
  MutableRequestCookiesAdapter,
  RequestCookiesAdapter,
} from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import type { cookies } from 'next/headers.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createCookieStoreFromNextCookies, type NextCookiesLike } from './createCookieStoreFromNextCookies.js';

// What `await cookies()` returns in a server component (sealed) and in a
// server action / route handler (mutable), built from Next's own classes.
function serverComponentCookies(header: string) {
  return RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })));
}
function routeHandlerCookies(header: string, onUpdate?: (serialized: string[]) => void) {
  return MutableRequestCookiesAdapter.wrap(new RequestCookies(new Headers({ cookie: header })), onUpdate);
}

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('createCookieStoreFromNextCookies', () => {
  it('accepts the type `await cookies()` returns', () => {
    expectTypeOf<Awaited<ReturnType<typeof cookies>>>().toExtend<NextCookiesLike>();
  });

  it('reads cookies, decoded, names as on the wire', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies('a=1; b=x%40y%3B; c%40d=2'));
    expect(store.get('a')).toBe('1');
    expect(store.get('b')).toBe('x@y;');
    expect(store.get('c%40d')).toBe('2');
    expect(store.get('missing')).toBeUndefined();
    expect(store.getAll()).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x@y;' },
      { name: 'c%40d', value: '2' },
    ]);
    expect(store.readOnly).toBe(false);
  });

  it('treats an empty value (a forwarded delete) as absent', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies('gone=; kept=1'));
    expect(store.get('gone')).toBeUndefined();
    expect(store.getAll()).toEqual([{ name: 'kept', value: '1' }]);
  });

  it('duplicate names: reports what Next reports (its parser keeps the last)', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies('a=1; a=2'));
    expect(store.get('a')).toBe('2');
  });

  it('server component: set throws CookiesReadOnly with Next\'s error as cause, and readOnly turns true', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies('a=1'));
    expect(store.readOnly).toBe(false);
    const err = catchError(() => store.set('a', '2'));
    expect(err).toBeInstanceOf(AuthError);
    expect(isAuthError(err, 'CookiesReadOnly')).toBe(true);
    const cause = (err as AuthError).cause as Error;
    expect(cause.constructor.name).toBe('ReadonlyRequestCookiesError');
    expect(store.readOnly).toBe(true);
    expect(store.get('a')).toBe('1');
  });

  it('server component: delete throws CookiesReadOnly too, and later writes are refused without trying', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies('a=1'));
    expect(isAuthError(catchError(() => store.delete('a')), 'CookiesReadOnly')).toBe(true);
    const again = catchError(() => store.set('b', '1'));
    expect(isAuthError(again, 'CookiesReadOnly')).toBe(true);
    expect((again as AuthError).cause).toBeUndefined();
    expect(store.get('a')).toBe('1');
  });

  it('route handler / server action: writes reach Next, reads see them', () => {
    let emitted: string[] = [];
    const next = routeHandlerCookies('a=1; b=2', (serialized) => {
      emitted = serialized;
    });
    const store = createCookieStoreFromNextCookies(next);
    store.set('c', 'v;1 é', { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 60 });
    store.delete('a');
    expect(store.get('c')).toBe('v;1 é');
    expect(store.get('a')).toBeUndefined();
    expect(store.getAll()).toEqual([
      { name: 'b', value: '2' },
      { name: 'c', value: 'v;1 é' },
    ]);
    expect(store.readOnly).toBe(false);
    // What Next will send: one line per modified cookie (in Next's map order).
    expect(emitted).toEqual([
      'a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
      expect.stringMatching(/^c=v%3B1%20%C3%A9; Path=\/; Expires=[^;]+ GMT; Max-Age=60; Secure; HttpOnly; SameSite=lax$/),
    ]);
    // A fresh store over the same Next store (another layer) sees the same.
    const other = createCookieStoreFromNextCookies(next);
    expect(other.get('a')).toBeUndefined();
    expect(other.get('c')).toBe('v;1 é');
  });

  it('delete passes the identifying attributes', () => {
    const next = routeHandlerCookies('__Host-s=1');
    createCookieStoreFromNextCookies(next).delete('__Host-s', { httpOnly: true, sameSite: 'lax' });
    expect(next.toString()).toBe('__Host-s=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=lax');
  });

  it('rethrows errors that are not Next\'s read-only error, and stays writable', () => {
    const boom = new Error('disk on fire');
    const store = createCookieStoreFromNextCookies({
      get: () => undefined,
      getAll: () => [],
      set: () => {
        throw boom;
      },
      delete: () => undefined,
    });
    expect(catchError(() => store.set('a', '1'))).toBe(boom);
    expect(store.readOnly).toBe(false);
    expect(store.get('a')).toBeUndefined();
  });

  it('rejects invalid names before touching Next', () => {
    const store = createCookieStoreFromNextCookies(serverComponentCookies(''));
    expect(isAuthError(catchError(() => store.set('a@b', '1')), 'InvalidConfig')).toBe(true);
    expect(store.readOnly).toBe(false);
  });
});
