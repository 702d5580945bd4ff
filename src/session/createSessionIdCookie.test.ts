import { describe, expect, it } from 'vitest';
import { createSessionIdCookie } from './createSessionIdCookie.js';

const OLD = 'old-secret-old-secret-old-secret-0123456789';
const NEW = 'new-secret-new-secret-new-secret-0123456789';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('createSessionIdCookie', () => {
  it('mints a fresh random id per call, ~90 bytes, that verifies to its id', async () => {
    const cookie = createSessionIdCookie({ 1: OLD });
    const a = await cookie.mint();
    const b = await cookie.mint();
    expect(a.id).not.toBe(b.id);
    expect(a.value).toMatch(/^1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(a.value.length).toBeLessThan(100);
    expect(await cookie.verify(a.value)).toBe(a.id);
  });

  it('secret rotation: a cookie MACed under the old secret still verifies; new cookies use the highest id', async () => {
    const before = await createSessionIdCookie({ 1: OLD }).mint();
    const rotated = createSessionIdCookie({ 1: OLD, 2: NEW });
    expect(await rotated.verify(before.value)).toBe(before.id);
    expect((await rotated.mint()).value.startsWith('2.')).toBe(true);
    // Dropping the old secret ends its cookies.
    expect(await createSessionIdCookie({ 2: NEW }).verify(before.value)).toBeUndefined();
  });

  it('a cookie of another app (another secret), a swapped key id, a forged MAC or a respelled MAC is refused', async () => {
    const mine = createSessionIdCookie({ 1: OLD, 2: NEW });
    const theirs = await createSessionIdCookie({ 1: 'their-secret-their-secret-their-secret-0123' }).mint();
    expect(await mine.verify(theirs.value)).toBeUndefined();
    const { value } = await mine.mint();
    const [, id, mac] = value.split('.') as [string, string, string];
    expect(await mine.verify(`1.${id}.${mac}`)).toBeUndefined(); // MACed under key 2, presented as key 1
    expect(await mine.verify(`2.${id}.${'A'.repeat(43)}`)).toBeUndefined();
    const last = ALPHABET.indexOf(mac.at(-1)!);
    for (const spare of [1, 2, 3]) expect(await mine.verify(`2.${id}.${mac.slice(0, -1)}${ALPHABET[last ^ spare]}`)).toBeUndefined();
    for (const junk of ['', '2', '2..', `2.${id}`, `${value} `, `0x2.${id}.${mac}`, `2.${id}.${mac}=`, 'ünïcode'.repeat(20)]) {
      expect(await mine.verify(junk), junk).toBeUndefined();
    }
  });
});
