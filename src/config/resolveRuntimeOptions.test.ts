import { describe, expect, it, vi } from 'vitest';
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

  it.each([
    [{ PORT: '3001' }, 'http://localhost:3001'],
    [{ PORT: '8080', NODE_ENV: 'development' }, 'http://localhost:8080'],
    [{}, 'http://localhost:3000'],
    [{ PORT: 'abc' }, 'http://localhost:3000'],
    [{ PORT: '70000' }, 'http://localhost:3000'],
    [{ PORT: '0' }, 'http://localhost:3000'],
    [{ PORT: '3001@evil.example' }, 'http://localhost:3000'],
  ])('without AUTH_ORIGIN in development the origin follows the port Next runs on (%o → %s), and the warning says so', (env, expected) => {
    const warnings: string[] = [];
    const o = resolveRuntimeOptions({}, env, (m) => warnings.push(m));
    expect(o.origin).toBe(expected);
    expect(warnings.find((w) => w.includes('AUTH_ORIGIN'))).toBe(
      `next-server-auth: AUTH_ORIGIN is not set; assuming ${expected} (localhost and the port Next runs on). Set AUTH_ORIGIN if the browser reaches the app on another host or port.`,
    );
  });

  it('a development warning prints once per process, however many bundles evaluate auth.ts', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) resolveRuntimeOptions({}, { PORT: '3917' });
      const printed = spy.mock.calls.map(([m]) => String(m));
      expect(printed.filter((m) => m.includes('http://localhost:3917'))).toEqual([
        'next-server-auth: AUTH_ORIGIN is not set; assuming http://localhost:3917 (localhost and the port Next runs on). Set AUTH_ORIGIN if the browser reaches the app on another host or port.',
      ]);
      expect(printed.filter((m) => m.includes('development secret')).length).toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('AUTH_ORIGIN wins over PORT', () => {
    const o = resolveRuntimeOptions({}, { PORT: '3001', AUTH_ORIGIN: 'http://127.0.0.1:4000' }, () => {});
    expect(o.origin).toBe('http://127.0.0.1:4000');
  });

  it('next build prints nothing: no secret and no origin warning while building', () => {
    const warnings: string[] = [];
    resolveRuntimeOptions({}, { NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }, (m) => warnings.push(m));
    resolveRuntimeOptions({}, { NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build', AUTH_ORIGIN: 'https://app.example.com' }, (m) => warnings.push(m));
    // A build run with NODE_ENV=development (Next warns but builds) is still a build.
    const devBuild = resolveRuntimeOptions({}, { NODE_ENV: 'development', NEXT_PHASE: 'phase-production-build' }, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    expect(Object.values(devBuild.secrets)).not.toContain(resolveRuntimeOptions({}, {}, () => {}).secrets['1']);
  });

  it.each([
    ['development', 'https://staging.example.com'],
    ['test', 'https://staging.example.com'],
    [undefined, 'https://staging.example.com'],
    ['development', 'http://staging.example.com'],
    ['development', 'http://192.168.1.20:3000'],
    ['development', 'http://0.0.0.0:3000'],
    ['development', 'http://localhost.example.com:3000'],
    ['development', 'https://localhost:3000'],
  ])(
    'a staging deploy without AUTH_SECRET on a public origin refuses to start instead of sealing with the public dev secret (NODE_ENV=%s, %s)',
    (nodeEnv, origin) => {
      const warnings: string[] = [];
      const env = { AUTH_ORIGIN: origin, ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) };
      expect(codeOf(() => resolveRuntimeOptions({}, env, (m) => warnings.push(m)))).toMatch(/^InvalidSecret: AUTH_SECRET is not set.*localhost, 127\.0\.0\.1 or \[::1\]/);
      expect(warnings.filter((w) => w.includes('development secret'))).toEqual([]);
    },
  );

  it.each(['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://localhost'])(
    'the development secret still serves a browser on this machine, with a warning (%s)',
    (origin) => {
      const warnings: string[] = [];
      const o = resolveRuntimeOptions({ origin }, { NODE_ENV: 'development' }, (m) => warnings.push(m));
      expect(Object.keys(o.secrets)).toEqual(['1']);
      expect(warnings.some((w) => w.includes('development secret'))).toBe(true);
    },
  );

  it('a production start on a loopback origin without AUTH_SECRET still refuses to start', () => {
    expect(codeOf(() => resolveRuntimeOptions({}, { NODE_ENV: 'production', AUTH_ORIGIN: 'http://localhost:3000' }))).toMatch(/^InvalidSecret/);
  });

  it('next build without AUTH_SECRET finishes with a random secret, never the public development secret', () => {
    const env = { NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build', AUTH_ORIGIN: 'https://app.example.com' };
    const a = resolveRuntimeOptions({}, env, () => {});
    const b = resolveRuntimeOptions({}, env, () => {});
    const dev = resolveRuntimeOptions({}, {}, () => {});
    expect(a.secrets['1']).not.toBe(dev.secrets['1']);
    expect(a.secrets['1']).not.toBe(b.secrets['1']);
    expect(a.secrets['1']!.length).toBeGreaterThanOrEqual(32);
  });

  it('session.verifySignatures defaults to once; verifyOnRead: true still means always', () => {
    const base = { secret: SECRET, origin: 'http://localhost:3000' };
    expect(resolveRuntimeOptions(base, {}).session).toEqual({ codec: 'sealed', verifySignatures: 'once', cacheSize: 10_000, cacheBytes: 64 * 2 ** 20, offlineMaxAge: 5 });
    expect(resolveRuntimeOptions({ ...base, session: { verifyOnRead: true } }, {}).session.verifySignatures).toBe('always');
    expect(resolveRuntimeOptions({ ...base, session: { verifySignatures: 'never' } }, {}).session.verifySignatures).toBe('never');
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
    ['runtimeOptions.session.verifySignatures', { session: { verifySignatures: 'sometimes' } }],
    ['runtimeOptions.session.cacheBytes', { session: { cacheBytes: -1 } }],
  ])('names %s when invalid', (field, options) => {
    expect(codeOf(() => resolveRuntimeOptions({ secret: SECRET, origin: 'http://localhost:3000', ...options } as never, {}))).toContain(field);
  });
});
