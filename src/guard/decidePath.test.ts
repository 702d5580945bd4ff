import { describe, expect, it } from 'vitest';
import type { GuardRule } from './AuthGuardOptions.js';
import { compileRules } from './compileRules.js';
import { decidePath } from './decidePath.js';
import { readPath } from './readPath.js';

// The example app's rules, plus a public carve-out under a protected prefix.
const RULES: GuardRule[] = [
  { path: '/api/public', public: true },
  { path: '/dashboard' },
  { path: '/admin', groups: ['ADMINS'] },
  { path: '/api/me' },
  { path: /^\/reports\/\d+$/ },
];
const rules = compileRules(RULES);
const kind = (path: string) => decidePath(rules, path).kind;

describe('readPath: the canonical path', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/dashboard', '/dashboard'],
    ['/reports/%34%32', '/reports/42'],
    ['/reports/4%32', '/reports/42'],
    ['/%64ashboard', '/dashboard'],
    ['/%64ASHBOARD', '/dASHBOARD'],
    ['//dashboard', '/dashboard'],
    ['/dashboard/', '/dashboard'],
    ['/dashboard//settings///', '/dashboard/settings'],
    ['/caf%C3%A9', '/café'],
    ['/a%20b', '/a b'],
    ['/a%3Fb%23c', '/a?b#c'],
  ])('%s reads as %s', (raw, canonical) => {
    const reading = readPath(raw);
    expect(reading).toMatchObject({ ambiguous: false, canonical });
  });

  it.each([
    ['/reports/%zz', 'malformed escape'],
    ['/reports/%E0%A4', 'malformed escape'],
    ['/reports/4%2', 'malformed escape'],
    ['/dashboard%2F..', 'encoded separator'],
    ['/reports/42%2f', 'encoded separator'],
    ['/reports/42%5C', 'encoded separator'],
    ['/reports/42%00', 'encoded separator'],
    ['/reports/%2534%2532', 'encoded separator'],
    ['/admin;x', 'separator character'],
    ['/dashboard\\x', 'separator character'],
    ['/reports/%0a42', 'control character'],
    ['/x/%2e%2e/dashboard', 'dot segment'],
    ['/x/../dashboard', 'dot segment'],
  ])('%s is ambiguous (%s)', (raw, reason) => {
    const reading = readPath(raw);
    expect(reading.ambiguous).toBe(true);
    if (reading.ambiguous) expect(reading.reasons).toContain(reason);
  });
});

