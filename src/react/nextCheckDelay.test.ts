import { describe, expect, it } from 'vitest';
import { EXPIRY_LEAD_MS, MIN_CHECK_DELAY_MS, nextCheckDelay } from './nextCheckDelay.js';

const user = { username: 'alice', userId: 'sub-1', groups: [] };
const now = 1_700_000_000_000;

describe('nextCheckDelay', () => {
  it('aims shortly before expiresAt for a signed-in session', () => {
    expect(nextCheckDelay({ user, expiresAt: now + 3_600_000 }, 0, now)).toBe(3_600_000 - EXPIRY_LEAD_MS);
  });

  it('sets no timer when signed out or not known yet', () => {
    expect(nextCheckDelay({ user: null }, 0, now)).toBeUndefined();
    expect(nextCheckDelay(undefined, 0, now)).toBeUndefined();
  });

  it('5-second tokens (or an already expired session) never make it spin: at least MIN_CHECK_DELAY_MS', () => {
    expect(nextCheckDelay({ user, expiresAt: now + 5_000 }, 0, now)).toBe(MIN_CHECK_DELAY_MS);
    expect(nextCheckDelay({ user, expiresAt: now - 60_000 }, 0, now)).toBe(MIN_CHECK_DELAY_MS);
  });

  it('stays within setTimeout range for a far expiry (a larger delay would fire at once)', () => {
    expect(nextCheckDelay({ user, expiresAt: now + 100 * 86_400_000 }, 0, now)).toBe(2_147_483_647);
  });

  it('re-arms with back-off after failed checks, signed in or not, capped at 5 minutes', () => {
    expect([1, 2, 3, 4].map((n) => nextCheckDelay({ user, expiresAt: now + 3_600_000 }, n, now))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(nextCheckDelay(undefined, 1, now)).toBe(5_000);
    expect(nextCheckDelay({ user: null }, 50, now)).toBe(300_000);
  });
});
