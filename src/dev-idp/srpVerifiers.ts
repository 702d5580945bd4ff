import { randomBytes } from 'node:crypto';

import { modPow, SRP_G, SRP_N, srpX } from '../srp/srpMath.js';

/**
 * The user pool id the dev IdP's SRP verifiers are computed for. Cognito's
 * SRP mixes the pool name (the part after `_`) into every password hash, and
 * Amplify takes it from its own config (`user_pool_id`), never from the
 * server: an app signing in with SRP against the dev IdP configures this id.
 */
export const DEV_IDP_USER_POOL_ID = 'us-east-1_DevPool01';

/** The pool name Cognito's SRP hashes with. */
export const DEV_IDP_POOL_NAME = DEV_IDP_USER_POOL_ID.split('_')[1]!;

/** A user's SRP salt and verifier v = g^x mod N. */
export interface SrpVerifier {
  username: string;
  salt: bigint;
  verifier: bigint;
}

// Keyed by the scrypt hash the verifier was made beside: each hash has its own
// random salt, so it names one password of one user, and a record that moves
// (a JSON-API sign-up confirmed into the directory) keeps its verifier.
const verifiers = new Map<string, SrpVerifier>();

/**
 * Computes and keeps the SRP verifier of a password while the plain password
 * is at hand (users file, sign-up). The dev IdP stores only scrypt hashes, and
 * SRP cannot be checked against scrypt, so a user given only as a
 * `passwordHash` (or one restored from the state file) has no verifier and
 * cannot use USER_SRP_AUTH (USER_PASSWORD_AUTH and the hosted UI still work).
 *
 * @example
 * ```ts
 * registerSrpVerifier(record.passwordHash, 'carol@example.com', 'carol-password');
 * ```
 */
export function registerSrpVerifier(passwordHash: string, username: string, password: string): void {
  const salt = BigInt(`0x${randomBytes(16).toString('hex')}`);
  const verifier = modPow(SRP_G, srpX(DEV_IDP_POOL_NAME, username, password, salt), SRP_N);
  verifiers.set(passwordHash, { username, salt, verifier });
}

/**
 * The verifier kept for a stored password hash of that user, if any.
 *
 * @example
 * ```ts
 * const srp = srpVerifierFor(user.passwordHash, user.username);
 * ```
 */
export function srpVerifierFor(passwordHash: string, username: string): SrpVerifier | undefined {
  const found = verifiers.get(passwordHash);
  return found !== undefined && found.username === username ? found : undefined;
}
