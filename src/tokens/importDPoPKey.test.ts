import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../errors/AuthError.js';
import { generateDPoPKey } from './generateDPoPKey.js';
import { importDPoPKey } from './importDPoPKey.js';

describe('generateDPoPKey / importDPoPKey', () => {
  it('a new key is a P-256 key in the compact form; each session gets its own', async () => {
    const a = await generateDPoPKey();
    const b = await generateDPoPKey();
    expect(a).toMatch(/^ES256\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('imports to a pair whose proofs verify with the embedded public key, and whose jkt is the RFC 7638 thumbprint', async () => {
    const serialized = await generateDPoPKey();
    const { keyPair, jkt } = await importDPoPKey(serialized);
    const [, x, y] = serialized.split('.');
    expect(jkt).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: x!, y: y! }));
    expect(keyPair.privateKey.extractable).toBe(false);
    const headers = new Headers();
    const handle = oauth.DPoP({}, keyPair) as oauth.DPoPHandle & { addProof(url: URL, headers: Headers, htm: string, at?: string): Promise<void> };
    await handle.addProof(new URL('https://api.example.com/v1?q=1'), headers, 'GET', 'token');
    const { payload, protectedHeader } = await jwtVerify(headers.get('dpop')!, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(await calculateJwkThumbprint(protectedHeader.jwk!)).toBe(jkt);
    expect(protectedHeader.jwk).not.toHaveProperty('d');
    expect(payload).toMatchObject({ htm: 'GET', htu: 'https://api.example.com/v1' });
  });

  it.each([
    ['another algorithm', (k: string) => k.replace(/^ES256/, 'RS256')],
    ['a missing member', (k: string) => k.split('.').slice(0, 3).join('.')],
    ['an extra member', (k: string) => `${k}.AAAA`],
    ['a member of the wrong length', (k: string) => `${k.slice(0, -1)}`],
    ['a point not on the curve', (k: string) => k.replace(/^ES256\.[^.]+/, `ES256.${'A'.repeat(43)}`)],
  ])('a damaged key (%s) is TokenInvalid, naming no key material', async (_what, damage) => {
    const damaged = damage(await generateDPoPKey());
    const err = await importDPoPKey(damaged).catch((e: unknown) => e);
    expect(isAuthError(err, 'TokenInvalid')).toBe(true);
    for (const part of damaged.split('.').slice(1)) if (part.length > 8) expect((err as Error).message).not.toContain(part);
  });
});
