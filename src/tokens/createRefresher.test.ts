import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../session/TokenSet.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { createRefresher } from './createRefresher.js';
import type { RefresherOptions, RefresherState } from './createRefresher.js';

// Pure unit: the IdP is a function here, the clock is ours. (Real-IdP
// behaviour is covered in src/context/refresh.test.ts and e2e/refresh.spec.ts.)
const key = new TextEncoder().encode('k'.repeat(32));
const T0 = 1_000_000_000_000;

async function tokensExpiringAt(expMs: number, refreshToken: string, sub = 'alice'): Promise<TokenSet> {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ sub, ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(expMs / 1000)).sign(key);
  return { idToken: await sign({ token_use: 'id' }), accessToken: await sign({ token_use: 'access' }), refreshToken };
}

const freshState = (): RefresherState => ({ inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map() });

/**
 * A refresher over a rotating fake IdP: `rtN` → tokens valid `ttlMs` with
 * `rt{N+1}`. `sent` lists every token the IdP was called with.
 */
function rotating(overrides: Partial<RefresherOptions> & { ttlMs?: number } = {}) {
  const clock = { t: T0 };
  const sent: string[] = [];
  const { ttlMs = 60_000, ...rest } = overrides;
  const refresher = createRefresher({
    grant: async (token) => {
      sent.push(token);
      return tokensExpiringAt(clock.t + ttlMs, `rt${Number(token.slice(2)) + 1}`);
    },
    graceMs: 60_000,
    spentMs: 86_400_000,
    maxEntries: 100,
    now: () => clock.t,
    ...rest,
  });
  return { refresher, sent, clock };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isAuthError(e) ? e.code : e));

