import { randomBytes } from 'node:crypto';

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
  // One-time sign-in tickets (ticket → username, expiry) for sign-ins proven
  // without the password (SRP), so tokens still come from the hosted UI's flow.
  readonly #tickets = new Map<string, { key: string; expires: number }>();

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

  /**
   * A random single-use secret that {@link authenticate} accepts once, within
   * 30 seconds, in place of this user's password: for sign-ins already proven
   * another way (SRP). Never leaves the dev IdP's process.
   */
  issueSignInTicket(username: string): string {
    const now = Date.now();
    for (const [ticket, entry] of this.#tickets) if (entry.expires <= now) this.#tickets.delete(ticket);
    const ticket = `ticket:${randomBytes(32).toString('base64url')}`;
    this.#tickets.set(ticket, { key: username.trim().toLowerCase(), expires: now + 30_000 });
    return ticket;
  }

  /** The user when the password matches, otherwise undefined. */
  async authenticate(username: string, password: string): Promise<UserRecord | undefined> {
    const key = username.trim().toLowerCase();
    const user = this.#byUsername.get(key);
    const ticket = this.#tickets.get(password);
    if (ticket !== undefined) {
      this.#tickets.delete(password);
      if (user !== undefined && ticket.key === key && ticket.expires > Date.now()) return user;
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return ok ? user : undefined;
  }
}
