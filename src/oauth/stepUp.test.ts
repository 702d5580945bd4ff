// The pure parts of step-up (RFC 9470; OIDC Core max_age / acr_values): one
// check used by the callback, the guard and requireAuth, and the challenge.
import { describe, expect, it } from 'vitest';
import { combineRequirements } from './combineRequirements.js';
import { insufficientAuthentication } from './insufficientAuthentication.js';
import { INVALID_AUTHENTICATION_PARAMS, readAuthenticationParams } from './readAuthenticationParams.js';
import { setAuthenticationParams } from './setAuthenticationParams.js';
import { stepUpChallenge } from './stepUpChallenge.js';
import { toAuthenticationRequirement } from './toAuthenticationRequirement.js';
import { unmetAuthentication } from './unmetAuthentication.js';

const NOW = 1_800_000_000_000;
const nowS = NOW / 1000;

describe('unmetAuthentication', () => {
  it('an ID token without auth_time fails any maxAge (OIDC: asked with max_age, the IdP MUST send it)', () => {
    expect(unmetAuthentication({ acr: 'mfa' }, { maxAge: 86_400 }, NOW, 30)).toBe('max_age');
    for (const authTime of ['1800000000', null, Number.NaN, Number.POSITIVE_INFINITY, [nowS]]) {
      expect(unmetAuthentication({ auth_time: authTime }, { maxAge: 300 }, NOW, 30), String(authTime)).toBe('max_age');
    }
  });

  it('auth_time older than maxAge plus the clock skew fails; within it passes', () => {
    expect(unmetAuthentication({ auth_time: nowS - 330 }, { maxAge: 300 }, NOW, 30)).toBeUndefined();
    expect(unmetAuthentication({ auth_time: nowS - 331 }, { maxAge: 300 }, NOW, 30)).toBe('max_age');
    expect(unmetAuthentication({ auth_time: nowS - 1 }, { maxAge: 0 }, NOW, 0)).toBe('max_age');
    expect(unmetAuthentication({ auth_time: nowS }, { maxAge: 0 }, NOW, 0)).toBeUndefined();
  });

  it('an auth_time in the future beyond the skew fails (a broken or hostile clock)', () => {
    expect(unmetAuthentication({ auth_time: nowS + 30 }, { maxAge: 300 }, NOW, 30)).toBeUndefined();
    expect(unmetAuthentication({ auth_time: nowS + 31 }, { maxAge: 300 }, NOW, 30)).toBe('max_age');
  });

  it('an acr that is none of the values, absent or not a string fails; one of them passes', () => {
    const required = { acrValues: ['mfa', 'hwk'] };
    expect(unmetAuthentication({ acr: 'hwk' }, required, NOW, 30)).toBeUndefined();
    for (const acr of [undefined, 'pwd', 'MFA', ['mfa'], 1, 'mfa hwk']) expect(unmetAuthentication({ acr }, required, NOW, 30), String(acr)).toBe('acr');
  });

  it('both asked: the age is reported first, then the class', () => {
    expect(unmetAuthentication({ auth_time: nowS - 1000, acr: 'pwd' }, { maxAge: 300, acrValues: ['mfa'] }, NOW, 30)).toBe('max_age');
    expect(unmetAuthentication({ auth_time: nowS, acr: 'pwd' }, { maxAge: 300, acrValues: ['mfa'] }, NOW, 30)).toBe('acr');
  });
});

describe('stepUpChallenge (RFC 9470 §3)', () => {
  it('is a Bearer challenge with insufficient_user_authentication, a description and the whole requirement', () => {
    expect(stepUpChallenge({ maxAge: 300, acrValues: ['mfa', 'urn:example:loa:3'] }, 'max_age')).toBe(
      'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age=300, acr_values="mfa urn:example:loa:3"',
    );
    expect(stepUpChallenge({ acrValues: ['mfa'] }, 'acr')).toBe('Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="mfa"');
  });

  it('the InsufficientAuthentication error carries it, maxAge and acrValues', () => {
    const err = insufficientAuthentication({ maxAge: 60, acrValues: ['mfa'] }, 'acr');
    expect(err).toMatchObject({ name: 'AuthError', code: 'InsufficientAuthentication', maxAge: 60, acrValues: ['mfa'] });
    expect(err.wwwAuthenticate).toBe(stepUpChallenge({ maxAge: 60, acrValues: ['mfa'] }, 'acr'));
  });
});

