import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';

import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdpSigningAlg } from './index.js';
import { CLIENT_ID, alice, refresh, userInfo } from './__tests__/helpers.js';

async function published(issuer: string): Promise<{ jwks: JSONWebKeySet; discovery: Record<string, unknown> }> {
  const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  return { jwks, discovery };
}

describe('signingAlg', () => {
  it.each(['ES256', 'PS256', 'EdDSA', 'ES384', 'RS384'] as DevIdpSigningAlg[])('signs ID and access tokens with %s and advertises it', async (alg) => {
    const idp = await startDevIdp({ port: 0, quiet: true, signingAlg: alg });
    try {
      const { jwks, discovery } = await published(idp.issuer);
      expect(jwks.keys.map((k) => k.alg)).toEqual([alg]);
      expect(JSON.stringify(jwks)).not.toMatch(/"d"|"p"|"q"/); // no private parameters
      expect(discovery.id_token_signing_alg_values_supported).toEqual([alg]);
      const keys = createLocalJWKSet(jwks);
      const tokens = await signInWithPassword(alice(idp.issuer));
      for (const token of [tokens.idToken, tokens.accessToken]) {
        expect(decodeProtectedHeader(token).alg).toBe(alg);
        await jwtVerify(token, keys, { issuer: idp.issuer, audience: CLIENT_ID, algorithms: [alg] });
      }
      // The IdP's own endpoints accept its tokens whatever the algorithm.
      expect((await userInfo(idp.issuer, tokens.accessToken)).status).toBe(200);
      const refreshed = await refresh(idp.issuer, tokens.refreshToken!);
      expect(refreshed.status).toBe(200);
      expect(decodeProtectedHeader(refreshed.body.id_token as string).alg).toBe(alg);
    } finally {
      await idp.close();
    }
  });

  it('rejects an unknown algorithm at start-up', async () => {
    await expect(startDevIdp({ port: 0, quiet: true, signingAlg: 'HS256' as DevIdpSigningAlg })).rejects.toThrow(/signingAlg must be one of/);
  });
});

describe('rotateKeys', () => {
  it('signs with a new key from then on, keeps the old one published, and sessions survive', async () => {
    const idp = await startDevIdp({ port: 0, quiet: true, signingAlg: 'ES256' });
    try {
      const before = await signInWithPassword(alice(idp.issuer));
      const oldKid = decodeProtectedHeader(before.idToken).kid;
      const newKid = await idp.rotateKeys();
      expect(newKid).not.toBe(oldKid);
      const { jwks } = await published(idp.issuer);
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
      // An old access token still works at userInfo; the old refresh token refreshes, signed with the new key.
      expect((await userInfo(idp.issuer, before.accessToken)).status).toBe(200);
      const refreshed = await refresh(idp.issuer, before.refreshToken!);
      expect(refreshed.status).toBe(200);
      expect(decodeProtectedHeader(refreshed.body.id_token as string)).toMatchObject({ alg: 'ES256', kid: newKid });
      expect(decodeProtectedHeader(refreshed.body.access_token as string).kid).toBe(newKid);

      await idp.rotateKeys({ keepPrevious: false });
      const { jwks: after } = await published(idp.issuer);
      expect(after.keys).toHaveLength(1);
      expect((await userInfo(idp.issuer, before.accessToken)).status).toBe(401);
    } finally {
      await idp.close();
    }
  });

  it('counts JWKS fetches', async () => {
    const idp = await startDevIdp({ port: 0, quiet: true });
    try {
      await published(idp.issuer);
      await published(idp.issuer);
      expect(idp.stats().jwksFetches).toBe(2);
    } finally {
      await idp.close();
    }
  });
});
