import { describe, expect, it } from 'vitest';
import { decodeAmplifyCookieName } from './decodeAmplifyCookieName.js';
import { decodeCookieName } from './decodeCookieName.js';
import { encodeAmplifyCookieName } from './encodeAmplifyCookieName.js';
import { encodeCookieName } from './encodeCookieName.js';
import { serializeCookie } from './serializeCookie.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ALL_ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');

describe('encodeCookieName / decodeCookieName', () => {
  it('encodes an email username', () => {
    expect(encodeCookieName('alice@example.com')).toBe('alice%40example.com');
    expect(decodeCookieName('alice%40example.com')).toBe('alice@example.com');
  });

  it('round-trips @, +, space, %, ; and friends with exact output', () => {
    const raw = 'a@b+c d%e;f=g,h"i(j)k/l:m';
    const encoded = encodeCookieName(raw);
    expect(encoded).toBe('a%40b%2Bc%20d%25e%3Bf%3Dg%2Ch%22i%28j%29k%2Fl%3Am');
    expect(decodeCookieName(encoded)).toBe(raw);
  });

  it('keeps exactly the RFC 6265 token characters except % and +', () => {
    const kept = [...ALL_ASCII].filter((ch) => encodeCookieName(ch) === ch).join('');
    expect(kept).toBe("!#$&'*-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~");
  });

  it('produces a valid token for every input, serializable as a cookie name, and reverses it', () => {
    for (const raw of [ALL_ASCII, 'é', 'ß中文', '😀 x', 'tab\tnew\nline', '\u0000', '%%%', '%41']) {
      const encoded = encodeCookieName(raw);
      expect(encoded).toMatch(TOKEN);
      expect(() => serializeCookie(encoded, 'v')).not.toThrow();
      expect(decodeCookieName(encoded)).toBe(raw);
    }
    expect(encodeCookieName('é😀')).toBe('%C3%A9%F0%9F%98%80');
  });

  it('does not throw on a lone surrogate (becomes U+FFFD)', () => {
    expect(encodeCookieName('a\uD800b')).toBe('a%EF%BF%BDb');
  });

  it('decode returns undefined for names that are not valid encodings', () => {
    expect(decodeCookieName('100%')).toBeUndefined();
    expect(decodeCookieName('%E0%A4%A')).toBeUndefined();
    expect(decodeCookieName('%FF')).toBeUndefined();
    expect(decodeCookieName('plain')).toBe('plain');
  });
});

describe('encodeAmplifyCookieName / decodeAmplifyCookieName (js-cookie 3 name encoding)', () => {
  // The rule as js-cookie 3.0.x documents and implements it, restated as a test oracle:
  // encodeURIComponent, then un-escape # $ & + ^ ` |, then escape ( ).
  const jsCookieRule = (name: string): string =>
    encodeURIComponent(name)
      .replace(/%(23|24|26|2B|5E|60|7C)/g, (escaped) => decodeURIComponent(escaped))
      .replace(/\(/g, '%28')
      .replace(/\)/g, '%29');

  it('encodes the documented Cognito example', () => {
    const raw = 'CognitoIdentityServiceProvider.5abc1defgh2ijk3lmn4opq5rst.alice@example.com.idToken';
    const encoded = 'CognitoIdentityServiceProvider.5abc1defgh2ijk3lmn4opq5rst.alice%40example.com.idToken';
    expect(encodeAmplifyCookieName(raw)).toBe(encoded);
    expect(decodeAmplifyCookieName(encoded)).toBe(raw);
    expect(encodeAmplifyCookieName('CognitoIdentityServiceProvider.5abc1defgh2ijk3lmn4opq5rst.LastAuthUser')).toBe(
      'CognitoIdentityServiceProvider.5abc1defgh2ijk3lmn4opq5rst.LastAuthUser',
    );
  });

  it('matches the js-cookie rule on every ASCII character and on non-ASCII text', () => {
    for (const ch of ALL_ASCII) expect(encodeAmplifyCookieName(ch)).toBe(jsCookieRule(ch));
    for (const raw of ['bob+tag@example.com', '名前', 'ünïcödé 😀', "o'brien(x)"]) {
      expect(encodeAmplifyCookieName(raw)).toBe(jsCookieRule(raw));
      expect(decodeAmplifyCookieName(encodeAmplifyCookieName(raw))).toBe(raw);
    }
  });

  it('differs from encodeCookieName only in keeping +', () => {
    expect(encodeAmplifyCookieName('bob+tag@example.com')).toBe('bob+tag%40example.com');
    expect(encodeCookieName('bob+tag@example.com')).toBe('bob%2Btag%40example.com');
    const differ = [...ALL_ASCII].filter((ch) => encodeAmplifyCookieName(ch) !== encodeCookieName(ch));
    expect(differ).toEqual(['+']);
  });

  it('decode returns undefined for invalid encodings', () => {
    expect(decodeAmplifyCookieName('a%4')).toBeUndefined();
  });
});
