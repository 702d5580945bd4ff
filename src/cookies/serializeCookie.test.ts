import { parse } from 'cookie';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import type { CookieOptions } from './CookieStore.js';
import { serializeCookie } from './serializeCookie.js';
import { serializeCookieDeletion } from './serializeCookieDeletion.js';

function errorCode(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAuthError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('serializeCookie', () => {
  it('serializes all attributes, Path=/ by default, value encoded so parse reverses it', () => {
    const value = '{"a":"b; c, d é"}';
    const line = serializeCookie('s', value, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      domain: 'example.com',
      maxAge: 60.9,
      expires: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(line).toBe(
      `s=${encodeURIComponent(value)}; Max-Age=60; Domain=example.com; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict`,
    );
    expect(parse(line.split(';')[0]!).s).toBe(value);
    expect(serializeCookie('s', 'v', { path: '/api' })).toBe('s=v; Path=/api');
  });

  it('__Host-: forces Secure and Path=/', () => {
    expect(serializeCookie('__Host-session', 'v;1', { httpOnly: true, sameSite: 'lax' })).toBe(
      '__Host-session=v%3B1; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    expect(serializeCookie('__host-x', 'v', { path: '/' })).toBe('__host-x=v; Path=/; Secure');
  });

  it.each<[string, CookieOptions]>([
    ['a domain', { domain: 'example.com' }],
    ['a path other than /', { path: '/api' }],
    ['secure: false', { secure: false }],
  ])('__Host- with %s -> InvalidConfig', (_, options) => {
    expect(errorCode(() => serializeCookie('__Host-session', 'v', options))).toBe('InvalidConfig');
  });

  it('__Secure-: forces Secure, refuses secure: false, allows a domain', () => {
    expect(serializeCookie('__Secure-s', 'v', { domain: 'example.com' })).toBe('__Secure-s=v; Domain=example.com; Path=/; Secure');
    expect(errorCode(() => serializeCookie('__Secure-s', 'v', { secure: false }))).toBe('InvalidConfig');
  });

  it.each(['', 'a b', 'a;b', 'a=b', 'a@b', 'é', 'a,b'])('invalid name %j -> InvalidConfig', (name) => {
    expect(errorCode(() => serializeCookie(name, 'v'))).toBe('InvalidConfig');
  });

  it('invalid domain, path or expiry -> InvalidConfig', () => {
    expect(errorCode(() => serializeCookie('s', 'v', { domain: 'bad domain' }))).toBe('InvalidConfig');
    expect(errorCode(() => serializeCookie('s', 'v', { path: '/a;b' }))).toBe('InvalidConfig');
    expect(errorCode(() => serializeCookie('s', 'v', { expires: new Date(Number.NaN) }))).toBe('InvalidConfig');
    expect(errorCode(() => serializeCookie('s', 'v', { maxAge: Number.POSITIVE_INFINITY }))).toBe('InvalidConfig');
  });

  it('serializeCookieDeletion expires with Max-Age=0 and the epoch', () => {
    expect(serializeCookieDeletion('__Host-s', { httpOnly: true })).toBe(
      '__Host-s=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure',
    );
  });
});
