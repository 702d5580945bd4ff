import { describe, expect, it } from 'vitest';
import { sanitizeReturnTo } from './sanitizeReturnTo.js';

const origin = 'https://app.example.com';

describe('sanitizeReturnTo', () => {
  it('keeps a same-origin path with query and hash', () => {
    expect(sanitizeReturnTo('/orders?id=1#top', origin)).toBe('/orders?id=1#top');
  });

  it('reduces an absolute URL on the app origin to its path', () => {
    expect(sanitizeReturnTo('https://app.example.com/orders?id=1', origin)).toBe('/orders?id=1');
  });

  it('open redirect through returnTo: other origins, protocol-relative, backslash and scheme tricks are dropped', () => {
    for (const value of [
      'https://evil.example/',
      'https://app.example.com.evil.example/',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'https:evil.example',
      'javascript:alert(1)',
      'data:text/html,x',
      '/\t/evil.example',
      '/ /evil.example',
      '/orders\n',
      'https://app.example.com//evil.example',
      'orders',
      '',
      `/${'a'.repeat(2048)}`,
    ]) {
      expect(sanitizeReturnTo(value, origin), value).toBeUndefined();
    }
  });

  it('non-strings are dropped', () => {
    expect(sanitizeReturnTo(undefined, origin)).toBeUndefined();
    expect(sanitizeReturnTo({ toString: () => '/x' }, origin)).toBeUndefined();
  });
});
