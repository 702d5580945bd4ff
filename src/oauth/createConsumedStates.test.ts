import { describe, expect, it } from 'vitest';
import { createConsumedStates, sharedConsumedStates } from './createConsumedStates.js';

describe('createConsumedStates', () => {
  it('a state is accepted once, then refused until its transaction expires', async () => {
    let now = 1_000_000;
    const consumed = createConsumedStates({ now: () => now });
    expect(await consumed.consume('state-aaaaaaaaaaaaaaaa', now + 600_000)).toBe(true);
    expect(await consumed.consume('state-aaaaaaaaaaaaaaaa', now + 600_000)).toBe(false);
    now += 599_999;
    expect(await consumed.consume('state-aaaaaaaaaaaaaaaa', now + 600_000)).toBe(false);
    // Past its expiry the sealed transaction no longer opens anyway; the entry may go.
    now += 2;
    expect(await consumed.consume('state-aaaaaaaaaaaaaaaa', now + 600_000)).toBe(true);
  });

  it('concurrent consumes of one state: exactly one wins', async () => {
    const consumed = createConsumedStates();
    const results = await Promise.all(Array.from({ length: 20 }, () => consumed.consume('state-bbbbbbbbbbbbbbbb', Date.now() + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a flood of states cannot grow it past its bound; expired entries go first', async () => {
    let now = 0;
    const entries = new Map<string, number>();
    const consumed = createConsumedStates({ entries, maxEntries: 100, now: () => now });
    for (let i = 0; i < 50; i++) await consumed.consume(`old-${i}-xxxxxxxxxxxxxxxx`, 1000);
    now = 2000;
    for (let i = 0; i < 1000; i++) await consumed.consume(`new-${i}-xxxxxxxxxxxxxxxx`, 600_000);
    expect(consumed.size()).toBe(100);
    // The newest are the ones kept.
    expect(await consumed.consume('new-999-xxxxxxxxxxxxxxxx', 600_000)).toBe(false);
  });

  it('keeps SHA-256 hashes, never the state itself', async () => {
    const entries = new Map<string, number>();
    await createConsumedStates({ entries }).consume('secret-state-cccccccccccccccc', Date.now() + 1000);
    const [key] = [...entries.keys()];
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('secret-state');
  });

  it('is shared per issuer and client across copies of the library in one process', () => {
    expect(sharedConsumedStates('https://a.example', 'c1')).toBe(sharedConsumedStates('https://a.example', 'c1'));
    expect(sharedConsumedStates('https://a.example', 'c1')).not.toBe(sharedConsumedStates('https://a.example', 'c2'));
  });
});
