import { randomBytes } from 'node:crypto';
import { sealData } from 'iron-session';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { Session } from './Session.js';
import { createSessionCache } from './SessionCache.js';
import { RECHECK_MS } from './createSealedCodec.js';
import { MAX_SEAL_LENGTH, MAX_TOKEN_SET_BYTES } from './parseIronSeal.js';
import type { TokenSet } from './TokenSet.js';
import { COOKIE, COOKIE_OPTIONS, SECRETS, headerOf, makeCodec, makeTokens, readWith, sealedCookies, splitAt } from './__tests__/sealedCodecHarness.js';
import type { Cookie } from './__tests__/sealedCodecHarness.js';

let alice: TokenSet;
let bob: TokenSet;
beforeAll(async () => {
  alice = await makeTokens('alice');
  bob = await makeTokens('bob');
});

/** Alice's valid, two-chunk cookie, sealed by another process (so it is new to every codec under test). */
async function aliceCookie(): Promise<Cookie[]> {
  const cookies = await sealedCookies(makeCodec().codec, alice);
  expect(cookies.map((c) => c.name)).toEqual([`${COOKIE}.0`, `${COOKIE}.1`]);
  return cookies;
}

const joined = (cookies: readonly Cookie[]) => cookies.map((c) => c.value).join('');
const withLast = (cookies: readonly Cookie[], value: (v: string) => string) =>
  cookies.map((c, i) => (i === cookies.length - 1 ? { ...c, value: value(c.value) } : c));

