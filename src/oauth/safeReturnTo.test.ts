import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './safeReturnTo.js';

const ORIGIN = 'https://app.example.com';
const HOME = 'https://app.example.com/';

describe('safeReturnTo (open redirect)', () => {
  it.each([
    ['/dashboard', 'https://app.example.com/dashboard'],
    ['/orders?id=1&x=%2F', 'https://app.example.com/orders?id=1&x=%2F'],
    ['/a/b#frag', 'https://app.example.com/a/b#frag'],
    ['/%2F%2Fevil.example', 'https://app.example.com/%2F%2Fevil.example'],
    ['/@evil.example', 'https://app.example.com/@evil.example'],
  ])('keeps the same-origin path %s', (value, expected) => {
    expect(safeReturnTo(value, ORIGIN, '/')).toBe(expected);
  });

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    '%2F%2Fevil.example',
    'https://evil.example',
    'http:evil.example',
    'https:/evil.example',
    '//user:pass@evil.example',
    'javascript:alert(1)',
    'data:text/html,x',
    '/\t/evil.example',
    '/\n/evil.example',
    '  //evil.example',
    ' /dashboard',
    'dashboard',
    '',
    `/${'a'.repeat(3000)}`,
  ])('falls back for %j', (value) => {
    expect(safeReturnTo(value, ORIGIN, '/')).toBe(HOME);
  });

  it.each(['/.//evil.example', '/%2e//evil.example', '/%2E%2E//evil.example', '/a/..//evil.example', '/%2f/..//evil.example', '/x/%2e%2e//evil.example/p?q#f'])(
    'a path whose dot segments resolve to //evil.example falls back (no protocol-relative path for a later relative redirect): %j',
    (value) => {
      expect(safeReturnTo(value, ORIGIN, '/')).toBe(HOME);
    },
  );

  it('falls back for null and undefined, to the given default', () => {
    expect(safeReturnTo(null, ORIGIN, '/dashboard')).toBe('https://app.example.com/dashboard');
    expect(safeReturnTo(undefined, ORIGIN, '/')).toBe(HOME);
  });
});
