import { verifyPassword } from './password.js';
import type { UserRecord } from './userRecord.js';

// Verified against when the username is unknown, so a miss costs as much as a hit.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * In-memory user directory of the dev IdP; usernames are case-insensitive.
 *
 * @example
 * ```ts
 * const users = new UserStore();
 * users.add(await toUserRecord({ username: 'alice@example.com', password: 'alice-password' }));
 * await users.authenticate('alice@example.com', 'alice-password'); // the record
 * ```
 */
export class UserStore {
  readonly #byUsername = new Map<string, UserRecord>();
  readonly #bySub = new Map<string, UserRecord>();

  /** Adds a user; throws if the username or sub is taken. */
  add(user: UserRecord): void {
    const key = user.username.toLowerCase();
    if (this.#byUsername.has(key)) throw new Error(`dev IdP user "${user.username}" already exists`);
    if (this.#bySub.has(user.sub)) throw new Error(`dev IdP user "${user.username}": sub "${user.sub}" is already used`);
    this.#byUsername.set(key, user);
    this.#bySub.set(user.sub, user);
  }

  has(username: string): boolean {
    return this.#byUsername.has(username.trim().toLowerCase());
  }

  /** Case-insensitive, like sign-in. */
  findByUsername(username: string): UserRecord | undefined {
    return this.#byUsername.get(username.trim().toLowerCase());
  }

  findBySub(sub: string): UserRecord | undefined {
    return this.#bySub.get(sub);
  }

  /** The user when the password matches, otherwise undefined. */
  async authenticate(username: string, password: string): Promise<UserRecord | undefined> {
    const user = this.#byUsername.get(username.trim().toLowerCase());
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return ok ? user : undefined;
  }
}
