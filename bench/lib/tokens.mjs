// Cognito-sized tokens for the benchmarks, minted with jose and an RS256 key
// pair generated here: ~1.1 KB ID token, ~1.0 KB access token (Cognito's
// claims, padded with realistic ones to size), and a ~1.8 KB opaque refresh
// token shaped like Cognito's (a 5-part JWE compact string).
import { Buffer } from 'node:buffer';
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

export const REGION = 'us-east-1';
export const USER_POOL_ID = 'us-east-1_BenchPool1';
export const CLIENT_ID = '4b2kq7l1s9d3bench0client0id';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
export const TARGET = { idToken: 1100, accessToken: 1000, refreshToken: 1800 };

const b64url = (n) => randomBytes(n).toString('base64url');

/** Signs `claims`, growing the `pad` claim until the compact JWT is `target` characters long (±0 when reachable). */
async function signToSize(claims, padClaim, target, privateKey, kid) {
  const filler = randomBytes(target).toString('base64url');
  const sign = (pad) =>
    new SignJWT({ ...claims, ...(pad ? { [padClaim]: pad } : {}) }).setProtectedHeader({ kid, alg: 'RS256' }).sign(privateKey);
  const bare = await sign('');
  if (bare.length >= target) return bare;
  // base64url grows 4 chars per 3 bytes; the claim itself costs its name and quotes.
  let padLength = Math.max(1, Math.floor(((target - bare.length) * 3) / 4) - padClaim.length - 6);
  let token = await sign(filler.slice(0, padLength));
  while (token.length < target) token = await sign(filler.slice(0, ++padLength));
  while (token.length > target && padLength > 1) {
    const shorter = await sign(filler.slice(0, padLength - 1));
    if (shorter.length < target) break;
    token = shorter;
    padLength -= 1;
  }
  return token;
}

/**
 * A key pair, its public JWKS, and a Cognito-shaped token set signed with it.
 * `issuer` / `clientId` default to a Cognito user pool's; the load test
 * passes the dev IdP's so the example app accepts the sealed session.
 */
export async function makeCognitoTokens({ issuer = ISSUER, clientId = CLIENT_ID, username = 'alice', email = 'alice@example.com', signingJwk } = {}) {
  // `signingJwk`: a private RS256 JWK to sign with (the dev IdP's, read from its
  // state file, so an app that verifies signatures accepts the tokens).
  const { privateKey, publicKey } = signingJwk
    ? { privateKey: await importJWK(signingJwk, 'RS256'), publicKey: await importJWK({ kty: signingJwk.kty, n: signingJwk.n, e: signingJwk.e }, 'RS256') }
    : await generateKeyPair('RS256', { extractable: true });
  const kid = signingJwk?.kid ?? b64url(32);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwks = { keys: [jwk] };

  const now = Math.floor(Date.now() / 1000);
  const sub = randomUUID();
  const originJti = randomUUID();
  const eventId = randomUUID();
  const groups = ['ADMINS'];

  const idClaims = {
    sub,
    'cognito:groups': groups,
    email_verified: true,
    iss: issuer,
    'cognito:username': username,
    origin_jti: originJti,
    aud: clientId,
    token_use: 'id',
    auth_time: now - 60,
    name: 'Alice Example',
    exp: now + 3600,
    iat: now - 60,
    jti: randomUUID(),
    email,
  };
  const accessClaims = {
    sub,
    'cognito:groups': groups,
    iss: issuer,
    client_id: clientId,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: 'openid profile email',
    auth_time: now - 60,
    exp: now + 3600,
    iat: now - 60,
    jti: randomUUID(),
    username,
  };
  const idToken = await signToSize(idClaims, 'custom:tenant_id', TARGET.idToken, privateKey, kid);
  const accessToken = await signToSize(accessClaims, 'custom:scopes_ext', TARGET.accessToken, privateKey, kid);
  // Cognito's refresh token: an encrypted JWE (RSA-OAEP / A256GCM), opaque to the client.
  const header = Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
  const fixed = header.length + 342 + 22 + 22 + 4;
  const refreshToken = [header, b64url(256), b64url(16), b64url(Math.floor(((TARGET.refreshToken - fixed) * 3) / 4)), b64url(16)].join('.');
  return { tokens: { idToken, accessToken, refreshToken }, privateKey, publicKey, jwks, kid, sub, username };
}
