import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { checkCustomState, MAX_CUSTOM_STATE_BYTES, withCustomState } from './customState.js';

const refused = (value: string) => {
  try {
    checkCustomState(value);
    return false;
  } catch (err) {
    return isAuthError(err, 'InvalidConfig');
  }
};

describe('checkCustomState', () => {
  it('accepts printable text up to 512 UTF-8 bytes, unchanged; empty or absent is none', () => {
    for (const v of ['a', 'héllo wörld 🌍 & # / ? = + %', ' leading and trailing ', 'x'.repeat(512), '€'.repeat(170) + 'ab', '🌍'.repeat(128)]) {
      expect(checkCustomState(v)).toBe(v);
    }
    expect(checkCustomState('')).toBeUndefined();
    expect(checkCustomState(null)).toBeUndefined();
    expect(checkCustomState(undefined)).toBeUndefined();
    expect(MAX_CUSTOM_STATE_BYTES).toBe(512);
  });

  it('refuses (never truncates) one byte over, control characters and lone surrogates', () => {
    for (const v of ['x'.repeat(513), '€'.repeat(171), `${'🌍'.repeat(128)}a`, 'a\nb', 'a\rb', '\u0000', 'a\tb', '\u001b[31m', '\u007f', '\u0085', '\u009f', 'a\ud800', '\udc00b']) {
      expect(refused(v), JSON.stringify(v)).toBe(true);
    }
  });
});

describe('withCustomState', () => {
  const O = 'https://app.example';
  it('appends it percent-encoded, keeping the rest of the query byte for byte and the fragment', () => {
    expect(withCustomState(`${O}/orders?id=1&x=a%20b&flag#top`, 'a&b #c/d')).toBe(`${O}/orders?id=1&x=a%20b&flag&customState=a%26b%20%23c%2Fd#top`);
    expect(withCustomState(`${O}/`, 'é')).toBe(`${O}/?customState=%C3%A9`);
  });

  it('removes every customState the target carried, however spelled, and adds none when none is given', () => {
    expect(withCustomState(`${O}/x?customState=forged&a=1&custom%53tate=y&customState&customState=`, undefined)).toBe(`${O}/x?a=1`);
    expect(withCustomState(`${O}/x?customState=forged`, 'mine')).toBe(`${O}/x?customState=mine`);
    expect(withCustomState(`${O}/x?a=1`, undefined)).toBe(`${O}/x?a=1`);
    // Another name, and a name that is not valid percent-encoding, are the app's: kept.
    expect(withCustomState(`${O}/x?CustomState=1&%E0%A4%A=2`, undefined)).toBe(`${O}/x?CustomState=1&%E0%A4%A=2`);
  });

  it('never changes the origin or the path, whatever the value', () => {
    for (const v of ['//evil.example', 'https://evil.example', '/\\evil', '@evil.example', '?#//evil', '\u2028']) {
      const url = new URL(withCustomState(`${O}/me`, v));
      expect(url.origin).toBe(O);
      expect(url.pathname).toBe('/me');
      expect(url.searchParams.get('customState')).toBe(v);
    }
  });
});
