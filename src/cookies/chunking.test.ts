import { NextRequest, NextResponse } from 'next/server.js';
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { CookieJar, expiredNames, setNames } from './__tests__/CookieJar.js';
import { COOKIE_CHUNK_SIZE } from './cookieLimits.js';
import type { CookieOptions, CookieStore } from './CookieStore.js';
import { createCookieStoreFromFetchApi } from './createCookieStoreFromFetchApi.js';
import { createCookieStoreFromNextCookies } from './createCookieStoreFromNextCookies.js';
import { createCookieStoreFromNextMiddleware } from './createCookieStoreFromNextMiddleware.js';
import { deleteChunkedCookie } from './deleteChunkedCookie.js';
import { readChunkedCookie } from './readChunkedCookie.js';
import { writeChunkedCookie } from './writeChunkedCookie.js';

const NAME = '__Host-session';
const OPTIONS: CookieOptions = { httpOnly: true, sameSite: 'lax', maxAge: 30 * 86400 };

/** One request/response cycle against a browser jar, through one adapter. */
interface Harness {
  label: string;
  /** Runs `action` on a store for a request carrying the jar's cookies; applies and returns the Set-Cookie lines. */
  round(jar: CookieJar, action: (store: CookieStore) => void): string[];
}

const fetchHarness: Harness = {
  label: 'Fetch API (Request/Response)',
  round(jar, action) {
    const request = new Request('https://app.test/', { headers: { cookie: jar.header() } });
    const response = new Response(null);
    action(createCookieStoreFromFetchApi(request, response));
    const lines = response.headers.getSetCookie();
    jar.apply(lines);
    return lines;
  },
};

const middlewareHarness: Harness = {
  label: 'middleware (NextRequest/NextResponse)',
  round(jar, action) {
    const request = new NextRequest('https://app.test/', { headers: { cookie: jar.header() } });
    const response = NextResponse.next();
    action(createCookieStoreFromNextMiddleware(request, response));
    const lines = response.headers.getSetCookie();
    jar.apply(lines);
    // The forwarded request header must describe the same cookies as the jar.
    expect(new CookieJar(Object.fromEntries(request.cookies.getAll().map((c) => [c.name, c.value]))).names()).toEqual(jar.names());
    return lines;
  },
};

