import type { ClientSession } from '../session/ClientSession.js';

/** How long before `expiresAt` the session is re-checked (the endpoint refreshes on the server). */
export const EXPIRY_LEAD_MS = 10_000;
/** Never re-check sooner than this after a check: a server not yet due answers the same session. */
export const MIN_CHECK_DELAY_MS = 5_000;
const MAX_DELAY_MS = 2_147_483_647; // setTimeout's limit (~24.8 days)
const MAX_RETRY_MS = 300_000;

/**
 * When to re-check the session next, in ms from `now`, or `undefined` for
 * "no timer" (signed out). After `failures` failed checks in a row it backs
 * off (5 s, 10 s, 20 s, … up to 5 min) instead; otherwise it aims
 * {@link EXPIRY_LEAD_MS} before `expiresAt`, but never sooner than
 * {@link MIN_CHECK_DELAY_MS}, so short-lived tokens cannot make it spin.
 *
 * @example
 * ```ts
 * nextCheckDelay({ user, expiresAt: now + 3_600_000 }, 0, now) // 3_590_000
 * nextCheckDelay({ user: null }, 0, now)                        // undefined
 * ```
 */
export function nextCheckDelay(session: ClientSession | undefined, failures: number, now: number): number | undefined {
  if (failures > 0) return Math.min(MIN_CHECK_DELAY_MS * 2 ** Math.min(failures - 1, 10), MAX_RETRY_MS);
  if (session?.user == null) return undefined;
  return Math.min(Math.max(session.expiresAt - EXPIRY_LEAD_MS - now, MIN_CHECK_DELAY_MS), MAX_DELAY_MS);
}
