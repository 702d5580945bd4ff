import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { checkDPoPBinding } from './checkDPoPBinding.js';

const JKT = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

function refusal(result: { token_type: string; access_token: string }): unknown {
  try {
    checkDPoPBinding(result, JKT);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('checkDPoPBinding', () => {
  it('an IdP that ignores the proof and answers a Bearer token is refused (the app asked for bound tokens)', () => {
    const err = refusal({ token_type: 'bearer', access_token: jwt({ sub: 'a' }) });
    expect(isAuthError(err, 'TokenInvalid')).toBe(true);
    expect((err as Error).message).toMatch(/token_type "bearer"/);
  });

  it('an access token bound to another key (cnf.jkt of someone else) is refused', () => {
    const err = refusal({ token_type: 'DPoP', access_token: jwt({ sub: 'a', cnf: { jkt: 'another-thumbprint' } }) });
    expect(isAuthError(err, 'TokenInvalid')).toBe(true);
    expect((err as Error).message).toMatch(/another key/);
  });

  it('a cnf without jkt (another confirmation method) is refused', () => {
    expect(isAuthError(refusal({ token_type: 'dpop', access_token: jwt({ cnf: { 'x5t#S256': 'x' } }) }), 'TokenInvalid')).toBe(true);
  });

  it('a DPoP token bound to the key passes; an opaque DPoP token passes on token_type alone; the scheme is case-insensitive', () => {
    expect(refusal({ token_type: 'DPoP', access_token: jwt({ cnf: { jkt: JKT } }) })).toBeUndefined();
    expect(refusal({ token_type: 'dpop', access_token: 'opaque-token-value' })).toBeUndefined();
    expect(refusal({ token_type: 'DPOP', access_token: jwt({ sub: 'a' }) })).toBeUndefined();
  });
});