/** Deterministic pseudo-random text full of characters cookies must encode. */
function unsafeText(length: number, seed = 1): string {
  const alphabet = ['a', 'Z', '9', ';', ',', ' ', '"', '\\', '=', '%', '+', '{', '}', 'é', 'ß', '中', '😀', '\u00a0', '\n'];
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

function chunkNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${NAME}.${i}`);
}

for (const harness of [fetchHarness, middlewareHarness]) {
  describe(`chunked cookies via ${harness.label}`, () => {
    const roundTrip = (value: string): { jar: CookieJar; lines: string[]; read: string | undefined } => {
      const jar = new CookieJar();
      const lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, value, OPTIONS));
      let read: string | undefined;
      harness.round(jar, (store) => {
        read = readChunkedCookie(store, NAME);
      });
      return { jar, lines, read };
    };

    it.each([
      [0, [NAME]],
      [1, [NAME]],
      [3799, [NAME]],
      [3800, [NAME]],
      [3801, chunkNames(2)],
      [7600, chunkNames(2)],
      [7601, chunkNames(3)],
      [20_000, chunkNames(6)],
    ])('round-trips %i bytes of token-safe text as %j', (size, names) => {
      const value = 'abcdefghijklmnopqrstuvwxyz0123456789-_'.repeat(600).slice(0, size);
      const { jar, lines, read } = roundTrip(value);
      expect(read).toBe(value);
      expect(jar.names()).toEqual([...names].sort());
      expect(setNames(lines)).toEqual([...names].sort());
      for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThan(4096);
    });

    it.each([1, 100, 3801, 7600, 20_000])('round-trips %i characters of URL-unsafe, non-ASCII text', (size) => {
      const value = unsafeText(size, size);
      const { lines, read } = roundTrip(value);
      expect(read).toBe(value);
      for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThan(4096);
    });

    it('round-trips 20 KB of JSON and keeps every encoded chunk within the chunk size', () => {
      const value = JSON.stringify(
        Array.from({ length: 400 }, (_, i) => ({ id: i, name: `user ${i}; café, naïve 😀`, tags: ['a,b', 'c;d'] })),
      ).slice(0, 20_000);
      const { jar, lines, read } = roundTrip(value);
      expect(read).toBe(value);
      expect(jar.names().length).toBeGreaterThan(5);
      for (const line of lines) {
        const encodedValue = line.slice(line.indexOf('=') + 1, line.indexOf(';'));
        expect(encodedValue.length).toBeLessThanOrEqual(COOKIE_CHUNK_SIZE);
        expect(new TextEncoder().encode(line).length).toBeLessThan(4096);
      }
    });

    it('keeps lines under 4096 bytes with a long name and a domain', () => {
      const name = `CognitoIdentityServiceProvider.${'c'.repeat(26)}.${'u'.repeat(300)}.idToken`;
      const jar = new CookieJar();
      const value = 'x'.repeat(12_000);
      const lines = harness.round(jar, (store) =>
        writeChunkedCookie(store, name, value, { ...OPTIONS, domain: 'a-long-subdomain.example.com', secure: true }),
      );
      expect(lines.length).toBe(4);
      for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThan(4000);
      harness.round(jar, (store) => expect(readChunkedCookie(store, name)).toBe(value));
    });

    it('cleans up after every layout transition: unchunked -> chunked -> fewer chunks -> unchunked', () => {
      const jar = new CookieJar({ other: 'kept' });

      let lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'small', OPTIONS));
      expect(jar.names()).toEqual([NAME, 'other']);
      expect(expiredNames(lines)).toEqual([]);

      lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'b'.repeat(4 * 3800 + 10), OPTIONS));
      expect(jar.names()).toEqual([...chunkNames(5), 'other'].sort());
      expect(expiredNames(lines)).toEqual([NAME]);

      lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'c'.repeat(3800 + 10), OPTIONS));
      expect(jar.names()).toEqual([...chunkNames(2), 'other'].sort());
      expect(expiredNames(lines)).toEqual(chunkNames(5).slice(2).sort());
      expect(setNames(lines)).toEqual(chunkNames(2));

      lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'tiny', OPTIONS));
      expect(jar.names()).toEqual([NAME, 'other']);
      expect(expiredNames(lines)).toEqual(chunkNames(2));

      harness.round(jar, (store) => expect(readChunkedCookie(store, NAME)).toBe('tiny'));
    });

    it('chunked(5) -> chunked(2) expires exactly chunks 2..4', () => {
      const jar = new CookieJar();
      harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'd'.repeat(5 * 3800), OPTIONS));
      expect(jar.names()).toEqual(chunkNames(5));
      const lines = harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'e'.repeat(2 * 3800), OPTIONS));
      expect(jar.names()).toEqual(chunkNames(2));
      expect(expiredNames(lines)).toEqual([`${NAME}.2`, `${NAME}.3`, `${NAME}.4`]);
      harness.round(jar, (store) => expect(readChunkedCookie(store, NAME)).toBe('e'.repeat(2 * 3800)));
    });

    it('sees its own earlier write in the same request (two writes, one response)', () => {
      const jar = new CookieJar();
      const lines = harness.round(jar, (store) => {
        writeChunkedCookie(store, NAME, 'f'.repeat(3 * 3800), OPTIONS);
        writeChunkedCookie(store, NAME, 'g', OPTIONS);
        expect(readChunkedCookie(store, NAME)).toBe('g');
      });
      expect(jar.names()).toEqual([NAME]);
      expect(expiredNames(lines)).toEqual(chunkNames(3));
    });

    it('deleteChunkedCookie expires the cookie and every chunk present, and nothing else', () => {
      const jar = new CookieJar({ other: 'kept' });
      harness.round(jar, (store) => writeChunkedCookie(store, NAME, 'h'.repeat(3 * 3800), OPTIONS));
      jar.apply([`${NAME}=stale; Path=/`]);
      const lines = harness.round(jar, (store) => deleteChunkedCookie(store, NAME, OPTIONS));
      expect(expiredNames(lines)).toEqual([NAME, ...chunkNames(3)].sort());
      expect(jar.names()).toEqual(['other']);
      // Nothing present: no Set-Cookie at all.
      expect(harness.round(jar, (store) => deleteChunkedCookie(store, NAME, OPTIONS))).toEqual([]);
    });
  });
}

describe('readChunkedCookie on damaged or foreign layouts', () => {
  const read = (header: string): string | undefined =>
    readChunkedCookie(createCookieStoreFromFetchApi(new Request('https://app.test/', { headers: { cookie: header } }), new Response()), 's');

  it('concatenates contiguous chunks in index order, whatever the header order', () => {
    expect(read('s.2=c; s.0=a; s.1=b')).toBe('abc');
  });
  it('missing middle chunk -> undefined', () => {
    expect(read('s.0=a; s.2=c')).toBeUndefined();
  });
  it('missing chunk 0 -> undefined', () => {
    expect(read('s.1=b; s.2=c')).toBeUndefined();
  });
  it('empty chunk -> undefined', () => {
    expect(read('s.0=a; s.1=')).toBeUndefined();
  });
  it('ignores names that are not canonical chunk indexes', () => {
    expect(read('s.0=a; s.01=x; s.x=y; s.=z; ss.1=w; s.1=b')).toBe('ab');
  });
  it('prefers the whole cookie when both layouts are present', () => {
    expect(read('s.0=a; s=whole; s.1=b')).toBe('whole');
  });
  it('never throws on garbage values', () => {
    expect(read('s.0=%E0%A4%A; s.1=%%%; junk')).toBe('%E0%A4%A%%%');
    expect(read('=; ;;; s')).toBeUndefined();
    expect(read('')).toBeUndefined();
  });
});

describe('writeChunkedCookie on a read-only store', () => {
  it('throws CookiesReadOnly and writes nothing', () => {
    const headers = new Headers({ cookie: `${NAME}.0=a; ${NAME}.1=b` });
    const store = createCookieStoreFromNextCookies(RequestCookiesAdapter.seal(new RequestCookies(headers)));
    let caught: unknown;
    try {
      writeChunkedCookie(store, NAME, 'x'.repeat(10_000), OPTIONS);
    } catch (err) {
      caught = err;
    }
    expect(isAuthError(caught, 'CookiesReadOnly')).toBe(true);
    expect(store.readOnly).toBe(true);
    expect(readChunkedCookie(store, NAME)).toBe('ab');
    expect(headers.get('cookie')).toBe(`${NAME}.0=a; ${NAME}.1=b`);
  });
});
