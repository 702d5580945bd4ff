import { UnsecuredJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../session/TokenSet.js';
import { authenticationChange } from './authenticationChange.js';

// Decoding only (the tokens were verified when they entered): unsigned JWTs are enough here.
const ORIGINAL: JWTPayload = { iss: 'https://idp.example.com', sub: 'u-1', aud: 'client-1', auth_time: 1_700_000_000, acr: 'pwd', iat: 1_700_000_000 };
const tokens = (claims: JWTPayload): TokenSet => ({ idToken: new UnsecuredJWT(claims).encode(), accessToken: 'unused' });
const after = (change: JWTPayload, drop: string[] = []): TokenSet => {
  const claims: JWTPayload = { ...ORIGINAL, iat: 1_700_000_600, ...change };
  for (const name of drop) delete claims[name];
  return tokens(claims);
};

describe('authenticationChange (OIDC Core 12.2)', () => {
  it.each([
    ['the same facts, a new iat', after({}), undefined],
    ['aud as a one-element array', after({ aud: ['client-1'] }), undefined],
    ['no auth_time (optional on refresh: fails every maxAge rule)', after({}, ['auth_time']), undefined],
    ['an earlier auth_time (only looks older)', after({ auth_time: 1_699_999_000 }), undefined],
    ['no acr (fails every acr rule)', after({}, ['acr']), undefined],
    ['a later auth_time', after({ auth_time: 1_700_000_600 }), 'auth_time'],
    ['a later auth_time by one second', after({ auth_time: 1_700_000_001 }), 'auth_time'],
    ['an auth_time that is not a number', after({ auth_time: '1700000000' as unknown as number }), 'auth_time'],
    ['another acr', after({ acr: 'mfa' }), 'acr'],
    ['another iss', after({ iss: 'https://other.example.com' }), 'iss'],
    ['another aud', after({ aud: 'client-2' }), 'aud'],
    ['an extra audience', after({ aud: ['client-1', 'client-2'], azp: 'client-1' }), 'aud'],
  ] as const)('%s → %s', (_name, next, expected) => {
    expect(authenticationChange(tokens(ORIGINAL), next)).toBe(expected);
  });

  it('a session whose sign-in had no auth_time gains none on refresh; without acr gains none', () => {
    const { auth_time: _t, acr: _a, ...bare } = ORIGINAL;
    expect(authenticationChange(tokens(bare), after({}, ['acr']))).toBe('auth_time');
    expect(authenticationChange(tokens(bare), after({}, ['auth_time']))).toBe('acr');
    expect(authenticationChange(tokens(bare), after({}, ['auth_time', 'acr']))).toBeUndefined();
  });

  it('another azp is refused when both carry one; an undecodable token is refused', () => {
    expect(authenticationChange(tokens({ ...ORIGINAL, azp: 'client-1' }), after({ azp: 'client-9' }))).toBe('azp');
    expect(authenticationChange(tokens(ORIGINAL), { idToken: 'not-a-jwt', accessToken: 'unused' })).toBe('iss');
  });
});
