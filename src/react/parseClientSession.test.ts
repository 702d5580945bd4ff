import { describe, expect, it } from 'vitest';
import { parseClientSession } from './parseClientSession.js';

const user = { username: 'alice', userId: 'sub-1', email: 'alice@example.com', groups: ['admins'] };

describe('parseClientSession', () => {
  it('reads a signed-in and a signed-out answer', () => {
    expect(parseClientSession({ user, expiresAt: 1_700_000_000_000 })).toEqual({ user, expiresAt: 1_700_000_000_000 });
    expect(parseClientSession({ user: null })).toEqual({ user: null });
  });

  it('keeps nothing but user and expiresAt from the answer (a field named like a token never reaches the hook)', () => {
    const parsed = parseClientSession({ user, expiresAt: 1, accessToken: 'eyJ.a.b', idToken: 'eyJ.c.d' });
    expect(Object.keys(parsed ?? {}).sort()).toEqual(['expiresAt', 'user']);
  });

  it('an HTML error page, an empty body or a half-formed session is not "signed out" but unknown (undefined)', () => {
    for (const body of [undefined, null, '<html>', 42, [], {}, { user: undefined }, { user }, { user, expiresAt: '1' }, { user, expiresAt: Number.NaN },
      { user: { ...user, groups: 'admins' }, expiresAt: 1 }, { user: { ...user, groups: [1] }, expiresAt: 1 }, { user: { userId: 'x', groups: [] }, expiresAt: 1 },
      { user: 'alice', expiresAt: 1 }]) {
      expect(parseClientSession(body), JSON.stringify(body) ?? 'undefined').toBeUndefined();
    }
  });
});
