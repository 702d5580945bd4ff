import type { ClientSession } from '../session/ClientSession.js';

/**
 * Checks the shape of a `GET /api/auth/session` answer. Anything unexpected
 * yields `undefined` (treated like a failed fetch: the last known session
 * stays), so a proxy's HTML error page never reads as "signed out".
 *
 * @example
 * ```ts
 * parseClientSession({ user: null }) // { user: null }
 * parseClientSession('<html>')       // undefined
 * ```
 */
export function parseClientSession(body: unknown): ClientSession | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { user, expiresAt } = body as { user?: unknown; expiresAt?: unknown };
  if (user === null) return { user: null };
  if (typeof user !== 'object' || user === undefined || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  const { username, userId, groups } = user as Record<string, unknown>;
  if (typeof username !== 'string' || typeof userId !== 'string' || !Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) return undefined;
  return { user: user as ClientSession['user'] & object, expiresAt };
}
