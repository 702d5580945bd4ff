/** RFC 9110 §7.6.1 connection-specific headers, plus `Proxy-*`; and every header the message's own `Connection` names. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * The names of the hop-by-hop headers of one message (lower case): the fixed
 * list, `Proxy-*`, and those listed in its `Connection` header.
 *
 * @example
 * ```ts
 * hopByHopNames(new Headers({ connection: 'close, X-Secret', 'x-secret': '1', accept: '*' }));
 * // Set { 'connection', 'keep-alive', ..., 'x-secret' }
 * ```
 */
export function hopByHopNames(headers: Headers): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (const name of (headers.get('connection') ?? '').split(',')) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed !== '') names.add(trimmed);
  }
  for (const [name] of headers) if (name.startsWith('proxy-')) names.add(name);
  return names;
}
