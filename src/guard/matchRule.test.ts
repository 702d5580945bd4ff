import { describe, expect, it } from 'vitest';
import { matchRule } from './matchRule.js';

const rules = [{ path: '/admin', groups: ['ADMINS'] }, { path: '/dashboard/:path*' }, { path: '/api/public', public: true }, { path: '/api' }, { path: /^\/reports\/\d+$/ }];

describe('matchRule', () => {
  it.each([
    ['/admin', 0],
    ['/admin/users', 0],
    ['/dashboard', 1],
    ['/dashboard/settings/a', 1],
    ['/api/public', 2],
    ['/api/public/x', 2],
    ['/api/me', 3],
    ['/reports/42', 4],
  ])('%s → rule %i', (path, index) => {
    expect(matchRule(rules, path)).toBe(rules[index]);
  });

  it.each(['/administrator', '/dashboards', '/', '/reports/x', '/apis'])('%s matches no rule (segment-aware)', (path) => {
    expect(matchRule(rules, path)).toBeUndefined();
  });
});
