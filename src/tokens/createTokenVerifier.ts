// Subpath imports: jose's barrel pulls in JWE compression, which the edge runtime lacks.
import { JOSEError, JWKSTimeout } from 'jose/errors';
import { decodeJwt } from 'jose/jwt/decode';
import { jwtVerify } from 'jose/jwt/verify';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createJwksCache } from './createJwksCache.js';
import type { JWT } from './JWT.js';
import type { TokenVerifier } from './TokenVerifier.js';

export interface TokenVerifierOptions {
  issuer: string;
  clientId: string;
  flavor: 'cognito' | 'generic';
  /** Resolved lazily: for discovered providers the JWKS URI is only known after discovery. */
  jwksUri: () => Promise<string>;
  algorithms: string[];
  /** Seconds. */
  clockSkew: number;
  /** Extra accepted `aud` values for access tokens. */
  accessTokenAudience?: string[];
  /** Milliseconds for a JWKS fetch. */
  timeoutMs: number;
  /**
   * Least time between two JWKS fetches prompted by an unknown `kid`, ms
   * (see {@link createJwksCache}). @default 5000
   */
  jwksRefetchIntervalMs?: number;
  /** Clock, epoch milliseconds. @default Date.now */
  now?: () => number;
  /** For tests: a key set instead of the remote JWKS. */
  keySet?: JWTVerifyGetKey;
}

function invalid(message: string, cause?: unknown): AuthError {
  return new AuthError('TokenInvalid', message, cause === undefined ? undefined : { cause });
}

/** The IdP's keys could not be had (JWKS or discovery down): no verdict on the token. */
class KeysUnavailable extends Error {
  constructor(readonly reason: AuthError) {
    super(reason.message);
  }
}

function keysUnavailable(err: unknown): KeysUnavailable | undefined {
  if (isAuthError(err)) return new KeysUnavailable(err);
  // jose's fetch errors: a timeout, a non-200 answer (generic JOSEError); a fetch TypeError is no JOSEError.
  if (err instanceof JWKSTimeout || !(err instanceof JOSEError) || err.code === 'ERR_JOSE_GENERIC') {
    return new KeysUnavailable(new AuthError('IdpUnavailable', "The IdP's signing keys could not be fetched", { cause: err }));
  }
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof JOSEError) return err.code;
  return 'verification failed';
}

