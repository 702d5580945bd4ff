// The client side of Cognito's USER_SRP_AUTH, for cognito.signIn. Node only
// (src/srp uses node:crypto): createCognitoActions imports this file lazily,
// under a NEXT_RUNTIME check, so it never enters the edge guard's bundle.
import { AuthError } from '../../errors/AuthError.js';
import {
  formatSrpTimestamp,
  SRP_G,
  SRP_N,
  srpClaimSignature,
  srpClientSecret,
  srpPasswordKey,
  srpPow,
  srpRandom,
  srpServerValuesAreSafe,
  srpU,
  srpX,
} from '../../srp/srpMath.js';

const HEX = /^[0-9a-fA-F]{1,1024}$/;
// Cognito's secret blocks are ~1.7 KB of base64; anything far larger is not one.
const BASE64 = /^[A-Za-z0-9+/]{1,8192}={0,2}$/;

/** The PASSWORD_VERIFIER answer, without SECRET_HASH (the caller adds it for clients with a secret). */
export interface PasswordVerifierResponses {
  /** USER_ID_FOR_SRP: the pool's own name for the user (may differ from what was typed, e.g. an email alias). */
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

/** One SRP sign-in attempt: `srpA` for InitiateAuth, then `answer` for the PASSWORD_VERIFIER challenge. */
export interface SrpClient {
  /** SRP_A, hex. */
  readonly srpA: string;
  /**
   * Computes the password claim for the pool's PASSWORD_VERIFIER challenge
   * parameters. Refuses (IdpUnavailable) a malformed challenge and, as
   * SRP-6a requires, SRP_B ≡ 0 (mod N) or u = 0, before anything derived
   * from the password is computed or sent.
   */
  answer(params: unknown, input: { poolName: string; password: string; now?: () => number }): PasswordVerifierResponses;
}

function forged(why: string): AuthError {
  // The challenge came from the pool (or something in between): never echo its values.
  return new AuthError('IdpUnavailable', `Cognito signIn failed: the user pool's PASSWORD_VERIFIER challenge is not valid (${why})`);
}

function param(params: Record<string, unknown>, name: string, pattern: RegExp): string {
  const value = params[name];
  if (typeof value !== 'string' || !pattern.test(value)) throw forged(`${name} is missing or malformed`);
  return value;
}

/**
 * A fresh SRP client: a 1024-bit random a (kept in this closure only, never
 * returned or logged) and A = g^a mod N.
 *
 * @example
 * ```ts
 * const srp = createSrpClient();
 * const first = await send('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME, SRP_A: srp.srpA } });
 * const responses = srp.answer(first.ChallengeParameters, { poolName: 'AbC123xYz', password });
 * ```
 */
export function createSrpClient(): SrpClient {
  let a = 0n;
  let A = 0n;
  while (A % SRP_N === 0n) {
    a = srpRandom(128);
    A = srpPow(SRP_G, a);
  }
  return {
    srpA: A.toString(16),
    answer(params, { poolName, password, now = Date.now }) {
      if (typeof params !== 'object' || params === null) throw forged('no challenge parameters');
      const p = params as Record<string, unknown>;
      const B = BigInt(`0x${param(p, 'SRP_B', HEX)}`);
      const salt = BigInt(`0x${param(p, 'SALT', HEX)}`);
      const secretBlock = param(p, 'SECRET_BLOCK', BASE64);
      const userId = p.USER_ID_FOR_SRP;
      if (typeof userId !== 'string' || userId === '' || userId.length > 256) throw forged('USER_ID_FOR_SRP is missing or malformed');
      const u = srpU(A, B);
      if (!srpServerValuesAreSafe(B, u)) throw forged('SRP_B ≡ 0 (mod N) or u = 0');
      const x = srpX(poolName, userId, password, salt);
      const key = srpPasswordKey(srpClientSecret({ a, B, u, x }), u);
      const timestamp = formatSrpTimestamp(new Date(now()));
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
        PASSWORD_CLAIM_SIGNATURE: srpClaimSignature(key, poolName, userId, secretBlock, timestamp).toString('base64'),
        TIMESTAMP: timestamp,
      };
    },
  };
}