describe('toAuthenticationRequirement (app input: rules, requireAuth, signIn)', () => {
  it('normalises maxAge and acr (one value or a list, duplicates dropped)', () => {
    expect(toAuthenticationRequirement({ maxAge: 300, acr: 'mfa' }, 'x', 'generic')).toEqual({ maxAge: 300, acrValues: ['mfa'] });
    expect(toAuthenticationRequirement({ acr: ['mfa', 'hwk', 'mfa'] }, 'x', 'generic')).toEqual({ acrValues: ['mfa', 'hwk'] });
    expect(toAuthenticationRequirement({ maxAge: 0 }, 'x', 'cognito')).toEqual({ maxAge: 0 });
    expect(toAuthenticationRequirement({}, 'x', 'generic')).toBeUndefined();
    expect(toAuthenticationRequirement(undefined, 'x', 'generic')).toBeUndefined();
  });

  it('a bad maxAge or acr throws InvalidConfig naming the field, never a silent "no requirement"', () => {
    const bad: Array<[object, string]> = [
      [{ maxAge: -1 }, 'r.maxAge'],
      [{ maxAge: 1.5 }, 'r.maxAge'],
      [{ maxAge: 31_536_001 }, 'r.maxAge'],
      [{ maxAge: '300' }, 'r.maxAge'],
      [{ maxAge: Number.NaN }, 'r.maxAge'],
      [{ acr: [] }, 'r.acr'],
      [{ acr: '' }, 'r.acr'],
      [{ acr: 'a b' }, 'r.acr'],
      [{ acr: 'a"b' }, 'r.acr'],
      [{ acr: 'a\\b' }, 'r.acr'],
      [{ acr: 'x'.repeat(129) }, 'r.acr'],
      [{ acr: Array.from({ length: 11 }, (_, i) => `v${i}`) }, 'r.acr'],
      [{ acr: [1] }, 'r.acr'],
      [{ acr: 'mfa\u00e9' }, 'r.acr'],
    ];
    for (const [options, field] of bad) {
      expect(() => toAuthenticationRequirement(options as never, 'r', 'generic'), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining(field) }));
    }
  });

  it('acr with a Cognito config is refused: Cognito issues no acr, so it could never be met (no sign-in loop)', () => {
    expect(() => toAuthenticationRequirement({ acr: 'mfa' }, 'rules[0]', 'cognito')).toThrow(expect.objectContaining({ code: 'InvalidConfig', message: expect.stringContaining('Cognito') }));
  });
});

describe('readAuthenticationParams (the sign-in route query)', () => {
  it('reads max_age and acr_values, and round-trips setAuthenticationParams', () => {
    const q = new URLSearchParams();
    setAuthenticationParams(q, { maxAge: 300, acrValues: ['mfa', 'urn:x:2'] });
    expect(q.toString()).toBe('max_age=300&acr_values=mfa+urn%3Ax%3A2');
    expect(readAuthenticationParams(q, 'generic')).toEqual({ maxAge: 300, acrValues: ['mfa', 'urn:x:2'] });
    expect(readAuthenticationParams(new URLSearchParams('returnTo=/x'), 'generic')).toBeUndefined();
  });

  it('acr_values with a Cognito config is invalid; max_age is fine', () => {
    expect(readAuthenticationParams(new URLSearchParams('acr_values=mfa'), 'cognito')).toBe(INVALID_AUTHENTICATION_PARAMS);
    expect(readAuthenticationParams(new URLSearchParams('max_age=60'), 'cognito')).toEqual({ maxAge: 60 });
  });
});

describe('combineRequirements (a path two rules protect)', () => {
  it('takes the smallest maxAge and the acr values both accept; none in common is null (refused, not looped)', () => {
    expect(combineRequirements([undefined, undefined])).toBeUndefined();
    expect(combineRequirements([{ maxAge: 600 }, { maxAge: 300, acrValues: ['mfa', 'hwk'] }])).toEqual({ maxAge: 300, acrValues: ['mfa', 'hwk'] });
    expect(combineRequirements([{ acrValues: ['mfa', 'hwk'] }, { acrValues: ['hwk', 'pwd'] }])).toEqual({ acrValues: ['hwk'] });
    expect(combineRequirements([{ acrValues: ['mfa'] }, { acrValues: ['hwk'] }])).toBeNull();
  });
});
