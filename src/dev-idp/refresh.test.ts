import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { alice, refresh, revoke, sleep, userInfo, verifyJwt } from './__tests__/helpers.js';

describe('refresh with rotation (default)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, quiet: true });
  });
  afterAll(async () => {
    await idp.close();
  });

  it('refreshes and rotates the refresh token', async () => {
    const first = await signInWithPassword(alice(idp.issuer));
    const refreshed = await refresh(idp.issuer, first.refreshToken!);
    expect(refreshed.status).toBe(200);
    const { access_token: accessToken, id_token: idToken, refresh_token: rotated } = refreshed.body;
    expect(typeof rotated).toBe('string');
    expect(rotated).not.toBe(first.refreshToken);
    expect(typeof idToken).toBe('string');
    const access = await verifyJwt(idp.issuer, accessToken as string, 'at+jwt');
    expect(access.payload).toMatchObject({ token_use: 'access', username: 'alice@example.com', 'cognito:groups': ['ADMINS'] });
    const id = await verifyJwt(idp.issuer, idToken as string);
    expect(id.payload).toMatchObject({ token_use: 'id', email: 'alice@example.com', name: 'Alice Example' });

    const again = await refresh(idp.issuer, rotated as string);
    expect(again.status).toBe(200);
  });

  it('reusing a rotated refresh token fails and kills the new one too', async () => {
    const { refreshToken } = await signInWithPassword(alice(idp.issuer));
    const rotated = await refresh(idp.issuer, refreshToken!);
    expect(rotated.status).toBe(200);

    const reuse = await refresh(idp.issuer, refreshToken!);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');

    const newOne = await refresh(idp.issuer, rotated.body.refresh_token as string);
    expect(newOne.status).toBe(400);
    expect(newOne.body.error).toBe('invalid_grant');
    // The grant's access tokens stop working at userInfo as well.
    expect((await userInfo(idp.issuer, rotated.body.access_token as string)).status).toBe(401);
  });

  it('three concurrent refreshes of one token: one success, two invalid_grant, grant dead', async () => {
    const { refreshToken } = await signInWithPassword(alice(idp.issuer));
    idp.resetStats();
    const results = await Promise.all([1, 2, 3].map(() => refresh(idp.issuer, refreshToken!)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400]);
    expect(results.filter((r) => r.status === 400).map((r) => r.body.error)).toEqual(['invalid_grant', 'invalid_grant']);
    const winner = results.find((r) => r.status === 200)!;
    const afterwards = await refresh(idp.issuer, winner.body.refresh_token as string);
    expect(afterwards.body.error).toBe('invalid_grant');

    const stats = idp.stats();
    expect(stats.tokenCalls.refresh_token).toBe(4);
    // All four calls presented tokens of the same grant.
    expect(Object.values(stats.refreshCallsByGrant)).toEqual([4]);
  });

  it('revoking a refresh token makes it unusable', async () => {
    const { refreshToken, accessToken } = await signInWithPassword(alice(idp.issuer));
    idp.resetStats();
    const revoked = await revoke(idp.issuer, refreshToken!);
    expect(revoked.status).toBe(200);
    expect(idp.stats().revocations).toBe(1);
    const after = await refresh(idp.issuer, refreshToken!);
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
    expect((await userInfo(idp.issuer, accessToken)).status).toBe(401);
  });

  it('does not let another client revoke the token', async () => {
    const { refreshToken } = await signInWithPassword(alice(idp.issuer));
    const foreign = await revoke(idp.issuer, refreshToken!, 'some-other-client');
    expect(foreign.status).toBe(401);
    expect((await refresh(idp.issuer, refreshToken!)).status).toBe(200);
  });
});

describe('refresh without rotation', () => {
  it('keeps the same refresh token working', async () => {
    const idp = await startDevIdp({ port: 0, quiet: true, rotateRefreshToken: false });
    try {
      const { refreshToken } = await signInWithPassword(alice(idp.issuer));
      const first = await refresh(idp.issuer, refreshToken!);
      const second = await refresh(idp.issuer, refreshToken!);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body.refresh_token).toBe(refreshToken);
      expect(second.body.refresh_token).toBe(refreshToken);
      expect(Object.values(idp.stats().refreshCallsByGrant)).toEqual([2]);
    } finally {
      await idp.close();
    }
  });
});

describe('token lifetimes', () => {
  it('honours accessTokenTtl and idTokenTtl exactly, and expired access tokens fail at userInfo', async () => {
    const idp = await startDevIdp({ port: 0, quiet: true, accessTokenTtl: 1, idTokenTtl: 7 });
    try {
      const tokens = await signInWithPassword(alice(idp.issuer));
      expect(tokens.expiresIn).toBe(1);
      const [, accessPayload] = tokens.accessToken.split('.');
      const access = JSON.parse(Buffer.from(accessPayload ?? '', 'base64url').toString('utf8')) as { exp: number; iat: number };
      expect(access.exp - access.iat).toBe(1);
      const id = await verifyJwt(idp.issuer, tokens.idToken);
      expect(id.payload.exp! - id.payload.iat!).toBe(7);

      await sleep(2000); // the one wait: let the 1 s access token expire
      const response = await userInfo(idp.issuer, tokens.accessToken);
      expect(response.status).toBe(401);
      // The refresh token still gives a fresh access token.
      const refreshed = await refresh(idp.issuer, tokens.refreshToken!);
      expect(refreshed.status).toBe(200);
      expect((await userInfo(idp.issuer, refreshed.body.access_token as string)).status).toBe(200);
    } finally {
      await idp.close();
    }
  });
});
