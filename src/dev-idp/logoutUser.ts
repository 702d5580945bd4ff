import type { DevIdpContext } from './DevIdpContext.js';
import { endSession } from './endSession.js';
import type { DevIdpLogoutResult } from './types.js';

// Models whose payload names the user and the grant; a grant whose session is already gone is still found.
const GRANT_HOLDERS = ['Grant', 'RefreshToken', 'AuthorizationCode'] as const;

/**
 * Ends every IdP session of the user with this `sub` (back-channel logout to
 * their clients, one token per session and client) and revokes all of the
 * user's grants, with or without a session. Undefined when no user has that
 * username.
 *
 * @example
 * ```ts
 * const result = await logoutUser(idp, 'alice@example.com'); // { sessions: 1, delivered: 1, failed: 0 }
 * ```
 */
export async function logoutUser(idp: DevIdpContext, username: string): Promise<DevIdpLogoutResult | undefined> {
  const user = idp.users.findByUsername(username);
  if (!user) return undefined;
  const { store } = idp;
  const ofUser = (payload: Readonly<Record<string, unknown>>): boolean => payload.accountId === user.sub;

  const sessions = store.findWhere('Session', ofUser);
  const counts = await Promise.all(sessions.map(({ id }) => endSession(idp, id)));

  for (const model of GRANT_HOLDERS) {
    for (const { id, payload } of store.findWhere(model, ofUser)) {
      const grantId = model === 'Grant' ? id : payload.grantId;
      if (typeof grantId !== 'string') continue;
      store.revokeByGrantId(grantId);
      store.destroy('Grant', grantId);
    }
  }
  return {
    sessions: sessions.length,
    delivered: counts.reduce((sum, c) => sum + c.delivered, 0),
    failed: counts.reduce((sum, c) => sum + c.failed, 0),
  };
}
