// Property tests for chunked cookies: any value survives write -> browser jar ->
// read; no sequence of writes leaves a stale chunk; and whatever a hostile or
// damaged request does with the chunk cookies (reorder, drop, duplicate,
// splice in another value's chunks, add look-alike names), reading never
// throws and never builds a value out of anything but the chunks as named.
// fast-check prints the seed and the shrunk counterexample on failure.
import { parseSetCookie } from 'cookie';
import fc from 'fast-check';
import { NextRequest, NextResponse } from 'next/server.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { describe, expect, it } from 'vitest';

import { CookieJar } from './__tests__/CookieJar.js';
import { COOKIE_CHUNK_SIZE, MAX_SET_COOKIE_LENGTH } from './cookieLimits.js';
import type { CookieOptions, CookieStore } from './CookieStore.js';
import { createCookieStoreFromFetchApi } from './createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextCookies } from './createCookieStoreFromNextCookies.js';
import { createCookieStoreFromNextMiddleware } from './createCookieStoreFromNextMiddleware.js';
import { deleteChunkedCookie } from './deleteChunkedCookie.js';
import { readChunkedCookie } from './readChunkedCookie.js';
import { writeChunkedCookie } from './writeChunkedCookie.js';

const NAME = '__Host-session';
const OPTIONS: CookieOptions = { httpOnly: true, sameSite: 'lax', maxAge: 30 * 86400 };
const CANONICAL_CHUNK = new RegExp(`^${NAME.replace(/[.]/g, '\\.')}\\.(?:0|[1-9][0-9]*)$`);

// ---------------------------------------------------------------------------
// Values: long runs of varied pieces, so sizes cross chunk boundaries often.

const PIECES = ['a', 'Fe26.2*', '~2', '-_', '%', '%25', ';', ',', ' ', '=', '"', '\\', '+', 'é', 'ß', '中', '😀', '\u00a0', '\n', '\u0000', '\u2028'];
const segment = fc
  .tuple(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), fc.integer({ min: 1, max: 2000 }))
  // Repeat whole pieces (never slice one: a split surrogate pair is not a string a cookie can carry).
  .map(([piece, size]) => piece.repeat(Math.max(1, Math.floor(size / piece.length))));
/** ASCII of the seal's alphabet at lengths right around the chunk boundaries (the fast path). */
const nearBoundary = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom('A', 'z', '-', '_', '~', '*', '.'))
  .map(([chunks, offset, ch]) => ch.repeat(Math.max(0, chunks * COOKIE_CHUNK_SIZE + offset)));
const cookieValue = fc.oneof(
  fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('')),
  nearBoundary,
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);
/** Values that need at least two chunks. */
const chunkedValue = fc
  .oneof(
    fc.array(segment, { minLength: 2, maxLength: 5 }).map((parts) => parts.join('')),
    nearBoundary.map((v) => `${v}${'x'.repeat(COOKIE_CHUNK_SIZE + 1)}`),
  )
  .filter((v) => encodeURIComponent(v).length > COOKIE_CHUNK_SIZE);

// ---------------------------------------------------------------------------
// Hosts: one request/response round through an adapter against a browser jar.

interface Harness {
  label: string;
  round(jar: CookieJar, action: (store: CookieStore) => void): string[];
}

const harnesses: Harness[] = [
  {
    label: 'Fetch API',
    round(jar, action) {
      const request = new Request('https://app.test/', { headers: { cookie: jar.header() } });
      const response = new Response(null);
      action(createCookieStoreFromFetchApi(request, response));
      const lines = response.headers.getSetCookie();
      jar.apply(lines);
      return lines;
    },
  },
  {
    label: 'middleware',
    round(jar, action) {
      const request = new NextRequest('https://app.test/', { headers: { cookie: jar.header() } });
      const response = NextResponse.next();
      action(createCookieStoreFromNextMiddleware(request, response));
      const lines = response.headers.getSetCookie();
      jar.apply(lines);
      return lines;
    },
  },
];

/** Our cookie and its canonical chunks in the jar, sorted. */
function family(jar: CookieJar): string[] {
  return jar.names().filter((n) => n === NAME || CANONICAL_CHUNK.test(n));
}

function expectOnlyLayoutOf(jar: CookieJar, value: string): void {
  const names = family(jar);
  if (encodeURIComponent(value).length <= COOKIE_CHUNK_SIZE) {
    expect(names).toEqual([NAME]);
  } else {
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names).toEqual(Array.from({ length: names.length }, (_, i) => `${NAME}.${i}`).sort());
  }
}

