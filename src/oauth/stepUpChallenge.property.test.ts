// Property tests: whatever arrives as ?max_age= / ?acr_values=, the sign-in
// route either refuses it or reads a requirement whose RFC 9470 challenge is a
// well-formed header value (no quote, backslash, CR/LF or non-ASCII can get
// into WWW-Authenticate: header injection and broken parsers).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { INVALID_AUTHENTICATION_PARAMS, readAuthenticationParams } from './readAuthenticationParams.js';
import { stepUpChallenge } from './stepUpChallenge.js';

const PIECES = ['mfa', 'pwd', ' ', '  ', '"', '\\', '\r\n', '\n', ',', '=', 'urn:x:1', '\u0000', '\u00e9', '\ufeff', '0', '9', '-', '+', '1e3', '.', 'x'.repeat(130)];
const crafted = fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((parts) => parts.join(''));
const anyValue = fc.oneof(crafted, fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 60 }));

/** RFC 9110 auth-param values as we write them: a token, or a quoted-string of visible ASCII and spaces without `"` or `\`. */
const WELL_FORMED = /^Bearer error="insufficient_user_authentication", error_description="[A-Za-z ]+"(, max_age=\d{1,8})?(, acr_values="[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*")?$/;

describe('readAuthenticationParams + stepUpChallenge (properties)', () => {
  it('any max_age / acr_values is refused or yields a requirement whose challenge is a well-formed header value', () => {
    fc.assert(
      fc.property(fc.option(anyValue, { nil: undefined }), fc.option(anyValue, { nil: undefined }), (maxAge, acrValues) => {
        const params = new URLSearchParams();
        if (maxAge !== undefined) params.set('max_age', maxAge);
        if (acrValues !== undefined) params.set('acr_values', acrValues);
        const read = readAuthenticationParams(params, 'generic');
        if (read === undefined) {
          expect(maxAge === undefined && acrValues === undefined).toBe(true);
          return;
        }
        if (read === INVALID_AUTHENTICATION_PARAMS) return;
        expect(read.maxAge === undefined || (Number.isSafeInteger(read.maxAge) && read.maxAge >= 0 && read.maxAge <= 31_536_000)).toBe(true);
        for (const unmet of ['max_age', 'acr'] as const) {
          const header = stepUpChallenge(read, unmet);
          expect(header).toMatch(WELL_FORMED);
          // Headers refuses what it cannot carry: it must take ours unchanged.
          expect(new Headers({ 'www-authenticate': header }).get('www-authenticate')).toBe(header);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
