import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/AuthError.js';
import { resolveRuntimeOptions } from './resolveRuntimeOptions.js';

const SECRET = 'x'.repeat(32);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('resolveRuntimeOptions', () => {
  it('reads AUTH_SECRET and AUTH_ORIGIN from the environment', () => {
    const o = resolveRuntimeOptions({}, { AUTH_SECRET: SECRET, AUTH_ORIGIN: 'https://app.example.com' });
    expect(o.secrets).toEqual({ 1: SECRET });
    expect(o.origin).toBe('https://app.example.com');
    expect(o.secure).toBe(true);
    expect(o.cookies).toEqual({ sameSite: 'lax', maxAge: 2592000, name: 'nsa.session' });
  });

  it('fails at start-up in production without a secret or origin', () => {
    expect(codeOf(() => resolveRuntimeOptions({}, { NODE_ENV: 'production', AUTH_ORIGIN: 'https://a.example' }))).toMatch(/^InvalidSecret: AUTH_SECRET is not set/);
    expect(codeOf(() => resolveRuntimeOptions({}, { NODE_ENV: 'production', AUTH_SECRET: SECRET }))).toMatch(/^InvalidConfig: .*runtimeOptions\.origin/);
  });

  it('uses development defaults with a warning outside production', () => {
    const warnings: string[] = [];
    const o = resolveRuntimeOptions({}, {}, (m) => warnings.push(m));
    expect(o.origin).toBe('http://localhost:3000');
    expect(o.secure).toBe(false);
    expect(warnings).toHaveLength(2);
  });

  it('rejects short secrets, naming where they came from', () => {
    expect(codeOf(() => resolveRuntimeOptions({}, { AUTH_SECRET: 'short', AUTH_ORIGIN: 'http://localhost:3000' }))).toBe(
      'InvalidSecret: AUTH_SECRET must be at least 32 characters',
    );
    expect(codeOf(() => resolveRuntimeOptions({ secret: { 1: SECRET, 2: 'short' }, origin: 'http://localhost:3000' }, {}))).toBe(
      'InvalidSecret: runtimeOptions.secret[2] must be at least 32 characters',
    );
  });

  it('accepts a map of secrets for rotation', () => {
    const o = resolveRuntimeOptions({ secret: { 1: SECRET, 2: 'y'.repeat(40) }, origin: 'http://localhost:3000' }, {});
    expect(Object.keys(o.secrets)).toEqual(['1', '2']);
  });

  it.each([
    ['runtimeOptions.origin', { origin: 'https://app.example.com/path' }],
    ['runtimeOptions.origin', { origin: 'app.example.com' }],
    ['runtimeOptions.cookies.sameSite', { cookies: { sameSite: 'none' } }],
    ['runtimeOptions.cookies.maxAge', { cookies: { maxAge: -1 } }],
    ['runtimeOptions.cookies.name', { cookies: { name: 'a b' } }],
    ['runtimeOptions.tokens.algorithms', { tokens: { algorithms: ['HS256'] } }],
    ['runtimeOptions.tokens.algorithms', { tokens: { algorithms: ['none'] } }],
    ['runtimeOptions.tokens.clockSkew', { tokens: { clockSkew: 3600 } }],
  ])('names %s when invalid', (field, options) => {
    expect(codeOf(() => resolveRuntimeOptions({ secret: SECRET, origin: 'http://localhost:3000', ...options } as never, {}))).toContain(field);
  });
});
