import { randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { CookieOptions } from '../../cookies/CookieStore.js';
import { createCookieStoreFromFetchApi } from '../../cookies/createCookieStoreFromFetchApi.js';
import { createSealedCodec } from '../createSealedCodec.js';
import type { SealedCodecOptions } from '../createSealedCodec.js';
import { createSessionCache } from '../SessionCache.js';
import type { SessionCache } from '../SessionCache.js';
import type { SessionCodec } from '../SessionCodec.js';
import type { TokenSet } from '../TokenSet.js';

export const ORIGIN = 'https://app.example.com';
export const COOKIE = '__Host-nsa.session';
export const SECRETS = { 1: 'sealed-codec-test-secret-0123456789abcdef' };
export const COOKIE_OPTIONS: CookieOptions & { maxAge: number } = { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 30 * 86400 };

export type Cookie = { name: string; value: string };

/** A Cognito-sized token set (~1.1 + 1.0 + 1.8 KB): its seal spans two chunks. */
export async function makeTokens(sub = 'alice', size = 1000): Promise<TokenSet> {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ ...claims, pad: randomBytes(size / 2).toString('base64url') }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  return {
    idToken: await sign({ sub, iat: now, exp: now + 3600, token_use: 'id' }),
    accessToken: await sign({ sub, iat: now, exp: now + 3600, token_use: 'access' }),
    refreshToken: randomBytes(1350).toString('base64url'),
  };
}

export function makeCodec(overrides: Partial<SealedCodecOptions> = {}): { codec: SessionCodec; cache: SessionCache } {
  const cache = overrides.cache ?? createSessionCache(10_000);
  return { codec: createSealedCodec({ cookieName: COOKIE, secrets: SECRETS, cookieOptions: COOKIE_OPTIONS, cache, ...overrides }), cache };
}

/** Writes `tokens` with `codec` and returns the cookies the browser would keep. */
export async function sealedCookies(codec: SessionCodec, tokens: TokenSet): Promise<Cookie[]> {
  const response = new Response(null);
  await codec.write(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`), response), { ...tokens });
  return response.headers.getSetCookie().map((line) => {
    const pair = line.split(';')[0]!;
    const i = pair.indexOf('=');
    return { name: pair.slice(0, i), value: decodeURIComponent(pair.slice(i + 1)) };
  });
}

export function headerOf(cookies: readonly Cookie[]): string {
  return cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join('; ');
}

/** What `codec` reads from a request carrying `cookies`. */
export function readWith(codec: SessionCodec, cookies: readonly Cookie[]) {
  const header = headerOf(cookies);
  return codec.read(createCookieStoreFromFetchApi(new Request(`${ORIGIN}/`, { headers: header ? { cookie: header } : {} }), new Response(null)));
}

/** The chunk layout a request carries for a value split at `cuts` (indexes into `value`). */
export function splitAt(value: string, cuts: readonly number[]): Cookie[] {
  const bounds = [0, ...cuts, value.length];
  const out: Cookie[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) out.push({ name: `${COOKIE}.${i}`, value: value.slice(bounds[i], bounds[i + 1]) });
  return out;
}
