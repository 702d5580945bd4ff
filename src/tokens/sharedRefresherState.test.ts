import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../session/TokenSet.js';
import { createRefresher, sharedRefresherState } from './createRefresher.js';

// An unsigned JWT with an `exp`: the refresher only decodes access tokens.
const jwt = (exp: number) => `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

/** A refresher as one bundle's copy of the library builds it; `calls` counts IdP calls. */
function bundle(issuer: string, clientId: string) {
  const counter = { calls: 0 };
  const refresher = createRefresher({
    grant: async (refreshToken): Promise<TokenSet> => {
      counter.calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { idToken: 'id', accessToken: jwt(Math.floor(Date.now() / 1000) + 300), refreshToken: `${refreshToken}-next` };
    },
    state: sharedRefresherState(issuer, clientId),
    graceMs: 60_000,
    spentMs: 86_400_000,
    maxEntries: 100,
  });
  return { refresher, counter };
}

describe('sharedRefresherState (the proxy, route handlers and pages are separate bundles in one process)', () => {
  it('a token refreshed by one copy maps to that result in another: the rotated-out token never reaches the IdP again', async () => {
    const proxy = bundle('https://idp.example/shared-1', 'client');
    const page = bundle('https://idp.example/shared-1', 'client');
    const first = await page.refresher.refresh('rt-1');
    const second = await proxy.refresher.refresh('rt-1');
    expect(second).toBe(first);
    expect(page.counter.calls + proxy.counter.calls).toBe(1);
  });

  it('concurrent refreshes from two copies share one IdP call', async () => {
    const a = bundle('https://idp.example/shared-2', 'client');
    const b = bundle('https://idp.example/shared-2', 'client');
    const [ra, rb] = await Promise.all([a.refresher.refresh('rt-2'), b.refresher.refresh('rt-2')]);
    expect(rb).toBe(ra);
    expect(a.counter.calls + b.counter.calls).toBe(1);
  });

  it('another client or issuer keeps its own memory', async () => {
    const a = bundle('https://idp.example/shared-3', 'client-a');
    const b = bundle('https://idp.example/shared-3', 'client-b');
    const c = bundle('https://idp.example/shared-3b', 'client-a');
    await a.refresher.refresh('rt-3');
    await b.refresher.refresh('rt-3');
    await c.refresher.refresh('rt-3');
    expect([a.counter.calls, b.counter.calls, c.counter.calls]).toEqual([1, 1, 1]);
    expect(sharedRefresherState('https://idp.example/shared-3', 'client-a')).toBe(sharedRefresherState('https://idp.example/shared-3', 'client-a'));
  });
});
