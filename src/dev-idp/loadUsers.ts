import { readFileSync } from 'node:fs';

import { DEFAULT_USERS } from './defaults.js';
import type { DevIdpUserInput } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolves the `users` option: an array as is, a path read as a JSON array
 * of users, or the default users. Field validation happens in toUserRecord.
 *
 * @example
 * ```ts
 * const inputs = loadUsers('./users.json');
 * ```
 */
export function loadUsers(users: DevIdpUserInput[] | string | undefined): DevIdpUserInput[] {
  if (users === undefined) return DEFAULT_USERS.map((u) => ({ ...u }));
  if (Array.isArray(users)) return users;

  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(users, 'utf8'));
  } catch (cause) {
    throw new Error(`dev IdP: cannot read users file ${users}: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(parsed) || !parsed.every(isRecord)) {
    throw new Error(`dev IdP: users file ${users} must contain a JSON array of user objects`);
  }
  return parsed.map((entry, index) => {
    if (typeof entry.username !== 'string') {
      throw new Error(`dev IdP: users file ${users}: entry ${index} has no "username" string`);
    }
    // Field types are checked by toUserRecord; this cast only names the shape.
    return entry as unknown as DevIdpUserInput;
  });
}