describe('sealed codec: one valid cookie cannot be spelled in many ways', () => {
  it('the valid cookie itself reads as signed in (the baseline the attacks start from)', async () => {
    const { codec, cache } = makeCodec();
    const session = await readWith(codec, await aliceCookie());
    expect(session?.idToken.payload.sub).toBe('alice');
    expect(cache.size).toBe(1);
  });

  it.each([
    ['~2~<junk> (iron splits on ~ and ignores the rest)', (v: string) => `${v}~junk`],
    ['~2<digits> glued to the version', (v: string) => `${v}0`],
    ['~2x<junk> (parseInt reads 2)', (v: string) => `${v}x${randomBytes(600).toString('base64url')}`],
    ['a second copy of the version', (v: string) => `${v}~2`],
    ['a space', (v: string) => `${v} `],
  ])('trailing data after a valid seal reads as signed out: %s', async (_label, mutate) => {
    const { codec, cache } = makeCodec();
    expect(await readWith(codec, withLast(await aliceCookie(), mutate))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it.each([
    ['garbage', '~junk'],
    ['a lone tilde', '~'],
    ['more seal-looking data', '*abc~2'],
  ])('an extra chunk after the last one reads as signed out: %s', async (_label, extra) => {
    const { codec, cache } = makeCodec();
    const cookies = await aliceCookie();
    expect(await readWith(codec, [...cookies, { name: `${COOKIE}.${cookies.length}`, value: extra }])).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('an extra empty chunk reads as signed out', async () => {
    const { codec } = makeCodec();
    const cookies = await aliceCookie();
    expect(await readWith(codec, [...cookies, { name: `${COOKIE}.${cookies.length}`, value: '' }])).toBeUndefined();
  });

  it('the same seal split at another chunk boundary reads as signed out (one layout per seal)', async () => {
    const { codec, cache } = makeCodec();
    const value = joined(await aliceCookie());
    for (const cuts of [[100], [3000], [value.length - 1], [1000, 2000], [1000, 2000, 4000]]) {
      expect(await readWith(codec, splitAt(value, cuts))).toBeUndefined();
    }
    expect(cache.size).toBe(0);
  });

  it('the whole seal in one cookie where the writer would chunk it reads as signed out', async () => {
    const { codec } = makeCodec();
    expect(await readWith(codec, [{ name: COOKIE, value: joined(await aliceCookie()) }])).toBeUndefined();
  });

  it('a small seal moved into a lone name.0 chunk reads as signed out', async () => {
    const small: TokenSet = await makeTokens('carol', 100);
    const { refreshToken: _dropped, ...noRefresh } = small;
    const { codec } = makeCodec();
    const cookies = await sealedCookies(makeCodec().codec, noRefresh);
    expect(cookies.map((c) => c.name)).toEqual([COOKIE]);
    expect((await readWith(codec, cookies))?.idToken.payload.sub).toBe('carol');
    expect(await readWith(makeCodec().codec, [{ name: `${COOKIE}.0`, value: cookies[0]!.value }])).toBeUndefined();
  });

  it('a whole cookie with a stray chunk beside it reads as signed out, even once cached', async () => {
    const { refreshToken: _dropped, ...small } = await makeTokens('carol', 100);
    const { codec } = makeCodec();
    const cookies = await sealedCookies(codec, small);
    expect(cookies.map((c) => c.name)).toEqual([COOKIE]);
    expect((await readWith(codec, cookies))?.idToken.payload.sub).toBe('carol');
    expect(await readWith(codec, [...cookies, { name: `${COOKIE}.0`, value: 'junk' }])).toBeUndefined();
  });

  it('a validly sealed value longer than the accepted maximum is refused before it is unsealed', async () => {
    // Sealed directly with the secret (the writer refuses such token sets): its format is right, its size is not.
    const big = await sealData({ v: 1, id: alice.idToken, at: alice.accessToken, rt: randomBytes(MAX_TOKEN_SET_BYTES).toString('base64url') }, { password: SECRETS, ttl: COOKIE_OPTIONS.maxAge });
    expect(big.length).toBeGreaterThan(MAX_SEAL_LENGTH);
    const { codec } = makeCodec();
    const chunks = [];
    for (let i = 0; i * 3800 < big.length; i++) chunks.push({ name: `${COOKIE}.${i}`, value: big.slice(i * 3800, (i + 1) * 3800) });
    expect(await readWith(codec, chunks)).toBeUndefined();
  });

  it('a token set too large for the cookie is refused when written, not written and then refused on every read', async () => {
    const { codec } = makeCodec();
    const huge = { ...alice, refreshToken: randomBytes(MAX_TOKEN_SET_BYTES).toString('base64url') };
    const error = await sealedCookies(codec, huge).then(() => undefined, (err: unknown) => err);
    expect(isAuthError(error, 'TokenInvalid')).toBe(true);
  });

  it('10,000 distinct hostile variants of one valid cookie neither read as signed in nor evict another user’s cache entry', async () => {
    const { codec, cache } = makeCodec({ cache: createSessionCache(100) });
    const bobCookies = await sealedCookies(makeCodec().codec, bob);
    expect((await readWith(codec, bobCookies))?.idToken.payload.sub).toBe('bob');
    const cookies = await aliceCookie();
    const value = joined(cookies);
    let signedIn = 0;
    for (let i = 0; i < 10_000; i++) {
      const variant =
        i % 3 === 0 ? withLast(cookies, (v) => `${v}~${i}`)
        : i % 3 === 1 ? [...cookies, { name: `${COOKIE}.2`, value: `~${i}` }]
        : splitAt(`${value}~${i}`, [1 + (i % 5000)]);
      if ((await readWith(codec, variant)) !== undefined) signedIn += 1;
    }
    expect(signedIn).toBe(0);
    expect(cache.size).toBe(1);
    const bobParts = bobCookies.map((c) => c.value);
    expect(cache.get(bobParts)?.idToken.payload.sub).toBe('bob');
  });
});

describe('sealed codec: the secret alone is not a master key (verifySignatures)', () => {
  const verifier = (outcomes: Array<'ok' | 'forged' | 'unreachable'>) => {
    const calls: string[] = [];
    const verify = async (session: Session) => {
      const outcome = outcomes[Math.min(calls.length, outcomes.length - 1)]!;
      calls.push(String(session.idToken.payload.sub));
      if (outcome === 'forged') throw new AuthError('TokenInvalid', 'signature');
      if (outcome === 'unreachable') throw new AuthError('IdpUnavailable', 'jwks');
    };
    return { calls, verify };
  };

  it('a session sealed with the right secret around tokens the IdP did not sign reads as signed out, and is not cached', async () => {
    const { calls, verify } = verifier(['forged']);
    const { codec, cache } = makeCodec({ verifySignatures: { mode: 'once', verify } });
    const cookies = await aliceCookie();
    expect(await readWith(codec, cookies)).toBeUndefined();
    expect(await readWith(codec, cookies)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(calls).toEqual(['alice', 'alice']);
  });

  it('once: verified on the first read of a cookie value only; warm reads are cache hits', async () => {
    const { calls, verify } = verifier(['ok']);
    const { codec } = makeCodec({ verifySignatures: { mode: 'once', verify } });
    const cookies = await aliceCookie();
    for (let i = 0; i < 5; i++) expect((await readWith(codec, cookies))?.idToken.payload.sub).toBe('alice');
    expect(calls).toEqual(['alice']);
  });

  it('always: verified on every read', async () => {
    const { calls, verify } = verifier(['ok', 'ok', 'forged']);
    const { codec } = makeCodec({ verifySignatures: { mode: 'always', verify } });
    const cookies = await aliceCookie();
    expect(await readWith(codec, cookies)).toBeDefined();
    expect(await readWith(codec, cookies)).toBeDefined();
    expect(await readWith(codec, cookies)).toBeUndefined();
    expect(calls).toHaveLength(3);
  });

  it('a JWKS that cannot be fetched on a cold read signs nobody out; the value is checked again after the recheck delay', async () => {
    let now = Date.now();
    const { calls, verify } = verifier(['unreachable', 'forged']);
    const { codec } = makeCodec({ verifySignatures: { mode: 'once', verify }, now: () => now });
    const cookies = await aliceCookie();
    expect((await readWith(codec, cookies))?.idToken.payload.sub).toBe('alice');
    now += RECHECK_MS - 1;
    expect((await readWith(codec, cookies))?.idToken.payload.sub).toBe('alice');
    expect(calls).toHaveLength(1);
    now += 2;
    // Keys reachable again: the forged tokens are found out.
    expect(await readWith(codec, cookies)).toBeUndefined();
    expect(calls).toHaveLength(2);
  });
});

describe('session cache', () => {
  const session = (sub: string, expiresAt = Date.now() + 3600_000): Session =>
    ({ tokens: { idToken: 'i'.repeat(1000), accessToken: 'a'.repeat(1000), refreshToken: 'r'.repeat(1000) }, idToken: { payload: { sub } }, accessToken: { payload: {} }, expiresAt }) as unknown as Session;
  const parts = (mac: string) => [`Fe26.2*1*${'x'.repeat(3000)}`, `*${mac}~2`];
  const mac = (i: number) => String(i).padStart(43, 'm');

  it('is keyed by the whole MAC: values differing only inside the MAC are distinct entries', () => {
    const cache = createSessionCache(10);
    cache.set(parts(mac(1)), session('a'));
    cache.set(parts(mac(2)), session('b'));
    expect(cache.size).toBe(2);
    expect(cache.get(parts(mac(1)))?.idToken.payload.sub).toBe('a');
    expect(cache.get(parts(mac(2)))?.idToken.payload.sub).toBe('b');
  });

  it('finds a MAC that spans the last two chunks', () => {
    const cache = createSessionCache(10);
    const value = `Fe26.2*1*${'x'.repeat(3000)}*${mac(7)}~2`;
    const split = [value.slice(0, -10), value.slice(-10)];
    cache.set(split, session('a'));
    expect(cache.get([...split])?.idToken.payload.sub).toBe('a');
    expect(cache.get([value.slice(0, -11), value.slice(-11)])).toBeUndefined();
  });

  it('is bounded by bytes as well as entries: the oldest entries go first', () => {
    const one = 1024 + 3004 + 9 + 2 + 43 + 3 * 2000 + 1000;
    const cache = createSessionCache(1000, one * 3);
    for (let i = 0; i < 10; i++) cache.set(parts(mac(i)), session(String(i)));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBeLessThanOrEqual(one * 3);
    expect(cache.get(parts(mac(9)))).toBeDefined();
    expect(cache.get(parts(mac(6)))).toBeUndefined();
  });

  it('never stores an entry larger than its byte bound', () => {
    const cache = createSessionCache(1000, 100);
    cache.set(parts(mac(1)), session('a'));
    expect(cache.size).toBe(0);
  });

  it('drops an entry at its `until` or when its tokens expire, whichever is first', () => {
    const cache = createSessionCache(10);
    const now = Date.now();
    cache.set(parts(mac(1)), session('a'), { until: now + 1000 });
    expect(cache.get(parts(mac(1)), now + 999)).toBeDefined();
    expect(cache.get(parts(mac(1)), now + 1000)).toBeUndefined();
    cache.set(parts(mac(2)), session('b', now + 500), { until: now + 1000 });
    expect(cache.get(parts(mac(2)), now + 500)).toBeUndefined();
  });

  it('the codec keeps cache entries for the exact cookie only', async () => {
    const { codec, cache } = makeCodec();
    const cookies = await aliceCookie();
    await readWith(codec, cookies);
    expect(headerOf(cookies)).toContain(`${COOKIE}.1=`);
    expect(cache.get(cookies.map((c) => c.value))).toBeDefined();
    expect(cache.get(withLast(cookies, (v) => `${v}~x`).map((c) => c.value))).toBeUndefined();
  });
});
