// Property test: a request that carries the chunk cookies of two users' real
// sessions in any mix (any order, gaps, duplicates, one user's chunk spliced
// into the other's, a stale unchunked cookie beside them) reads as signed out
// or as exactly one of the two sessions, only when that session's chunks are
// all there; never a third value, never a throw. fast-check prints the seed
// and the shrunk input on failure.
import fc from 'fast-check';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextCookies } from '../cookies/createCookieStoreFromNextCookies.js';
import type { Session } from './Session.js';
import type { TokenSet } from './TokenSet.js';
import { COOKIE, headerOf, makeCodec, makeTokens, ORIGIN, sealedCookies } from './__tests__/sealedCodecHarness.js';
import type { Cookie } from './__tests__/sealedCodecHarness.js';

let alice: { tokens: TokenSet; cookies: Cookie[] };
let bob: { tokens: TokenSet; cookies: Cookie[] };
// One codec for every run, as in a long-lived process: both sessions get cached,
// so a mix that wrongly hit the cache would read as signed in.
const { codec } = makeCodec();

beforeAll(async () => {
  const user = async (sub: string) => {
    const tokens = await makeTokens(sub);
    return { tokens, cookies: await sealedCookies(makeCodec().codec, tokens) };
  };
  [alice, bob] = await Promise.all([user('alice'), user('bob')]);
  expect(alice.cookies.map((c) => c.name)).toEqual([`${COOKIE}.0`, `${COOKIE}.1`]);
  expect(bob.cookies.map((c) => c.name)).toEqual([`${COOKIE}.0`, `${COOKIE}.1`]);
});

/** One cookie of the request: a chunk of alice's or bob's, or one of their whole seals under the unchunked name. */
type Pick = { user: 'alice' | 'bob'; chunk: number } | { user: 'alice' | 'bob'; whole: true };
const pick: fc.Arbitrary<Pick> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ user: fc.constantFrom('alice' as const, 'bob' as const), chunk: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ user: fc.constantFrom('alice' as const, 'bob' as const), whole: fc.constant(true as const) }) },
);

function cookieOf(p: Pick): Cookie {
  const { cookies } = p.user === 'alice' ? alice : bob;
  if ('whole' in p) return { name: COOKIE, value: cookies.map((c) => c.value).join('') };
  return cookies[p.chunk % cookies.length]!;
}

const readers = [
  {
    label: 'Fetch API (raw Cookie header visible)',
    read: (header: string) =>
      codec.read(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: header ? { cookie: header } : {} }), new Response(null))),
  },
  {
    label: "Next's cookies() (one copy per name)",
    read: (header: string) => codec.read(createCookieStoreFromNextCookies(RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header }))))),
  },
];

/** Exactly the writer's cookies for one user, each once, nothing else of ours. */
function isExactly(request: readonly Cookie[], cookies: readonly Cookie[]): boolean {
  const key = (cs: readonly Cookie[]) => JSON.stringify(cs.map((c) => `${c.name}=${c.value}`).sort());
  return key(request) === key(cookies);
}

describe('chunk cookies of two sessions mixed in one request (property)', () => {
  it('read as signed out or exactly one user’s session, that user’s only when all their chunks are there; never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pick, { maxLength: 7 }), async (picks) => {
        const request = picks.map(cookieOf);
        const header = headerOf(request);
        for (const reader of readers) {
          let session: Session | undefined;
          try {
            session = await reader.read(header);
          } catch (err) {
            throw new Error(`${reader.label} threw`, { cause: err });
          }
          if (session === undefined) {
            // The exact cookies one user's browser holds always read as that user.
            expect(isExactly(request, alice.cookies) || isExactly(request, bob.cookies)).toBe(false);
            continue;
          }
          const owner = session.tokens.accessToken === alice.tokens.accessToken ? alice : bob;
          expect(session.tokens).toEqual(owner.tokens);
          const names = new Set(request.map((c) => c.name));
          const has = (c: Cookie) => request.some((r) => r.name === c.name && r.value === c.value);
          // Every chunk of the owner's session is in the request, or its whole seal is.
          const whole: Cookie = { name: COOKIE, value: owner.cookies.map((c) => c.value).join('') };
          expect(owner.cookies.every(has) || has(whole)).toBe(true);
          if (reader.label.startsWith('Fetch')) {
            // With the raw header visible, nothing of ours is duplicated and no foreign chunk sits beside it.
            expect(names.size).toBe(request.length);
            expect(isExactly(request, owner.cookies) || (request.length === 1 && has(whole))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
