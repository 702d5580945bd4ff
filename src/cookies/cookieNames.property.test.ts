// Property tests for cookie-name encoding: usernames (hence cookie names) are
// user-controlled, so every string must give a valid, reversible name, and no
// name arriving in a request may make decoding throw.
import { serialize } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decodeAmplifyCookieName } from './decodeAmplifyCookieName.js';
import { decodeCookieName } from './decodeCookieName.js';
import { encodeAmplifyCookieName } from './encodeAmplifyCookieName.js';
import { encodeCookieName } from './encodeCookieName.js';

/** RFC 6265 cookie-name = RFC 7230 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const RUNS = { numRuns: 1000 };

/** Well-formed Unicode: any code point, astral included, plus grapheme clusters and ASCII punctuation. */
const wellFormed = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }),
  fc.emailAddress(),
);
/** Any UTF-16 string, lone surrogates included. */
const anyUtf16 = fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 40 });
/** What a hostile Cookie header can carry as a name: percent signs, hex-ish runs, anything. */
const hostileName = fc.oneof(
  anyUtf16,
  fc
    .array(fc.constantFrom('%', '%2', '%25', '%C3', '%A9', '%E0%A4', '%FF', '%F0%9F%98', '%80', '%00', '%zz', 'a', '+', '.', '@'), { maxLength: 12 })
    .map((parts) => parts.join('')),
);

const isWellFormed = (s: string): boolean => !/\p{Surrogate}/u.test(s);
/** String.prototype.toWellFormed (ES2024, past this project's lib setting). */
const toWellFormed = (s: string): string => s.replace(/\p{Surrogate}/gu, '\uFFFD');

/** js-cookie 3.0.x's own name encoding (`Cookies.set`), which Amplify's CookieStorage uses. */
function jsCookieEncodeName(name: string): string {
  return encodeURIComponent(name)
    .replace(/%(2[346B]|5E|60|7C)/g, decodeURIComponent)
    .replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const codecs = [
  { label: 'encodeCookieName / decodeCookieName', encode: encodeCookieName, decode: decodeCookieName },
  { label: 'encodeAmplifyCookieName / decodeAmplifyCookieName', encode: encodeAmplifyCookieName, decode: decodeAmplifyCookieName },
];

for (const { label, encode, decode } of codecs) {
  describe(`${label} (property)`, () => {
    it('round-trips any Unicode username exactly', () => {
      fc.assert(
        fc.property(wellFormed, (raw) => {
          expect(decode(encode(raw))).toBe(raw);
        }),
        RUNS,
      );
    });

    it('always yields an RFC 6265 token that the cookie package serializes as a name', () => {
      fc.assert(
        fc.property(fc.oneof(wellFormed, anyUtf16.filter((s) => s.length > 0)), (raw) => {
          const encoded = encode(raw);
          expect(encoded).toMatch(TOKEN);
          expect(serialize(encoded, 'v')).toBe(`${encoded}=v`);
        }),
        RUNS,
      );
    });

    it('maps distinct names to distinct cookie names (no two users share a cookie)', () => {
      fc.assert(
        fc.property(wellFormed, wellFormed, (a, b) => {
          fc.pre(a !== b);
          expect(encode(a)).not.toBe(encode(b));
        }),
        RUNS,
      );
    });

    it('a lone surrogate never throws and decodes as U+FFFD', () => {
      fc.assert(
        fc.property(anyUtf16, (raw) => {
          const decoded = decode(encode(raw));
          expect(decoded).toBe(toWellFormed(raw));
        }),
        RUNS,
      );
    });

    it('decoding any name a request can carry never throws: a string or undefined', () => {
      fc.assert(
        fc.property(hostileName, (name) => {
          const decoded = decode(name);
          if (decoded === undefined) return;
          expect(typeof decoded).toBe('string');
          // Escapes decode to well-formed UTF-16 only; a lone surrogate can only pass through
          // verbatim (a real Cookie header is bytes and cannot carry one).
          if (isWellFormed(name)) expect(isWellFormed(decoded)).toBe(true);
          // A decodable name re-encodes to one that decodes to the same string.
          expect(decode(encode(decoded))).toBe(toWellFormed(decoded));
        }),
        RUNS,
      );
    });
  });
}

describe('encodeAmplifyCookieName (property)', () => {
  it("writes exactly the name Amplify's browser storage (js-cookie 3) writes", () => {
    fc.assert(
      fc.property(wellFormed, (raw) => {
        expect(encodeAmplifyCookieName(raw)).toBe(jsCookieEncodeName(raw));
      }),
      RUNS,
    );
  });
});
