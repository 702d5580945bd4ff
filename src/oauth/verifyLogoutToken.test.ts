import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../config/__tests__/closedPort.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';
import { createTokenVerifier } from '../tokens/createTokenVerifier.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import { createLogoutReplayGuard, logoutJtiKey } from './createLogoutReplayGuard.js';
import { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_MAX_AGE, verifyLogoutToken } from './verifyLogoutToken.js';

// The claim rules and the replay memory as units, on a JWKS served over
// loopback (our key). The route test runs the attacks against the real dev IdP.

const ISSUER = 'https://idp.example.test';
const CLIENT_ID = 'logout-client';

let server: Server;
let jwksUri: string;
let privateKey: CryptoKey;
let jwksDown = false;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((_req, res) => {
    if (jwksDown) return void res.writeHead(503).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function verifier(uri = jwksUri): TokenVerifier {
  return createTokenVerifier({ issuer: ISSUER, clientId: CLIENT_ID, flavor: 'generic', jwksUri: async () => uri, algorithms: ['ES256', 'RS256'], clockSkew: 30, timeoutMs: 2000 });
}

async function token(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iss: ISSUER, aud: CLIENT_ID, iat, exp: iat + 120, jti: 'jti-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sub: 'user-1', sid: 'sid-1', ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'logout+jwt', ...header } as { alg: string }).sign(privateKey);
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (!isAuthError(err)) throw err;
    return `${err.code}: ${err.message}`;
  }
  throw new Error('accepted');
}

describe('verifyLogoutToken', () => {
  it('returns exactly sub, sid, jti, iat and exp of a valid token', async () => {
    const t = await token();
    const { iat } = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { iat: number };
    expect(await verifyLogoutToken(verifier(), t)).toEqual({ sub: 'user-1', sid: 'sid-1', jti: 'jti-1', iat, exp: iat + 120 });
  });

  it('accepts typ application/logout+jwt (the media type spelling) and an aud array naming this client', async () => {
    expect((await verifyLogoutToken(verifier(), await token({ aud: ['other', CLIENT_ID] }, { typ: 'application/logout+jwt' }))).jti).toBe('jti-1');
  });

  it.each([
    ['nonce null still counts as present', { nonce: null }, /nonce present/],
    ['events as an array', { events: [BACKCHANNEL_LOGOUT_EVENT] }, /events/],
    ['events member null', { events: { [BACKCHANNEL_LOGOUT_EVENT]: null } }, /events/],
    ['events member an array', { events: { [BACKCHANNEL_LOGOUT_EVENT]: [] } }, /events/],
    ['sid an empty string', { sid: '', sub: undefined }, /sid/],
    ['sid a number', { sid: 7 }, /sid/],
    ['jti an empty string', { jti: '' }, /jti/],
    ['jti a number', { jti: 12 }, /jti/],
  ] as const)('refuses a token with %s', async (_name, claims, why) => {
    expect(await reason(verifyLogoutToken(verifier(), await token(claims)))).toMatch(new RegExp(`^TokenInvalid: .*${why.source}`));
  });

  it('refuses typ JWT (what ID tokens may carry): an ID token is never a logout token', async () => {
    expect(await reason(verifyLogoutToken(verifier(), await token({}, { typ: 'JWT' })))).toMatch(/TokenInvalid: .*typ/);
  });

  it('refuses an iat older than the age bound even while exp is ahead', async () => {
    const iat = Math.floor(Date.now() / 1000) - LOGOUT_TOKEN_MAX_AGE - 120;
    expect(await reason(verifyLogoutToken(verifier(), await token({ iat, exp: iat + 3 * LOGOUT_TOKEN_MAX_AGE })))).toMatch(/TokenInvalid/);
  });

  it('says why without any token material in the message', async () => {
    const t = await token({ aud: 'another-client' });
    const message = await reason(verifyLogoutToken(verifier(), t));
    for (const segment of t.split('.')) expect(message).not.toContain(segment);
    expect(message).toBe('TokenInvalid: Token rejected: ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('the IdP keys unreachable (JWKS down) is IdpUnavailable, no verdict on the token', async () => {
    jwksDown = true;
    try {
      expect(await reason(verifyLogoutToken(verifier(), await token()))).toMatch(/^IdpUnavailable/);
    } finally {
      jwksDown = false;
    }
  });

  it('the IdP not running (JWKS connection refused) is IdpUnavailable', async () => {
    expect(await reason(verifyLogoutToken(verifier(`http://127.0.0.1:${await closedPort()}/jwks`), await token()))).toMatch(/^IdpUnavailable/);
  });
});

describe('createLogoutReplayGuard', () => {
  it('one use per issuer and jti until the given time, then forgotten', async () => {
    let now = 1_000_000;
    const guard = createLogoutReplayGuard({ now: () => now });
    expect(await guard.claim(ISSUER, 'a', now + 1000)).toBe(true);
    expect(await guard.claim(ISSUER, 'a', now + 1000)).toBe(false);
    expect(await guard.claim('https://other.example', 'a', now + 1000)).toBe(true);
    now += 1001;
    expect(await guard.claim(ISSUER, 'a', now + 1000)).toBe(true);
  });

  it('memory is bounded: expired entries go first, then the oldest', async () => {
    let now = 0;
    const guard = createLogoutReplayGuard({ now: () => now, maxEntries: 2 });
    await guard.claim(ISSUER, 'short', 10);
    await guard.claim(ISSUER, 'long', 1000);
    now = 20;
    await guard.claim(ISSUER, 'new', 1000);
    expect(await guard.claim(ISSUER, 'long', 1000)).toBe(false);
    await guard.claim(ISSUER, 'newer', 1000);
    // Full of live entries: the oldest ('long') made room.
    expect(await guard.claim(ISSUER, 'new', 1000)).toBe(false);
  });

  it('release lets the same jti through again (a retry after our failure)', async () => {
    const guard = createLogoutReplayGuard();
    expect(await guard.claim(ISSUER, 'r', Date.now() + 60_000)).toBe(true);
    await guard.release(ISSUER, 'r');
    expect(await guard.claim(ISSUER, 'r', Date.now() + 60_000)).toBe(true);
  });

  it('store down: falls back to this process, and concurrent replays still get exactly one acceptance', async () => {
    const down = { setIfAbsent: () => Promise.reject(new AuthError('StoreUnavailable', 'down')), delete: () => Promise.reject(new AuthError('StoreUnavailable', 'down')) } as unknown as AuthStore;
    const guard = createLogoutReplayGuard({ store: down });
    const results = await Promise.all(Array.from({ length: 4 }, () => guard.claim(ISSUER, 'c', Date.now() + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await guard.release(ISSUER, 'c');
  });

  it('asks the store with the hashed key and a TTL up to the given time', async () => {
    const calls: Array<[string, string, number]> = [];
    const store = { setIfAbsent: async (k: string, v: string, ttl: number) => (calls.push([k, v, ttl]), true) } as unknown as AuthStore;
    const guard = createLogoutReplayGuard({ store, now: () => 5000 });
    await guard.claim(ISSUER, 'k', 65_000);
    expect(calls).toEqual([[await logoutJtiKey(ISSUER, 'k'), '1', 60_000]]);
  });
});
