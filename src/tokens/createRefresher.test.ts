import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../session/TokenSet.js';
import { isAuthError } from '../errors/AuthError.js';
import { createRefresher } from './createRefresher.js';

// Pure unit: the IdP is a function here, the clock is ours. (Real-IdP
// behaviour is covered in src/context/refresh.test.ts and e2e/refresh.spec.ts.)
const key = new TextEncoder().encode('k'.repeat(32));
async function tokensExpiringAt(expMs: number, refreshToken: string): Promise<TokenSet> {
  const accessToken = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(expMs / 1000)).sign(key);
  return { idToken: accessToken, accessToken, refreshToken };
}

describe('createRefresher', () => {
  it('a server component keeps presenting the first refresh token: the rotation chain continues from the newest token, never reusing a spent one', async () => {
    let clock = 1_000_000_000_000;
    const sent: string[] = [];
    let n = 0;
    const refresher = createRefresher({
      grant: async (token) => {
        sent.push(token);
        n += 1;
        return tokensExpiringAt(clock + 60_000, `rt${n}`);
      },
      graceMs: 5_000,
      spentMs: 86_400_000,
      maxEntries: 100,
      now: () => clock,
    });
    const first = await refresher.refresh('rt0');
    expect(first.refreshToken).toBe('rt1');
    // The new cookie could not be stored (server component): keep the mapping past expiry + grace.
    refresher.extend('rt0', clock + 60_000 + 5_000);
    clock += 30_000;
    expect(await refresher.refresh('rt0')).toBe(first); // still valid: no IdP call
    clock += 31_000; // first result's access token has expired
    const second = await refresher.refresh('rt0');
    expect(second.refreshToken).toBe('rt2');
    expect(sent).toEqual(['rt0', 'rt1']); // continued with rt1; rt0 never sent twice
  });

  it('after the grace window a rotated-out token is rejected locally, without calling the IdP', async () => {
    let clock = 1_000_000_000_000;
    const sent: string[] = [];
    const refresher = createRefresher({
      grant: async (token) => {
        sent.push(token);
        return tokensExpiringAt(clock + 60_000, 'rt1');
      },
      graceMs: 1_000,
      spentMs: 86_400_000,
      maxEntries: 100,
      now: () => clock,
    });
    await refresher.refresh('rt0');
    clock += 2_000;
    const err = await refresher.refresh('rt0').catch((e: unknown) => e);
    expect(isAuthError(err, 'RefreshTokenRejected')).toBe(true);
    expect(sent).toEqual(['rt0']);
  });

  it('concurrent refreshes of one token share one IdP call; failures are not cached', async () => {
    let calls = 0;
    let fail = true;
    const refresher = createRefresher({
      grant: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('down');
        return tokensExpiringAt(Date.now() + 60_000, 'rt0');
      },
      graceMs: 5_000,
      spentMs: 86_400_000,
      maxEntries: 100,
    });
    const failed = await Promise.allSettled(Array.from({ length: 20 }, () => refresher.refresh('rt0')));
    expect(failed.every((r) => r.status === 'rejected' && isAuthError(r.reason, 'IdpUnavailable'))).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    const ok = await Promise.all(Array.from({ length: 20 }, () => refresher.refresh('rt0')));
    expect(new Set(ok).size).toBe(1);
    expect(calls).toBe(2);
    expect(refresher.stats().inflight).toBe(0);
  });
});
