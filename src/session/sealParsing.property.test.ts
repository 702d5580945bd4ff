// Property tests: whatever an attacker does to a valid session cookie
// (append, insert, truncate, change case, replace a character, re-split the
// chunks, add or drop a chunk), the sealed codec reads it as exactly the
// original session only when the cookies are byte-identical to what it wrote,
// and as signed out otherwise. It never throws. fast-check prints the seed and
// the shrunk input on failure.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunksAsWritten } from './chunksAsWritten.js';
import { parseIronSeal } from './parseIronSeal.js';
import type { TokenSet } from './TokenSet.js';
import { COOKIE, COOKIE_OPTIONS, SECRETS, makeCodec, makeTokens, readWith, sealedCookies, splitAt } from './__tests__/sealedCodecHarness.js';
import type { Cookie } from './__tests__/sealedCodecHarness.js';

const RUNS = 150;

let tokens: TokenSet;
let original: Cookie[];
let value: string;
// One codec for every run, as in a long-lived process: the original is cached,
// so a variant that wrongly matched the cache would read as signed in.
const { codec } = makeCodec();

beforeAll(async () => {
  tokens = await makeTokens('alice');
  original = await sealedCookies(makeCodec().codec, tokens);
  value = original.map((c) => c.value).join('');
  expect(original).toHaveLength(2);
  expect((await readWith(codec, original))?.tokens).toEqual(tokens);
});

/** Characters that matter to the seal's grammar, the cookie syntax and case folding. */
const TRICKY = ['~', '*', '2', '~2', 'Fe26.2', '.', '-', '_', '=', ';', ',', ' ', '%', '%7E', '"', '\\', 'a', 'A', 'f', 'F', '0', '\u00e9', '\u0130', '\u212a', '\ud83c\udf6a'];
const insertion = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.array(fc.constantFrom(...TRICKY), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
);
// A position in the value, resolved when applied (the value is made in beforeAll).
const position = () => fc.nat({ max: 1_000_000 });
const posIn = (v: string, p: number) => p % (v.length + 1);

const toggleCase = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());

/** Mutations of the sealed value; the result is sent in the writer's own chunk layout. */
const valueMutation = fc.oneof(
  fc.tuple(fc.constant('append'), insertion, fc.constant(0)).map(([, s]) => (v: string) => v + s),
  fc.tuple(insertion, position()).map(([s, p]) => (v: string) => v.slice(0, posIn(v, p)) + s + v.slice(posIn(v, p))),
  fc.tuple(position(), fc.integer({ min: 1, max: 300 })).map(([p, n]) => (v: string) => v.slice(0, posIn(v, p)) + v.slice(posIn(v, p) + n)),
  fc.integer({ min: 1, max: 400 }).map((n) => (v: string) => v.slice(0, -n)),
  fc.integer({ min: 1, max: 400 }).map((n) => (v: string) => v.slice(n)),
  position().map((p) => (v: string) => v.slice(0, posIn(v, p)) + toggleCase(v.charAt(posIn(v, p))) + v.slice(posIn(v, p) + 1)),
  fc.tuple(position(), fc.constantFrom(...TRICKY)).map(([p, c]) => (v: string) => v.slice(0, posIn(v, p)) + c + v.slice(posIn(v, p) + 1)),
  fc.constant((v: string) => v.toUpperCase()),
  fc.constant((v: string) => v.toLowerCase()),
);

/** Re-layouts of the unchanged value: other cut points, an extra or missing chunk, the whole value unchunked. */
const layoutMutation = fc.oneof(
  fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 }).map((cuts) => (v: string) => splitAt(v, [...cuts].sort((a, b) => a - b).filter((c) => c < v.length))),
  insertion.map((extra) => () => [...original, { name: `${COOKIE}.2`, value: extra }]),
  fc.constant(() => original.slice(0, 1)),
  fc.constant(() => original.slice(1).map((c) => ({ ...c, name: `${COOKIE}.0` }))),
  fc.constant((v: string) => [{ name: COOKIE, value: v }]),
  fc.constant(() => [{ name: COOKIE, value: original[0]!.value }, ...original]),
  fc.constant(() => [...original].reverse()),
);

function sameCookies(a: readonly Cookie[], b: readonly Cookie[]): boolean {
  const key = (cs: readonly Cookie[]) => JSON.stringify([...cs].sort((x, y) => x.name.localeCompare(y.name)));
  return key(a) === key(b);
}

describe('seal parsing (property)', () => {
  it('a mutated seal, in the writer’s layout, reads as the original session only when byte-identical, else signed out; never throws', async () => {
    await fc.assert(
      fc.asyncProperty(valueMutation, async (mutate) => {
        const mutated = mutate(value);
        let layout: Cookie[];
        try {
          layout = chunksAsWritten(COOKIE, mutated, COOKIE_OPTIONS).map((v, i, all) => ({ name: all.length === 1 ? COOKIE : `${COOKIE}.${i}`, value: v }));
        } catch {
          return; // not a string any cookie can carry (the writer refuses it): nothing to send
        }
        const session = await readWith(codec, layout);
        if (mutated === value) expect(session?.tokens).toEqual(tokens);
        else expect(session).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('the same seal in any other chunk layout reads as signed out; the writer’s layout reads as the original; never throws', async () => {
    await fc.assert(
      fc.asyncProperty(layoutMutation, async (relayout) => {
        const layout = relayout(value);
        const session = await readWith(codec, layout);
        if (sameCookies(layout, original)) expect(session?.tokens).toEqual(tokens);
        else expect(session).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('parseIronSeal accepts the original and rejects every mutation of it, without throwing', () => {
    expect(parseIronSeal(value, SECRETS)).toBeDefined();
    fc.assert(
      fc.property(valueMutation, (mutate) => {
        const mutated = mutate(value);
        // A mutation can only keep the format by touching the fields the HMAC covers, which unsealing then refuses.
        const parsed = parseIronSeal(mutated, SECRETS);
        if (mutated === value) expect(parsed).toBeDefined();
        else if (parsed !== undefined) expect(mutated.endsWith('~2') && mutated.startsWith('Fe26.2*')).toBe(true);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
