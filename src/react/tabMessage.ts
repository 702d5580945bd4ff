/** The BroadcastChannel every tab of the app shares. */
export const TAB_CHANNEL = 'next-server-auth';

/**
 * What tabs tell each other: only that something happened, never a token
 * or user data. `signed-out`: go signed out now, then confirm with a fetch.
 * `changed`: re-fetch.
 */
export type TabMessage = { type: 'signed-out' | 'changed' };

/**
 * Reads a message from the channel; anything else (another library on the
 * same channel name, a malformed post) yields `undefined` and is ignored.
 *
 * @example
 * ```ts
 * parseTabMessage({ type: 'signed-out' }) // 'signed-out'
 * parseTabMessage({ type: 'token', value: '…' }) // undefined
 * ```
 */
export function parseTabMessage(data: unknown): TabMessage['type'] | undefined {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  return type === 'signed-out' || type === 'changed' ? type : undefined;
}

/** Tells the other tabs (closes its channel at once; delivery is already queued). */
export function broadcast(type: TabMessage['type']): void {
  if (typeof BroadcastChannel !== 'function') return;
  const channel = new BroadcastChannel(TAB_CHANNEL);
  channel.postMessage({ type } satisfies TabMessage);
  channel.close();
}