for (const harness of harnesses) {
  describe(`chunked cookies via ${harness.label} (property)`, () => {
    it('any value round-trips through write, a browser jar and read', () => {
      fc.assert(
        fc.property(cookieValue, (value) => {
          const jar = new CookieJar();
          const lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, value, OPTIONS));
          for (const line of lines) {
            expect(line.length).toBeLessThanOrEqual(MAX_SET_COOKIE_LENGTH);
            const { name, value: wire = '' } = parseSetCookie(line, { decode: (raw) => raw });
            // Browsers drop a cookie whose name + value exceed 4096 bytes.
            expect(name.length + wire.length).toBeLessThanOrEqual(4096);
          }
          expectOnlyLayoutOf(jar, value);
          let read: string | undefined;
          harness.round(jar, (store) => (read = readChunkedCookie(store, NAME)));
          expect(read).toBe(value);
        }),
        { numRuns: 100 },
      );
    });

    it('after any sequence of writes and deletes of any sizes, no stale chunk survives', () => {
      type Op = { write: string } | { delete: true };
      const op: fc.Arbitrary<Op> = fc.oneof(
        { weight: 5, arbitrary: cookieValue.map((write) => ({ write })) },
        { weight: 1, arbitrary: fc.constant({ delete: true as const }) },
      );
      // Several operations in one request exercise read-your-writes within a response.
      fc.assert(
        fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (rounds) => {
          // Cookies that are not ours, including look-alikes of chunk names, must survive untouched.
          const bystanders = { other: '1', [`${NAME}.01`]: 'x', [`${NAME}.x`]: 'y', [`${NAME}x.0`]: 'z' };
          const jar = new CookieJar(bystanders);
          let current: string | undefined;
          for (const ops of rounds) {
            harness.round(jar, (store) => {
              for (const o of ops) {
                if ('write' in o) writeChunkedCookie(store, NAME, o.write, OPTIONS);
                else deleteChunkedCookie(store, NAME, OPTIONS);
                current = 'write' in o ? o.write : undefined;
              }
            });
            if (current === undefined) expect(family(jar)).toEqual([]);
            else expectOnlyLayoutOf(jar, current);
            let read: string | undefined;
            harness.round(jar, (store) => (read = readChunkedCookie(store, NAME)));
            expect(read).toBe(current);
            expect(jar.names()).toEqual(expect.arrayContaining(Object.keys(bystanders)));
          }
        }),
        { numRuns: 40 },
      );
    });
  });
}

// ---------------------------------------------------------------------------
// Hostile requests: cookies a client may send, built from real chunks.

interface WireCookie {
  name: string;
  /** As on the wire (percent-encoded). */
  value: string;
}

/** The cookies `writeChunkedCookie` puts on the wire for `value`. */
function written(value: string): WireCookie[] {
  const response = new Response(null);
  writeChunkedCookie(createCookieStoreFromFetchApi(new Request('https://app.test/'), response), NAME, value, OPTIONS);
  return response.headers.getSetCookie().map((line) => {
    const { name, value: wire = '' } = parseSetCookie(line, { decode: (raw) => raw });
    return { name, value: wire };
  });
}

/** Reads as each kind of host would: raw header visible (Fetch API, middleware) or not (Next's cookies()). */
const readers: Array<{ label: string; rawHeader: boolean; read(header: string): string | undefined }> = [
  {
    label: 'Fetch API',
    rawHeader: true,
    read: (header) => readChunkedCookie(createCookieStoreFromFetchApi(new Request('https://app.test/', { headers: { cookie: header } }), new Response()), NAME),
  },
  {
    label: 'middleware',
    rawHeader: true,
    read: (header) =>
      readChunkedCookie(createCookieStoreFromNextMiddleware(new NextRequest('https://app.test/', { headers: { cookie: header } }), NextResponse.next()), NAME),
  },
  {
    label: "Next's cookies()",
    rawHeader: false,
    read: (header) =>
      readChunkedCookie(createCookieStoreFromNextCookies(RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie: header })))), NAME),
  },
];

const LOOK_ALIKES = ['01', '00', '-1', '+1', '1e0', '0x1', ' 1', '1 ', '٣', '１', '', '.', '0.', 'x', 'NaN', '9007199254740993'];

type Pick = { kind: 'chunk'; index: number } | { kind: 'other'; index: number } | { kind: 'whole' } | { kind: 'lookAlike'; suffix: string };
const pick: fc.Arbitrary<Pick> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(20).map((index) => ({ kind: 'chunk' as const, index })) },
  { weight: 2, arbitrary: fc.nat(20).map((index) => ({ kind: 'other' as const, index })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'whole' as const }) },
  { weight: 2, arbitrary: fc.constantFrom(...LOOK_ALIKES).map((suffix) => ({ kind: 'lookAlike' as const, suffix })) },
);

/** The Cookie header as a server sees it: bytes, so non-ASCII names arrive as UTF-8 read as Latin-1. */
function header(cookies: readonly WireCookie[]): string {
  return Buffer.from(cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'utf8').toString('latin1');
}

