import { randomInt } from 'node:crypto';

import type { UserRecord } from './userRecord.js';

const MAX_FAILURES = 5;
const LOCK_MS = 60_000;
const MAX_PENDING = 10_000;

/** A sign-up through the JSON API that waits for its confirmation code. */
export interface PendingSignUp {
  record: UserRecord;
  code: string;
}

/**
 * What the Cognito JSON API keeps beside the user directory: unconfirmed
 * sign-ups with their codes (in memory only, bounded) and per-username failed
 * attempts, locked for a minute after five in a row.
 *
 * @example
 * ```ts
 * const state = new CognitoUserPoolState();
 * const code = state.addPending(record);
 * ```
 */
export class CognitoUserPoolState {
  readonly #pending = new Map<string, PendingSignUp>();
  readonly #failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(readonly now: () => number = Date.now) {}

  /** Keeps an unconfirmed user and returns its 6-digit confirmation code. */
  addPending(record: UserRecord): string {
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value ?? '');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(record.username.toLowerCase(), { record, code });
    return code;
  }

  pending(username: string): PendingSignUp | undefined {
    return this.#pending.get(username.trim().toLowerCase());
  }

  confirm(username: string): void {
    this.#pending.delete(username.trim().toLowerCase());
  }

  /** Whether the username is locked out after repeated failures. */
  isLocked(username: string): boolean {
    const entry = this.#failures.get(username.trim().toLowerCase());
    return entry !== undefined && entry.lockedUntil > this.now();
  }

  fail(username: string): void {
    const key = username.trim().toLowerCase();
    const entry = this.#failures.get(key) ?? { count: 0, lockedUntil: 0 };
    entry.count += 1;
    if (entry.count >= MAX_FAILURES) {
      entry.count = 0;
      entry.lockedUntil = this.now() + LOCK_MS;
    }
    if (this.#failures.size >= MAX_PENDING && !this.#failures.has(key)) this.#failures.delete(this.#failures.keys().next().value ?? '');
    this.#failures.set(key, entry);
  }

  succeed(username: string): void {
    this.#failures.delete(username.trim().toLowerCase());
  }
}
