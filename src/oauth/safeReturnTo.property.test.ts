// Property tests: whatever string arrives as ?returnTo=, the redirect stays on
// the configured origin. fast-check prints the seed and the shrunk input on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { safeReturnTo } from './safeReturnTo.js';

const ORIGINS = ['https://app.example.com', 'http://localhost:3000', 'https://app.example.com:8443'];

/** Pieces attackers splice together to confuse URL parsers and browsers. */
const PIECES = [
  '/', '//', '///', '\\', '/\\', '\\/', '%2f', '%2F', '%5c', '%5C', '%2e', '%2E', '.', '..', '/../', '/./',
  '\t', '\n', '\r', '\r\n', ' ', '\u0000', '\u000b', '\u000c', '\u007f', '\u00a0', '\u2028', '\u3000', '\ufeff',
  '@', ':', '#', '?', '&', '=', ';', '%', '%%', '%0a', '%0d', '%09', '%00', '%40',
  'evil.example', 'app.example.com', 'localhost', '127.0.0.1', '[::1]', 'user:pass@',
  'https:', 'http:', 'javascript:', 'data:', 'HTTPS://', 'http://', '//evil.example', '／', '＼', '。', 'ｅvil', '\u0130',
];

const crafted = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
const anyReturnTo = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath(),
  crafted,
  crafted.map((s) => `/${s}`),
  fc.tuple(crafted, fc.webUrl()).map(([a, b]) => a + b),
);

describe('safeReturnTo (property)', () => {
  it('for any input the redirect has exactly the configured origin and a path starting with a single slash', () => {
    fc.assert(
      fc.property(anyReturnTo, fc.constantFrom(...ORIGINS), (value, origin) => {
        const result = safeReturnTo(value, origin, '/');
        const url = new URL(result, origin);
        expect(url.origin).toBe(origin);
        expect(url.href).toBe(result);
        expect(url.pathname.startsWith('/')).toBe(true);
        expect(url.pathname.startsWith('//')).toBe(false);
        expect(url.username).toBe('');
        expect(url.password).toBe('');
      }),
      { numRuns: 2000 },
    );
  });

  it('a plain relative path is kept, unchanged but for URL normalisation', () => {
    // Paths whose dot segments collapse to "//…" are refused on purpose (see safeReturnTo.test.ts).
    const path = fc.webPath().filter((p) => p.startsWith('/') && !p.startsWith('//') && !new URL(p, ORIGINS[0]).pathname.startsWith('//'));
    fc.assert(
      fc.property(path, fc.webQueryParameters(), (p, q) => {
        const value = q === '' ? p : `${p}?${q}`;
        expect(safeReturnTo(value, ORIGINS[0]!, '/')).toBe(new URL(value, ORIGINS[0]).href);
      }),
      { numRuns: 500 },
    );
  });
});
