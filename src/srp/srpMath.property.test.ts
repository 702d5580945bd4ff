// The SRP client (cognito.signIn) and the dev IdP's server side derive the same
// key and password claim from the one shared module; fast-check prints the seed
// and the shrunk counterexample on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createSrpClient } from '../routes/cognito/createSrpClient.js';
import {
  formatSrpTimestamp,
  hashHex,
  modPow,
  paddedHex,
  SRP_G,
  SRP_K,
  SRP_N,
  srpClaimSignature,
  srpClientSecret,
  srpPasswordKey,
  srpPow,
  srpRandom,
  srpServerSecret,
  srpServerValuesAreSafe,
  srpU,
  srpX,
} from './srpMath.js';

const POOL = 'DevPool01';

/** The dev IdP's side of one challenge (as cognitoSrp.ts computes it). */
function serverChallenge(userId: string, password: string, salt: bigint) {
  const verifier = modPow(SRP_G, srpX(POOL, userId, password, salt), SRP_N);
  const b = srpRandom(32);
  const B = (SRP_K * verifier + modPow(SRP_G, b, SRP_N)) % SRP_N;
  return { verifier, b, B };
}

const passwords = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 });
const userIds = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const salts = fc.bigInt({ min: 1n, max: (1n << 128n) - 1n });

describe('SRP: client and server agree', () => {
  it('for random passwords, user ids and salts, the client\'s shared secret and key equal the server\'s', () => {
    fc.assert(
      fc.property(passwords, userIds, salts, (password, userId, salt) => {
        const { verifier, b, B } = serverChallenge(userId, password, salt);
        const a = srpRandom(128);
        const A = modPow(SRP_G, a, SRP_N);
        const u = srpU(A, B);
        const client = srpClientSecret({ a, B, u, x: srpX(POOL, userId, password, salt) });
        const server = srpServerSecret({ A, b, u, verifier });
        expect(client).toBe(server);
        expect(srpPasswordKey(client, u).equals(srpPasswordKey(server, u))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('createSrpClient\'s password claim is the signature the dev IdP expects, and only for the right password', () => {
    fc.assert(
      fc.property(passwords, passwords, userIds, salts, (password, other, userId, salt) => {
        const { verifier, b, B } = serverChallenge(userId, password, salt);
        const secretBlock = Buffer.from(srpRandom(64).toString(16), 'hex').toString('base64');
        const params = { SALT: salt.toString(16), SRP_B: B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: userId, USERNAME: userId };
        const srp = createSrpClient();
        const A = BigInt(`0x${srp.srpA}`);
        const now = () => Date.UTC(2026, 11, 2, 14, 5, 9);
        const answer = srp.answer(params, { poolName: POOL, password, now });
        expect(answer.TIMESTAMP).toBe('Wed Dec 2 14:05:09 UTC 2026');
        expect(answer.USERNAME).toBe(userId);
        const u = srpU(A, B);
        const expected = srpClaimSignature(srpPasswordKey(srpServerSecret({ A, b, u, verifier }), u), POOL, userId, secretBlock, answer.TIMESTAMP);
        expect(answer.PASSWORD_CLAIM_SIGNATURE).toBe(expected.toString('base64'));
        if (other !== password) {
          expect(srp.answer(params, { poolName: POOL, password: other, now }).PASSWORD_CLAIM_SIGNATURE).not.toBe(answer.PASSWORD_CLAIM_SIGNATURE);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('srpPow (OpenSSL) equals modPow (BigInt)', () => {
  it('for random bases and exponents, g and the values OpenSSL refuses included', () => {
    const bases = fc.oneof(fc.bigInt({ min: 0n, max: SRP_N + 5n }), fc.constantFrom(0n, 1n, SRP_G, SRP_N - 1n, SRP_N, -3n));
    fc.assert(
      fc.property(bases, fc.bigInt({ min: 0n, max: (1n << 1100n) - 1n }), (base, exponent) => {
        expect(srpPow(base, exponent)).toBe(modPow(base, exponent, SRP_N));
      }),
      { numRuns: 60 },
    );
  });
});

describe('SRP units', () => {
  it('SRP-6a abort rule: B ≡ 0 (mod N) or u = 0 is unsafe (a forged challenge that fixes the shared secret without the verifier)', () => {
    const B = modPow(SRP_G, 12345n, SRP_N);
    expect(srpServerValuesAreSafe(B, 7n)).toBe(true);
    expect(srpServerValuesAreSafe(B, 0n)).toBe(false);
    for (const zero of [0n, SRP_N, 2n * SRP_N]) expect(srpServerValuesAreSafe(zero, 7n)).toBe(false);
  });

  it('Cognito\'s padding, k and timestamp format', () => {
    expect(paddedHex(200n)).toBe('00c8');
    expect(paddedHex(15n)).toBe('0f');
    expect(paddedHex(0x7fn)).toBe('7f');
    // k = H(PAD(N) ‖ PAD(g)) for the 3072-bit group, as Amplify and the AWS SDKs compute it.
    expect(SRP_K).toBe(BigInt(`0x${hashHex(paddedHex(SRP_N) + paddedHex(SRP_G))}`));
    expect(SRP_K.toString(16)).toBe('538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6');
    expect(formatSrpTimestamp(new Date(Date.UTC(2026, 0, 5, 3, 4, 5)))).toBe('Mon Jan 5 03:04:05 UTC 2026');
  });
});
