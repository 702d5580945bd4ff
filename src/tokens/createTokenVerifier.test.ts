import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp } from '../dev-idp/index.js';
import { AuthError } from '../errors/AuthError.js';
import { createTokenVerifier } from './createTokenVerifier.js';
import type { TokenVerifierOptions } from './createTokenVerifier.js';

const ISSUER = 'https://idp.example.test';
const CLIENT_ID = 'verifier-client';
const ALL = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A JWKS we control, on loopback: our own signing key, counted fetches. */
interface JwksServer {
  uri: string;
  fetches: number;
  /** While true the endpoint answers 503. */
  down: boolean;
  sign(claims: Record<string, unknown>, kid?: string, typ?: string): Promise<string>;
  close(): Promise<void>;
}

async function startJwksServer(alg = 'ES256'): Promise<JwksServer> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'key-1', alg, use: 'sig' };
  const state = { fetches: 0, down: false };
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    if (state.down) {
      res.statusCode = 503;
      return void res.end();
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return {
    uri,
    get fetches() {
      return state.fetches;
    },
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    sign: (claims, kid = 'key-1', typ?: string) => new SignJWT(claims).setProtectedHeader({ alg, kid, ...(typ ? { typ } : {}) }).sign(privateKey as CryptoKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function verifierFor(jwksUri: string, extra: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    flavor: 'generic',
    jwksUri: async () => jwksUri,
    algorithms: ALL,
    clockSkew: 30,
    timeoutMs: 5000,
    ...extra,
  });
}

const seconds = () => Math.floor(Date.now() / 1000);

function idClaims(iat: number): Record<string, unknown> {
  return { iss: ISSUER, aud: CLIENT_ID, sub: 'user-1', iat, exp: iat + 3600, nonce: 'n-1' };
}

function accessClaims(iat: number): Record<string, unknown> {
  return { iss: ISSUER, client_id: CLIENT_ID, token_use: 'access', sub: 'user-1', iat, exp: iat + 3600 };
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(err)}`);
  return `${err.code}: ${err.message}`;
}

describe('iat in the future', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(async () => {
    await jwks.close();
  });

  it('an ID token issued in the future beyond the clock skew is rejected', async () => {
    const verifier = verifierFor(jwks.uri);
    const future = await jwks.sign(idClaims(seconds() + 120));
    expect(await rejection(verifier.verifyIdToken(future, { nonce: 'n-1' }))).toBe('TokenInvalid: Token rejected: iat is in the future');
    // Also when expiry is the caller's business (reads of an unsealed session).
    expect(await rejection(verifier.verifyIdToken(future, { ignoreExpiry: true }))).toBe('TokenInvalid: Token rejected: iat is in the future');
  });

  it('an access token issued in the future beyond the clock skew is rejected', async () => {
    const verifier = verifierFor(jwks.uri);
    const future = await jwks.sign(accessClaims(seconds() + 120));
    expect(await rejection(verifier.verifyAccessToken(future))).toBe('TokenInvalid: Token rejected: iat is in the future');
  });

  it('within the clock skew (an IdP clock a little ahead) it is accepted', async () => {
    const verifier = verifierFor(jwks.uri);
    const ahead = await jwks.sign(idClaims(seconds() + 20));
    expect((await verifier.verifyIdToken(ahead, { nonce: 'n-1' })).payload.sub).toBe('user-1');
    expect((await verifier.verifyAccessToken(await jwks.sign(accessClaims(seconds() + 20)))).payload.sub).toBe('user-1');
  });

  it('the check follows the injected clock: the same token is in the future for a verifier whose clock is behind', async () => {
    const token = await jwks.sign(idClaims(seconds()));
    const behind = verifierFor(jwks.uri, { now: () => Date.now() - 5 * 60_000 });
    expect(await rejection(behind.verifyIdToken(token))).toBe('TokenInvalid: Token rejected: iat is in the future');
    expect((await verifierFor(jwks.uri).verifyIdToken(token)).payload.sub).toBe('user-1');
  });
});

describe('JWKS availability', () => {
  it('an IdP whose JWKS was down at first use is trusted again as soon as it is back (no lockout)', async () => {
    const jwks = await startJwksServer('PS256');
    try {
      const verifier = verifierFor(jwks.uri);
      const token = await jwks.sign(idClaims(seconds()));
      jwks.down = true;
      expect(await rejection(verifier.verifyIdToken(token))).toMatch(/^TokenInvalid: Token rejected/);
      jwks.down = false;
      expect((await verifier.verifyIdToken(token)).payload.sub).toBe('user-1');
      expect(jwks.fetches).toBe(2);
    } finally {
      await jwks.close();
    }
  });
});

describe('JWKS refetch on an unknown kid (against the dev IdP, which rotates its keys)', () => {
  let idp: DevIdp;
  const redirectUri = 'http://localhost:3000/cb';
  const client = 'rotation-client';
  beforeAll(async () => {
    idp = await startDevIdp({
      port: 0,
      quiet: true,
      mode: 'oidc',
      signingAlg: 'ES256',
      clients: [{ clientId: client, redirectUris: [redirectUri], postLogoutRedirectUris: [] }],
    });
  });
  afterAll(async () => {
    await idp?.close();
  });

  const verifierAt = (refetchIntervalMs: number) =>
    createTokenVerifier({
      issuer: idp.issuer,
      clientId: client,
      flavor: 'generic',
      jwksUri: async () => `${idp.issuer}/.well-known/jwks.json`,
      algorithms: ALL,
      clockSkew: 30,
      timeoutMs: 5000,
      jwksRefetchIntervalMs: refetchIntervalMs,
    });
  const alice = () => signInWithPassword({ issuer: idp.issuer, clientId: client, redirectUri, username: 'alice@example.com', password: 'alice-password' });

  /** A token with a kid the IdP never had, signed by an attacker's key. */
  async function unknownKidToken(): Promise<string> {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT({ iss: idp.issuer, aud: client, sub: 'mallory', iat: seconds(), exp: seconds() + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: randomUUID() })
      .sign(privateKey);
  }

  it('a token signed with a key rotated in right after a JWKS fetch verifies (no 30-second blind spot)', async () => {
    const verifier = verifierAt(300);
    const before = await alice();
    await verifier.verifyIdToken(before.idToken);
    // Somebody's unknown kid makes the verifier refetch now: a cooldown has just begun.
    expect(await rejection(verifier.verifyIdToken(await unknownKidToken()))).toBe('TokenInvalid: Token rejected: ERR_JWKS_NO_MATCHING_KEY');
    await idp.rotateKeys();
    const after = await alice();
    expect((await verifier.verifyIdToken(after.idToken)).payload.email).toBe('alice@example.com');
    expect((await verifier.verifyAccessToken(after.accessToken)).payload.sub).toBe((await verifier.verifyIdToken(after.idToken)).payload.sub);
  });

  it('a flood of unknown-kid tokens causes a bounded number of JWKS fetches', async () => {
    const verifier = verifierAt(300);
    await verifier.verifyIdToken((await alice()).idToken);
    idp.resetStats();
    const forged = await Promise.all(Array.from({ length: 100 }, () => unknownKidToken()));
    // Two waves of 100 concurrent lookups, the second while the first's fetch is still fresh.
    for (let wave = 0; wave < 2; wave++) {
      const results = await Promise.all(forged.map((t) => rejection(verifier.verifyIdToken(t))));
      expect(new Set(results)).toEqual(new Set(['TokenInvalid: Token rejected: ERR_JWKS_NO_MATCHING_KEY']));
    }
    // One fetch per wave (single-flight, at most one start per interval), not one per token;
    // and not zero either: a cooldown that refuses every refetch is the blind spot.
    expect(idp.stats().jwksFetches).toBe(2);
    // Known keys still verify without any fetch.
    const fetches = idp.stats().jwksFetches;
    await verifier.verifyIdToken((await alice()).idToken);
    expect(idp.stats().jwksFetches).toBe(fetches);
  });

  it('a JWKS endpoint that fails keeps the keys already held', async () => {
    let fail = false;
    const verifier = createTokenVerifier({
      issuer: idp.issuer,
      clientId: client,
      flavor: 'generic',
      jwksUri: async () => (fail ? `${idp.issuer}/no-such-jwks` : `${idp.issuer}/.well-known/jwks.json`),
      algorithms: ALL,
      clockSkew: 30,
      timeoutMs: 5000,
      jwksRefetchIntervalMs: 0,
    });
    const tokens = await alice();
    await verifier.verifyIdToken(tokens.idToken);
    fail = true;
    // No verdict on the token: its key could not be fetched (callers must not treat it as forged).
    expect(await rejection(verifier.verifyIdToken(await unknownKidToken()))).toBe('TokenInvalid: Token rejected: ERR_JOSE_GENERIC');
    expect((await verifier.verifyIdToken(tokens.idToken)).payload.email).toBe('alice@example.com');
  });
});

describe('token types and azp (checked on every path: callback, refresh, reads of an unsealed session)', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(async () => {
    await jwks.close();
  });

  it('an ID token whose azp names another client is rejected even with this client as its only aud; an azp naming this client is accepted', async () => {
    const verifier = verifierFor(jwks.uri);
    const foreign = await jwks.sign({ ...idClaims(seconds()), azp: 'another-client' });
    expect(await rejection(verifier.verifyIdToken(foreign, { nonce: 'n-1' }))).toBe('TokenInvalid: ID token azp names another client');
    expect(await rejection(verifier.verifyIdToken(foreign, { ignoreExpiry: true }))).toBe('TokenInvalid: ID token azp names another client');
    expect((await verifier.verifyIdToken(await jwks.sign({ ...idClaims(seconds()), azp: CLIENT_ID }), { nonce: 'n-1' })).payload.sub).toBe('user-1');
  });

  it('a token typed at+jwt is never accepted as an ID token (an access token posing as one), whatever its claims', async () => {
    const verifier = verifierFor(jwks.uri);
    for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT']) {
      expect(await rejection(verifier.verifyIdToken(await jwks.sign(idClaims(seconds()), 'key-1', typ), { nonce: 'n-1' }))).toBe('TokenInvalid: ID token is typed at+jwt (an access token)');
    }
    expect((await verifier.verifyIdToken(await jwks.sign(idClaims(seconds()), 'key-1', 'JWT'), { nonce: 'n-1' })).payload.sub).toBe('user-1');
  });

  it('an access token typed as another kind of JWT (logout+jwt, dpop+jwt, secevent+jwt) is rejected; at+jwt, application/at+jwt, JWT and no typ are accepted', async () => {
    const verifier = verifierFor(jwks.uri);
    for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt']) {
      expect(await rejection(verifier.verifyAccessToken(await jwks.sign(accessClaims(seconds()), 'key-1', typ)))).toBe('TokenInvalid: Access token is typed as another kind of JWT');
    }
    for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', undefined]) {
      expect((await verifier.verifyAccessToken(await jwks.sign(accessClaims(seconds()), 'key-1', typ))).payload.sub).toBe('user-1');
    }
  });
});
