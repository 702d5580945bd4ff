import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './safeReturnPath.js';

describe('safeReturnPath (open redirect after a sign-in form)', () => {
  it.each([
    ['/dashboard', '/dashboard'],
    ['/orders?id=1&x=%2F', '/orders?id=1&x=%2F'],
    ['/a/b#frag', '/a/b#frag'],
    ['/a/../b', '/b'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/@evil.example', '/@evil.example'],
  ])('keeps the same-origin path %s', (value, expected) => {
    expect(safeReturnPath(value, '/home')).toBe(expected);
  });

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '/.//evil.example',
    '/%2e%2e//evil.example',
    '/a/..//evil.example',
    'https://evil.example',
    'http://return-path.invalid/dashboard',
    'javascript:alert(1)',
    '/\t/evil.example',
    ' /dashboard',
    'dashboard',
    '',
    `/${'a'.repeat(3000)}`,
  ])('a crafted returnTo %j is not followed: the fallback is used', (value) => {
    expect(safeReturnPath(value, '/home')).toBe('/home');
  });

  it('a non-string (missing form field, a File) yields the fallback, "/" by default', () => {
    expect(safeReturnPath(null)).toBe('/');
    expect(safeReturnPath(undefined, '/home')).toBe('/home');
    expect(safeReturnPath(new File(['x'], '/dashboard'), '/home')).toBe('/home');
    expect(safeReturnPath(['/dashboard'], '/home')).toBe('/home');
  });
});
