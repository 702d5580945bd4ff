// Property tests: the guard decides on the path Next routes, whatever its
// spelling. fast-check prints the seed and the shrunk input on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GuardRule } from './AuthGuardOptions.js';
import { compileRules } from './compileRules.js';
import { decidePath } from './decidePath.js';

const rules = compileRules([
  { path: '/api/public', public: true },
  { path: '/dashboard' },
  { path: '/admin', groups: ['ADMINS'] },
  { path: '/api/me' },
  { path: /^\/reports\/\d+$/g }, // stateful flag on purpose: it must not matter
] satisfies GuardRule[]);

/** Characters a plain path may hold besides `/` (`%`, `;` and `\` are markers of their own; `.` segments are dot segments). */
const SAFE = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,=:@', 'é', 'ü', '語'];
const segment = fc
  .array(fc.constantFrom(...SAFE), { minLength: 1, maxLength: 8 })
  .map((chars) => chars.join(''))
  .filter((s) => s !== '.' && s !== '..');
const tail = fc.array(segment, { maxLength: 3 });

/** Plain paths, protected ones most of the time. */
const protectedPath = fc.oneof(
  tail.map((t) => ['/dashboard', ...t].join('/')),
  tail.map((t) => ['/admin', ...t].join('/')),
  tail.map((t) => ['/api/me', ...t].join('/')),
  fc.nat({ max: 10 ** 6 }).map((n) => `/reports/${n}`),
);
const anyPlainPath = fc.oneof(protectedPath, fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`), tail.map((t) => ['/api/public', ...t].join('/')));

const hex = (byte: number, lower: boolean) => `%${byte.toString(16).padStart(2, '0')[lower ? 'toLowerCase' : 'toUpperCase']()}`;
const encodeChar = (c: string, lower: boolean) => [...new TextEncoder().encode(c)].map((b) => hex(b, lower)).join('');

/** Re-spells `path`: each character other than `/` kept or percent-encoded (either hex case). */
function reencode(path: string, choices: number[]): string {
  return [...path].map((c, i) => (c === '/' ? c : [c, encodeChar(c, false), encodeChar(c, true)][choices[i % choices.length]! % 3])).join('');
}

/** Hostile re-spellings of `path`: encoded or doubled separators, detours through dot segments, double encoding, matrix parameters, NUL. */
const SEPARATORS = ['/', '//', '%2F', '%2f', '%5C', '%5c', '\\', '/./', '/%2e/', '/x/../', '/x/%2e%2e/', '/x%2F..%2F', '/x%2f%2E%2E%2f', ';y/', ';/'];
const SUFFIXES = ['', '/', '//', '%2F', '%2f', '%5C', ';x', '%00', '%0a', '/.', '/%2e', '%2F.', '/x/..', '/x%2F..'];
function hostile(path: string, choices: number[]): string {
  const chars = [...path];
  return (
    chars
      .map((c, i) => {
        const pick = choices[i % choices.length]!;
        if (c === '/') return i === 0 ? (pick % 4 === 0 ? '//' : '/') : SEPARATORS[pick % SEPARATORS.length];
        return [c, encodeChar(c, false), encodeChar(c, true), encodeChar(c, false).replace(/%/g, '%25'), `${c}%00`][pick % 5];
      })
      .join('') + SUFFIXES[choices[0]! % SUFFIXES.length]
  );
}

const strip = (d: ReturnType<typeof decidePath>) => ({ kind: d.kind, rules: d.kind === 'protected' ? d.rules : [] });

describe('decidePath (property)', () => {
  it('any percent re-encoding of a plain path decides exactly as the plain path does', () => {
    fc.assert(
      fc.property(anyPlainPath, fc.array(fc.nat(), { minLength: 1, maxLength: 32 }), (path, choices) => {
        expect(strip(decidePath(rules, reencode(path, choices)))).toEqual(strip(decidePath(rules, path)));
      }),
      { numRuns: 2000 },
    );
  });

  it('a path whose decoded, resolved form is protected is never let through, however it is spelled', () => {
    fc.assert(
      fc.property(protectedPath, fc.array(fc.nat(), { minLength: 1, maxLength: 32 }), (path, choices) => {
        expect(decidePath(rules, path).kind).toBe('protected');
        const spelled = hostile(path, choices);
        expect(decidePath(rules, spelled).kind, spelled).not.toBe('open');
      }),
      { numRuns: 3000 },
    );
  });

  it('the same path decides the same way on every request (no state carried between calls)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyPlainPath, protectedPath.map((p) => hostile(p, [1, 2, 3]))), { minLength: 1, maxLength: 20 }), (paths) => {
        const first = paths.map((p) => strip(decidePath(rules, p)));
        const again = paths.map((p) => strip(decidePath(rules, p)));
        expect(again).toEqual(first);
      }),
    );
  });

  it('for any string, deciding never throws and returns one of the three outcomes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.webPath(), fc.string({ maxLength: 60 }).map((s) => `/${s}`)), (raw) => {
        expect(['open', 'protected', 'ambiguous']).toContain(decidePath(rules, raw).kind);
      }),
    );
  });
});
