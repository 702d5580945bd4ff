import { isIPv4 } from 'node:net';

/**
 * Whether a host name or address is loopback-only: 127.0.0.0/8, ::1
 * (optionally bracketed), an IPv4-mapped 127.x, or `localhost`.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const value = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (value === 'localhost' || value === '::1' || value === '0:0:0:0:0:0:0:1') return true;
  const v4 = value.startsWith('::ffff:') ? value.slice('::ffff:'.length) : value;
  return isIPv4(v4) && v4.startsWith('127.');
}
