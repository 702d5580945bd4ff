import { describe, expect, it } from 'vitest';
import { broadcast, parseTabMessage, TAB_CHANNEL } from './tabMessage.js';

describe('tab messages', () => {
  it('reads only the two known types', () => {
    expect(parseTabMessage({ type: 'signed-out' })).toBe('signed-out');
    expect(parseTabMessage({ type: 'changed' })).toBe('changed');
    for (const data of [undefined, null, 'signed-out', { type: 'signed-in' }, { type: ['signed-out'] }, { kind: 'changed' }]) {
      expect(parseTabMessage(data)).toBeUndefined();
    }
  });

  it('a broadcast carries only its type: no token, no user data', async () => {
    // Node has BroadcastChannel: a real channel, no fake.
    const other = new BroadcastChannel(TAB_CHANNEL);
    const received = new Promise<unknown>((resolve) => {
      other.onmessage = (event: MessageEvent) => resolve(event.data);
    });
    broadcast('signed-out');
    expect(await received).toEqual({ type: 'signed-out' });
    other.close();
  });
});
