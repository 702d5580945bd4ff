import { createHash } from 'node:crypto';

// Fixed namespace so every start (and every machine) derives the same sub.
const NAMESPACE = Buffer.from('6f1d2a8e4b7c4e0f9a3d5c2b1e0f7a6d', 'hex');

/**
 * A stable name-based UUID (RFC 9562 version 5) for a username, so a user
 * keeps the same `sub` across restarts without storing it.
 *
 * @example
 * ```ts
 * subjectForUsername('alice@example.com') === subjectForUsername('Alice@Example.com'); // true
 * ```
 */
export function subjectForUsername(username: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(username.trim().toLowerCase()).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