describe('createRefresher', () => {
  it('stolen rotated cookie: it maps for at most the grace window from its first use, whatever reads, forceRefresh or chain continuation happen inside it; then it is refused without an IdP call', async () => {
    // Access tokens (5 s) shorter than the window (60 s): the mapping ages out inside it.
    const { refresher, sent, clock } = rotating({ ttlMs: 5_000 });
    const first = await refresher.refresh('rt0'); // first use of rt0: T0
    expect(first.refreshToken).toBe('rt1');

    clock.t = T0 + 2_000;
    expect(await refresher.refresh('rt0')).toBe(first);
    expect(await refresher.refresh('rt0', { force: true })).toBe(first); // force never rotates a rotated-out token again
    expect(sent).toEqual(['rt0']);

    clock.t = T0 + 6_000; // rt1's access token has expired: continue from rt1, rt0 never sent again
    expect((await refresher.refresh('rt0')).refreshToken).toBe('rt2');
    clock.t = T0 + 59_000;
    expect((await refresher.refresh('rt0')).refreshToken).toBe('rt3');
    expect(sent).toEqual(['rt0', 'rt1', 'rt2']);

    clock.t = T0 + 60_001; // the window closed, counted from T0, not from the continuations
    expect(await codeOf(refresher.refresh('rt0'))).toBe('RefreshTokenRejected');
    expect(await codeOf(refresher.refresh('rt0', { force: true }))).toBe('RefreshTokenRejected');
    expect(sent).toEqual(['rt0', 'rt1', 'rt2']);
  });

  it('after the grace window a rotated-out token is rejected locally, without calling the IdP', async () => {
    const { refresher, sent, clock } = rotating({ graceMs: 1_000 });
    await refresher.refresh('rt0');
    clock.t += 2_000;
    expect(await codeOf(refresher.refresh('rt0'))).toBe('RefreshTokenRejected');
    expect(sent).toEqual(['rt0']);
  });

  it('a dead refresh token replayed 25 times (and 5 at once) reaches the IdP once', async () => {
    let calls = 0;
    const failures: string[] = [];
    const refresher = createRefresher({
      grant: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        throw new AuthError('RefreshTokenRejected', 'invalid_grant');
      },
      graceMs: 60_000,
      spentMs: 86_400_000,
      maxEntries: 100,
      onFailed: (error) => failures.push(error.code),
    });
    const together = await Promise.all(Array.from({ length: 5 }, () => codeOf(refresher.refresh('dead'))));
    const replays: unknown[] = [];
    for (let i = 0; i < 25; i++) replays.push(await codeOf(refresher.refresh('dead')));
    expect([...together, ...replays]).toEqual(Array.from({ length: 30 }, () => 'RefreshTokenRejected'));
    expect(calls).toBe(1);
    expect(failures).toEqual(['RefreshTokenRejected']);
  });

  it('the memory of rejected tokens is bounded and expires', async () => {
    const clock = { t: T0 };
    const sent: string[] = [];
    const refresher = createRefresher({
      grant: async (token) => {
        sent.push(token);
        throw new AuthError('RefreshTokenRejected', 'invalid_grant');
      },
      graceMs: 60_000,
      spentMs: 10_000,
      maxEntries: 3,
      now: () => clock.t,
    });
    for (const token of ['a', 'b', 'c', 'd']) await codeOf(refresher.refresh(token));
    expect(refresher.stats().spent).toBe(3); // 'a' was forgotten first
    await codeOf(refresher.refresh('d'));
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
    clock.t += 10_001;
    await codeOf(refresher.refresh('e'));
    expect(refresher.stats().spent).toBe(1); // the expired ones went
  });

  it('sign-out ends the chain: the predecessor still in its window, the token and its known successors are spent, and none reaches the IdP', async () => {
    const { refresher, sent, clock } = rotating({ ttlMs: 5_000 });
    await refresher.refresh('rt0'); // rt0 → rt1 (rt0 is now in its grace window)
    clock.t += 6_000;
    await refresher.refresh('rt1'); // the browser's cookie, refreshed: rt1 → rt2
    await refresher.end('rt1', { cookieValidUntil: clock.t + 5_000 });
    for (const token of ['rt0', 'rt1', 'rt2']) expect(await codeOf(refresher.refresh(token)), token).toBe('RefreshTokenRejected');
    expect(sent).toEqual(['rt0', 'rt1']);
    expect(refresher.stats().recent).toBe(0);
    // The signed-out cookie reads as signed out while its access token could still be valid, then is forgotten.
    expect(refresher.ended('rt1')).toBe(true);
    expect(refresher.ended('rt0')).toBe(false);
    clock.t += 5_000;
    expect(refresher.ended('rt1')).toBe(false);
    expect(refresher.stats().ended).toBe(0);
  });

  it('a refresh in flight when the user signs out is discarded: its new tokens reach nobody', async () => {
    let answer: (tokens: TokenSet) => void = () => {};
    const sent: string[] = [];
    const refresher = createRefresher({
      grant: (token) => {
        sent.push(token);
        return new Promise<TokenSet>((resolve) => (answer = resolve));
      },
      graceMs: 60_000,
      spentMs: 86_400_000,
      maxEntries: 100,
    });
    const pending = codeOf(refresher.refresh('rt0'));
    await new Promise((r) => setTimeout(r, 0));
    await refresher.end('rt0');
    answer(await tokensExpiringAt(Date.now() + 60_000, 'rt1'));
    expect(await pending).toBe('RefreshTokenRejected');
    expect(await codeOf(refresher.refresh('rt1'))).toBe('RefreshTokenRejected');
    expect(await codeOf(refresher.refresh('rt0'))).toBe('RefreshTokenRejected');
    expect(sent).toEqual(['rt0']);
    expect(refresher.stats()).toMatchObject({ inflight: 0, recent: 0 });
  });

  it("a refresh answered with another user's tokens (sub swap) is refused, reported, and never mapped", async () => {
    const clock = { t: T0 };
    const sent: string[] = [];
    const events: string[] = [];
    const alice = await tokensExpiringAt(T0 - 1_000, 'rt-alice', 'alice');
    const refresher = createRefresher({
      grant: async (token) => {
        sent.push(token);
        return tokensExpiringAt(clock.t + 60_000, 'rt-bob-next', 'bob');
      },
      graceMs: 60_000,
      spentMs: 86_400_000,
      maxEntries: 100,
      now: () => clock.t,
      onRefreshed: () => events.push('refreshed'),
      onFailed: (error, subject) => events.push(`${error.code}:${String(subject)}`),
    });
    expect(await codeOf(refresher.refresh('rt-alice', { previous: alice, subject: 'alice' }))).toBe('RefreshTokenRejected');
    expect(events).toEqual(['RefreshTokenRejected:alice']);
    expect(refresher.stats().recent).toBe(0);
    // Replayed, with or without the check: refused here, and bob's tokens are never handed out.
    expect(await codeOf(refresher.refresh('rt-alice', { previous: alice }))).toBe('RefreshTokenRejected');
    expect(await codeOf(refresher.refresh('rt-alice'))).toBe('RefreshTokenRejected');
    expect(await codeOf(refresher.refresh('rt-bob-next'))).toBe('RefreshTokenRejected');
    expect(sent).toEqual(['rt-alice']);
  });

  it('a mapped result about another user than the caller is refused too', async () => {
    const { refresher } = rotating();
    const bob = await tokensExpiringAt(T0 - 1_000, 'rt0', 'bob');
    await refresher.refresh('rt0'); // alice's session rotated rt0
    expect(await codeOf(refresher.refresh('rt0', { previous: bob }))).toBe('RefreshTokenRejected');
  });

  it('the memory holds hashes of refresh tokens, never the tokens (except a signed-out cookie, until its access token expires)', async () => {
    const state = freshState();
    const { refresher } = rotating({ state });
    await refresher.refresh('rt0');
    const keys = [...state.recent.keys(), ...state.spent.keys()];
    expect(keys.length).toBe(2);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify([...state.recent.values()].map((r) => r.next))).not.toContain('rt');
  });

  it('an IdP that does not rotate (Cognito by default): the token stays usable and forceRefresh asks the IdP again', async () => {
    const clock = { t: T0 };
    let calls = 0;
    const refresher = createRefresher({
      grant: async (token) => {
        calls += 1;
        return tokensExpiringAt(clock.t + 60_000, token);
      },
      graceMs: 1_000,
      spentMs: 86_400_000,
      maxEntries: 100,
      now: () => clock.t,
    });
    const first = await refresher.refresh('rt');
    expect(await refresher.refresh('rt')).toBe(first);
    await refresher.refresh('rt', { force: true });
    clock.t += 5_000;
    await refresher.refresh('rt');
    expect(calls).toBe(3);
    expect(refresher.stats().spent).toBe(0);
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
