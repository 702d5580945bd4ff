import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { issuedTogether } from './issuedTogether.js';
import { toSession } from './toSession.js';

const pair = { sub: 'u1', origin_jti: 'o1', auth_time: 1000, iat: 2000 };
const jwt = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('issuedTogether', () => {
  it('accepts the ID and access token of one issuance (and a one-second boundary between them)', () => {
    expect(issuedTogether(pair, pair)).toBe(true);
    expect(issuedTogether(pair, { ...pair, iat: 2001 })).toBe(true);
    expect(issuedTogether({ sub: 'u1', iat: 5 }, { sub: 'u1', iat: 5 })).toBe(true);
    // A plain OIDC provider: auth_time in the ID token only; iat still binds the pair.
    expect(issuedTogether({ sub: 'u1', auth_time: 1, iat: 5 }, { sub: 'u1', iat: 5 })).toBe(true);
    expect(issuedTogether({ sub: 'u1', auth_time: 1, iat: 5 }, { sub: 'u1', iat: 7 })).toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another user', { sub: 'u2' }],
    ['another sign-in (origin_jti)', { origin_jti: 'o2' }],
    ['another authentication (auth_time)', { auth_time: 999 }],
    ['a later refresh of the same sign-in (iat)', { iat: 2002 }],
    ['an earlier issuance (iat)', { iat: 1990 }],
    ['another sign-in (origin_jti of another type)', { origin_jti: 1 }],
    ['no iat', { iat: undefined }],
    ['a non-numeric iat', { iat: '2000' }],
  ])('refuses an access token from %s', (_, patch) => {
    const other = { ...pair, ...patch } as JWTPayload;
    expect(issuedTogether(pair, other)).toBe(false);
    expect(issuedTogether(other, pair)).toBe(false);
  });

  it('refuses an empty or missing sub', () => {
    expect(issuedTogether({ ...pair, sub: '' }, { ...pair, sub: '' })).toBe(false);
    expect(issuedTogether({ ...pair, sub: undefined }, { ...pair, sub: undefined })).toBe(false);
  });
});

describe('toSession', () => {
  it('expired ID token beside a fresh access token: the session expires with the ID token', () => {
    const session = toSession({ idToken: jwt({ sub: 'u', exp: 100 }), accessToken: jwt({ sub: 'u', exp: 5000 }) });
    expect(session.expiresAt).toBe(100_000);
    expect(toSession({ idToken: jwt({ sub: 'u', exp: 9000 }), accessToken: jwt({ sub: 'u', exp: 5000 }) }).expiresAt).toBe(5_000_000);
  });
});
