import { randomInt, timingSafeEqual } from 'node:crypto';

/** `acr` of a password-only sign-in when the second factor is on. */
export const ACR_PASSWORD = 'pwd';
/** `acr` after the password and the one-time code (the value apps ask for with `acr_values=mfa`). */
export const ACR_SECOND_FACTOR = 'mfa';

/** Wrong codes allowed per sign-in before it must start over with the password. */
const MAX_ATTEMPTS = 5;
const CODE_TTL_MS = 5 * 60 * 1000;
/** Bound on sign-ins waiting for their code (abandoned ones are dropped oldest first). */
const MAX_PENDING = 1000;

interface Pending {
  sub: string;
  username: string;
  code: string;
  expiresAt: number;
  attempts: number;
}

/** What checking a code gave. */
export type SecondFactorCheck = { ok: true; sub: string } | { ok: false; retry: boolean };

/**
 * The dev IdP's second factor: after the password, a sign-in that asked for
 * `acr_values=mfa` waits for a 6-digit one-time code (what an authenticator
 * app would show), issued per interaction, valid 5 minutes, single use, 5
 * wrong tries at most. The code is shown on the page and at
 * `GET /dev/users/<username>/second-factor-code`; never logged.
 *
 * @example
 * ```ts
 * const codes = new SecondFactorCodes();
 * const code = codes.issue('uid1', { sub: 'abc', username: 'alice@example.com' });
 * codes.check('uid1', code); // { ok: true, sub: 'abc' }
 * ```
 */
export class SecondFactorCodes {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new code for the interaction `uid` (replacing any earlier one). */
  issue(uid: string, user: { sub: string; username: string }): string {
    this.#pending.delete(uid);
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value ?? '');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(uid, { sub: user.sub, username: user.username, code, expiresAt: this.now() + CODE_TTL_MS, attempts: 0 });
    return code;
  }

  /** The code the interaction waits for, if any (and still valid). */
  pending(uid: string): { code: string; username: string } | undefined {
    const entry = this.#live(uid);
    return entry && { code: entry.code, username: entry.username };
  }

  /** The live code of the user's most recent sign-in waiting for one. */
  latestFor(username: string): string | undefined {
    const wanted = username.trim().toLowerCase();
    let found: string | undefined;
    for (const [uid, entry] of this.#pending) if (entry.username.toLowerCase() === wanted && this.#live(uid)) found = entry.code;
    return found;
  }

  /**
   * Checks a code: right → the user's `sub` (the code is spent); wrong →
   * `retry` while tries remain; expired, spent or too many tries → the
   * sign-in must start over.
   */
  check(uid: string, code: string): SecondFactorCheck {
    const entry = this.#live(uid);
    if (entry === undefined) return { ok: false, retry: false };
    const given = Buffer.from(code.trim());
    const expected = Buffer.from(entry.code);
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      this.#pending.delete(uid);
      return { ok: true, sub: entry.sub };
    }
    entry.attempts += 1;
    if (entry.attempts >= MAX_ATTEMPTS) this.#pending.delete(uid);
    return { ok: false, retry: entry.attempts < MAX_ATTEMPTS };
  }

  #live(uid: string): Pending | undefined {
    const entry = this.#pending.get(uid);
    if (entry !== undefined && entry.expiresAt <= this.now()) this.#pending.delete(uid);
    return entry !== undefined && entry.expiresAt > this.now() ? entry : undefined;
  }
}
