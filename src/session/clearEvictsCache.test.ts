import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCookieStoreFromFetchApi } from '../cookies/createCookieStoreFromFetchApi.js';
import { createSealedCodec } from './createSealedCodec.js';
import { createSessionCache } from './SessionCache.js';

const key = new TextEncoder().encode('k'.repeat(32));
const jwt = (claims: Record<string, unknown>) =>
  new SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);

describe('sealed codec clear (sign-out, a dead refresh token)', () => {
  it('a signed-out cookie value leaves the session cache: a copy of it is never a warm cache hit', async () => {
    const cache = createSessionCache(100);
    const codec = createSealedCodec({
      cookieName: 'nsa.session',
      secrets: { 1: 's'.repeat(32) },
      cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 3600 },
      cache,
    });
    const written = new Response(null);
    await codec.write(createCookieStoreFromFetchApi(new Request('http://localhost:3000/'), written), {
      idToken: await jwt({ token_use: 'id' }),
      accessToken: await jwt({ token_use: 'access' }),
      refreshToken: 'rt',
    });
    const cookie = written.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
    expect(cache.size).toBe(1);

    const signOut = new Response(null);
    codec.clear(createCookieStoreFromFetchApi(new Request('http://localhost:3000/', { headers: { cookie } }), signOut));
    expect(cache.size).toBe(0);
    expect(signOut.headers.getSetCookie()[0]).toMatch(/^nsa\.session=;.*Max-Age=0/);
  });

  it('clearing a value that was never cached (or garbled chunks) leaves other entries alone and never throws', async () => {
    const cache = createSessionCache(100);
    const codec = createSealedCodec({
      cookieName: 'nsa.session',
      secrets: { 1: 's'.repeat(32) },
      cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 3600 },
      cache,
    });
    const written = new Response(null);
    await codec.write(createCookieStoreFromFetchApi(new Request('http://localhost:3000/'), written), {
      idToken: await jwt({ token_use: 'id' }),
      accessToken: await jwt({ token_use: 'access' }),
    });
    for (const cookie of ['nsa.session=garbage', 'nsa.session.0=a; nsa.session.5=b', '']) {
      expect(() => codec.clear(createCookieStoreFromFetchApi(new Request('http://localhost:3000/', { headers: { cookie } }), new Response(null)))).not.toThrow();
    }
    expect(cache.size).toBe(1);
  });
});