/**
 * Builds a verifier with one cached remote JWKS (refetched for an unknown
 * `kid`, rate-limited, without a blind spot after a key rotation), so
 * verification never costs a request per token. Beyond jose's checks it
 * rejects an `iat` later than now plus the clock skew (jose checks `iat`
 * only with `maxTokenAge`).
 *
 * @example
 * ```ts
 * const verifier = createTokenVerifier({ issuer, clientId, flavor: 'cognito',
 *   jwksUri: async () => `${issuer}/.well-known/jwks.json`, algorithms: ['RS256'], clockSkew: 30, timeoutMs: 5000 });
 * const id = await verifier.verifyIdToken(idToken, { nonce });
 * ```
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  const keys: JWTVerifyGetKey = options.keySet ?? createJwksCache({
    jwksUri: options.jwksUri,
    timeoutMs: options.timeoutMs,
    now,
    ...(options.jwksRefetchIntervalMs === undefined ? {} : { refetchIntervalMs: options.jwksRefetchIntervalMs }),
  });

  async function verify(token: string, ignoreExpiry: boolean, audience?: string): Promise<{ payload: JWTPayload; typ: string | undefined }> {
    if (typeof token !== 'string' || token.length === 0) throw invalid('Token missing');
    let currentDate = new Date(now());
    if (ignoreExpiry) {
      // Expiry is the caller's business (it refreshes); pin "now" to issuance so
      // jose checks everything else. An unparsable token fails below anyway.
      try {
        const iat = decodeJwt(token).iat;
        if (typeof iat === 'number') currentDate = new Date(iat * 1000);
      } catch {
        /* jwtVerify reports it */
      }
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        algorithms: options.algorithms,
        clockTolerance: options.clockSkew,
        requiredClaims: ['exp', 'iat', 'sub'],
        ...(audience ? { audience } : {}),
        currentDate,
      });
      // A token issued "in the future" comes from a broken or hostile clock, or was minted to outlive its keys.
      if (typeof payload.iat !== 'number' || payload.iat > now() / 1000 + options.clockSkew) throw invalid('Token rejected: iat is in the future');
      return { payload, typ: typeof protectedHeader.typ === 'string' ? protectedHeader.typ.toLowerCase().replace(/^application\//, '') : undefined };
    } catch (err) {
      if (err instanceof AuthError) throw err;
      throw invalid(`Token rejected: ${describe(err)}`, err);
    }
  }

  // Marks failures to get the keys, so verifyJwt can tell "IdP down" from "bad token".
  const keysOrUnavailable: JWTVerifyGetKey = async (header, token) => {
    try {
      return await keys(header, token);
    } catch (err) {
      throw keysUnavailable(err) ?? err;
    }
  };

  return {
    algorithms: [...options.algorithms],
    async verifyJwt(token, { maxAgeSeconds }) {
      if (typeof token !== 'string' || token.length === 0) throw invalid('Token missing');
      try {
        const { payload, protectedHeader } = await jwtVerify(token, keysOrUnavailable, {
          issuer: options.issuer,
          audience: options.clientId,
          algorithms: options.algorithms,
          clockTolerance: options.clockSkew,
          requiredClaims: ['exp', 'iat'],
          maxTokenAge: maxAgeSeconds,
          currentDate: new Date(now()),
        });
        if (typeof payload.iat !== 'number' || payload.iat > now() / 1000 + options.clockSkew) throw invalid('Token rejected: iat is in the future');
        return { payload, header: protectedHeader };
      } catch (err) {
        if (err instanceof KeysUnavailable) throw err.reason;
        if (err instanceof AuthError) throw err;
        throw invalid(`Token rejected: ${describe(err)}`, err);
      }
    },
    async verifyIdToken(token, { nonce, ignoreExpiry = false } = {}) {
      const { payload, typ } = await verify(token, ignoreExpiry, options.clientId);
      // RFC 9068 §4 / RFC 8725 §3.11: a token typed as an access token is never an ID token.
      if (typ === 'at+jwt') throw invalid('ID token is typed at+jwt (an access token)');
      if (payload.token_use !== undefined && payload.token_use !== 'id') throw invalid('ID token has token_use other than "id"');
      if (options.flavor === 'cognito' && payload.token_use !== 'id') throw invalid('Cognito ID token lacks token_use "id"');
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (aud.length > 1 && payload.azp !== options.clientId) throw invalid('ID token azp does not name this client');
      // OIDC Core 3.1.3.7 step 5 (1.0 text): an azp, when present, names this client, even with one aud.
      if (payload.azp !== undefined && payload.azp !== options.clientId) throw invalid('ID token azp names another client');
      if (nonce !== undefined && payload.nonce !== nonce) throw invalid('ID token nonce mismatch');
      return { payload: payload as JWT['payload'], toString: () => token };
    },
    async verifyAccessToken(token, { ignoreExpiry = false } = {}) {
      const { payload, typ } = await verify(token, ignoreExpiry);
      // RFC 9068 §2.1 types access tokens at+jwt; Cognito and many IdPs send "JWT" or nothing. Any
      // other explicit type (logout+jwt, dpop+jwt, secevent+jwt…) is a token made for something else.
      if (typ !== undefined && typ !== 'at+jwt' && typ !== 'jwt') throw invalid('Access token is typed as another kind of JWT');
      if (options.flavor === 'cognito' && payload.token_use !== 'access') throw invalid('Cognito access token lacks token_use "access"');
      if (payload.token_use !== undefined && payload.token_use !== 'access') throw invalid('Access token has token_use other than "access"');
      if (payload.client_id !== undefined) {
        if (payload.client_id !== options.clientId) throw invalid('Access token client_id is not this client');
      } else {
        const accepted = [options.clientId, ...(options.accessTokenAudience ?? [])];
        const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        if (!aud.some((a) => accepted.includes(a))) throw invalid('Access token has neither this client_id nor an accepted aud');
      }
      return { payload: payload as JWT['payload'], toString: () => token };
    },
  };
}
