import { hashPassword, isPasswordHash } from './password.js';
import { registerSrpVerifier } from './srpVerifiers.js';
import { subjectForUsername } from './subjectForUsername.js';
import type { DevIdpUserInput } from './types.js';

/** A user as the dev IdP keeps it: the password only as a scrypt hash. */
export interface UserRecord {
  username: string;
  sub: string;
  email?: string;
  name?: string;
  groups: string[];
  email_verified: boolean;
  passwordHash: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Whether a string is shaped like an email address (one `@`, no spaces).
 *
 * @example
 * ```ts
 * looksLikeEmail('alice@example.com'); // true
 * ```
 */
export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * Validates a user input and turns it into a stored record (hashing a plain
 * password). Errors name the user and the bad field.
 *
 * @example
 * ```ts
 * const record = await toUserRecord({ username: 'carol@example.com', password: 'carol-password' });
 * ```
 */
export async function toUserRecord(input: DevIdpUserInput): Promise<UserRecord> {
  const username = typeof input.username === 'string' ? input.username.trim() : '';
  if (!username) throw new Error('dev IdP user: "username" must be a non-empty string');
  const label = `dev IdP user "${username}"`;

  let passwordHash: string;
  if (typeof input.passwordHash === 'string') {
    if (!isPasswordHash(input.passwordHash)) {
      throw new Error(`${label}: "passwordHash" is not a hash from hashPassword() (scrypt$N$r$p$salt$key)`);
    }
    passwordHash = input.passwordHash;
  } else if (typeof input.password === 'string' && input.password.length > 0) {
    passwordHash = await hashPassword(input.password);
    // SRP (USER_SRP_AUTH) can only be set up while the plain password is known.
    registerSrpVerifier(passwordHash, username, input.password);
  } else {
    throw new Error(`${label}: give "password" or "passwordHash"`);
  }

  if (input.groups !== undefined && !(Array.isArray(input.groups) && input.groups.every((g) => typeof g === 'string'))) {
    throw new Error(`${label}: "groups" must be an array of strings`);
  }
  for (const field of ['sub', 'email', 'name'] as const) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new Error(`${label}: "${field}" must be a non-empty string`);
    }
  }
  if (input.email_verified !== undefined && typeof input.email_verified !== 'boolean') {
    throw new Error(`${label}: "email_verified" must be a boolean`);
  }

  const email = input.email ?? (looksLikeEmail(username) ? username : undefined);
  return {
    username,
    sub: input.sub ?? subjectForUsername(username),
    ...(email === undefined ? {} : { email }),
    ...(input.name === undefined ? {} : { name: input.name }),
    groups: [...(input.groups ?? [])],
    email_verified: input.email_verified ?? true,
    passwordHash,
  };
}