describe('hostile and damaged chunk layouts (property)', () => {
  it('any permutation, gap or duplicate of a value’s own chunks reads as undefined, the exact value, or (trailing chunks missing) a prefix of whole chunks', () => {
    const picks = fc.array(fc.oneof(fc.nat(20).map((index) => ({ index })), fc.constant({ index: -1 })), { maxLength: 14 });
    const order = fc.array(fc.nat(), { minLength: 21, maxLength: 21 });
    fc.assert(
      fc.property(chunkedValue, picks, fc.boolean(), order, (value, chosen, allOnce, keys) => {
        const chunks = written(value);
        // -1 stands for "the whole cookie, with the full value" (a layout a client may keep from before).
        const wholeWire = encodeURIComponent(value);
        const request: WireCookie[] = allOnce
          ? chunks.map((c, i) => ({ c, key: keys[i]! })).sort((a, b) => a.key - b.key).map(({ c }) => c)
          : chosen.map(({ index }) => (index < 0 ? { name: NAME, value: wholeWire } : chunks[index % chunks.length]!));
        const decoded = chunks.map((c) => decodeURIComponent(c.value));
        const prefixes = decoded.map((_, k) => decoded.slice(0, k + 1).join(''));
        for (const reader of readers) {
          const read = reader.read(header(request));
          if (read !== undefined) expect(prefixes).toContain(read);
          if (read !== undefined && read !== value) {
            // A prefix only when every later chunk is absent.
            const k = prefixes.indexOf(read) + 1;
            expect(request.some((c) => chunks.slice(k).some((later) => later.name === c.name))).toBe(false);
          }
          const names = request.map((c) => c.name);
          const duplicated = names.some((n, i) => names.indexOf(n) !== i);
          const complete = chunks.every((c) => names.includes(c.name)) || names.includes(NAME);
          // Both layouts at once is never what the writer leaves: a reader may refuse it.
          const bothLayouts = names.includes(NAME) && names.some((n) => n !== NAME);
          if (complete && !duplicated && !bothLayouts) expect(read).toBe(value);
          if (complete && !reader.rawHeader && !bothLayouts) expect(read).toBe(value);
          if (duplicated && reader.rawHeader) {
            // Which copy is ours cannot be known: a duplicated name in play reads as absent.
            const inPlay = names.includes(NAME) ? [NAME] : chunks.map((c) => c.name);
            if (inPlay.some((n) => names.indexOf(n) !== names.lastIndexOf(n))) expect(read).toBeUndefined();
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('any mix of two values’ chunks and look-alike names never throws and only ever reads whole cookies as named: the whole cookie, or name.0 … name.k in index order', () => {
    fc.assert(
      fc.property(chunkedValue, cookieValue, fc.array(pick, { maxLength: 14 }), (value, otherValue, picks) => {
        const mine = written(value);
        const theirs = written(otherValue).map((c) => (c.name === NAME ? { name: `${NAME}.0`, value: c.value } : c));
        const request: WireCookie[] = picks.map((p) => {
          switch (p.kind) {
            case 'chunk':
              return mine[p.index % mine.length]!;
            case 'other':
              return theirs[p.index % theirs.length]!;
            case 'whole':
              return { name: NAME, value: theirs[0]!.value };
            case 'lookAlike':
              return { name: `${NAME}.${p.suffix}`, value: 'junk' };
          }
        });
        // Cookie parsers (and browsers) trim the name: "name.1 " is "name.1".
        const valuesOf = (name: string): string[] =>
          request.filter((c) => c.name.trim() === name).map((c) => decodeURIComponent(c.value));
        for (const reader of readers) {
          let read: string | undefined;
          expect(() => (read = reader.read(header(request)))).not.toThrow();
          if (read === undefined) continue;
          const wholes = valuesOf(NAME);
          if (wholes.includes(read!)) {
            if (reader.rawHeader) expect(wholes).toHaveLength(1);
            continue;
          }
          // The whole cookie was not used: there was none, or (Next's cookies() keeps one copy
          // and reads an empty value as absent) an empty copy of it.
          if (reader.rawHeader) expect(wholes).toEqual([]);
          else expect(wholes.length === 0 || wholes.includes('')).toBe(true);
          // Some k: read === v0 + v1 + … + vk, each vi the non-empty value of a cookie named NAME.i.
          const spells = (rest: string, i: number): boolean =>
            rest === '' ||
            valuesOf(`${NAME}.${i}`).some((v) => v !== '' && rest.startsWith(v) && spells(rest.slice(v.length), i + 1));
          expect(spells(read!, 0)).toBe(true);
          if (reader.rawHeader) {
            // With the raw header visible, no chunk name it used was sent twice.
            for (let i = 0; valuesOf(`${NAME}.${i}`).length > 0; i++) expect(valuesOf(`${NAME}.${i}`)).toHaveLength(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