describe('decidePath: rules decide on the path Next routes, not on its spelling', () => {
  it.each(['/dashboard', '/dashboard/settings', '/admin', '/api/me', '/reports/42'])('plain protected path %s is protected', (path) => {
    expect(kind(path)).toBe('protected');
  });

  it.each(['/', '/about', '/dashboards', '/administrator', '/reports/x', '/api/public', '/api/public/x', '/api/other'])('plain open path %s is open', (path) => {
    expect(kind(path)).toBe('open');
  });

  it('percent-encoded digits of a dynamic segment (/reports/%34%32, which Next renders as report 42) are protected by the RegExp rule', () => {
    expect(decidePath(rules, '/reports/%34%32')).toMatchObject({ kind: 'protected', rules: [rules[4]] });
    expect(kind('/reports/4%32')).toBe('protected');
  });

  it('a percent-encoded static segment (/%64ashboard) is protected like /dashboard', () => {
    expect(decidePath(rules, '/%64ashboard')).toMatchObject({ kind: 'protected', rules: [rules[1]] });
    expect(kind('/%61dmin/users')).toBe('protected');
    expect(kind('/api/m%65')).toBe('protected');
  });

  it('duplicate and trailing slashes (//dashboard, /dashboard/, /reports/42/, /reports//42) do not slip past a rule', () => {
    for (const path of ['//dashboard', '/dashboard/', '///dashboard//', '/reports/42/', '/reports//42']) expect(kind(path)).toBe('protected');
  });

  it.each([
    '/dashboard%2F..', // reads as /dashboard/.. (under the rule) or / (not): refused
    '/dashboard%2f..',
    '/reports/42%2F',
    '/reports/42%2f',
    '/reports/42%5C',
    '/reports%2F42',
    '/x%2F..%2Fdashboard',
    '/x/..%2Fdashboard',
    '/x/%2e%2e%2fdashboard',
    '/api/public%2F..%2Fme', // a public carve-out spelling that decodes to a protected route
    '/api/public/..%2Fme',
    '/api/public%2F%2E%2E%2Fme',
  ])('encoded separators under a protected rule are refused: %s', (path) => {
    expect(kind(path)).toBe('ambiguous');
  });

  it.each(['/reports/42%zz', '/reports/%E0%A442', '/reports/4%E0%A42', '/dashboard/%zz', '/dashboard/%E0%A4', '/dashboard%', '/reports/42%', '/%64ashboard/%E0%A4'])(
    'malformed escapes under a protected rule are refused: %s',
    (path) => {
      expect(kind(path)).toBe('ambiguous');
    },
  );

  it.each(['/reports/42%00', '/dashboard%00', '/reports/%0042', '/reports/42%0a'])('NUL and control characters under a protected rule are refused: %s', (path) => {
    expect(kind(path)).toBe('ambiguous');
  });

  it('double encoding (/reports/%2534%2532, which a second decoding reads as /reports/42) is refused', () => {
    expect(kind('/reports/%2534%2532')).toBe('ambiguous');
    expect(kind('/%2564ashboard')).toBe('ambiguous');
  });

  it('matrix parameters (/admin;x, /reports/42;x) that a proxy would strip are refused', () => {
    expect(kind('/admin;x')).toBe('ambiguous');
    expect(kind('/reports/42;x')).toBe('ambiguous');
    expect(kind('/dashboard;jsessionid=1/settings')).toBe('ambiguous');
  });

  it('an encoded semicolon (/dashboard%3Bx, which decodes to a matrix parameter) is refused', () => {
    expect(kind('/dashboard%3Bx')).toBe('ambiguous');
    expect(kind('/reports/42%3bx')).toBe('ambiguous');
  });

  it('encoded dot segments that resolve into a protected rule are refused; those resolving out of every rule are open', () => {
    expect(kind('/x/%2e%2e/dashboard')).toBe('ambiguous');
    expect(kind('/x/.%2E/reports/42')).toBe('ambiguous');
    // `/dashboard/%2e%2e` reads as /dashboard/.. (under the rule) unresolved: stricter reading wins.
    expect(kind('/dashboard/%2e%2e')).toBe('ambiguous');
  });

  it('a backslash (which Next turns into a slash) under a protected rule is refused', () => {
    expect(kind('/dashboard\\x')).toBe('ambiguous');
    expect(kind('/x\\..\\dashboard')).toBe('ambiguous');
  });

  it('ambiguous paths under no protected rule are let through: there is nothing to protect', () => {
    for (const path of ['/about%2F..', '/blog/%zz', '/x;y', '/files/a%2Fb', '/api/public/a%2Fb', '/%E0%A4']) expect(kind(path)).toBe('open');
  });

  it('when the raw and the decoded spelling match different rules, both apply (the stricter reading wins)', () => {
    const two = compileRules([{ path: '/%61dmin', groups: ['AUDITORS'] }, { path: '/admin', groups: ['ADMINS'] }]);
    const decision = decidePath(two, '/%61dmin');
    expect(decision).toMatchObject({ kind: 'protected', rules: [two[1], two[0]] });
  });

  it('under a catch-all rule every ambiguous path is refused, and a public carve-out cannot be spelled into a protected path', () => {
    const all = compileRules([{ path: '/api/auth', public: true }, { path: '/' }]);
    expect(decidePath(all, '/api/auth/sign-in').kind).toBe('open');
    expect(decidePath(all, '/blog/post').kind).toBe('protected');
    expect(decidePath(all, '/blog/100%25-off').kind).toBe('ambiguous');
    expect(decidePath(all, '/api/auth%2F..%2F..%2Fsecret').kind).toBe('ambiguous');
    expect(decidePath(all, '/api/auth/%2e%2e/%2e%2e/secret').kind).toBe('ambiguous');
  });

  it('case is not folded: /Dashboard is a different route for Next (a 404), not a bypass of /dashboard', () => {
    expect(kind('/Dashboard')).toBe('open');
  });
});

describe('RegExp rules with stateful flags', () => {
  it.each(['g', 'y', 'gy', 'giy'])('a /%s RegExp rule decides the same way on every request (lastIndex does not carry over)', (flags) => {
    const regex = new RegExp('^\\/reports\\/\\d+$', flags);
    const compiled = compileRules([{ path: regex }]);
    const decisions = Array.from({ length: 6 }, () => decidePath(compiled, '/reports/42').kind);
    expect(decisions).toEqual(Array(6).fill('protected'));
    expect(regex.lastIndex).toBe(0);
    expect((compiled[0]!.path as RegExp).flags).toBe(flags.replace(/[gy]/g, ''));
  });

  it('a /g RegExp handed to the rules uncompiled still decides the same way every time', () => {
    const raw: GuardRule[] = [{ path: /^\/reports\/\d+$/g }];
    const decisions = Array.from({ length: 6 }, () => decidePath(raw, '/reports/42').kind);
    expect(decisions).toEqual(Array(6).fill('protected'));
  });
});
