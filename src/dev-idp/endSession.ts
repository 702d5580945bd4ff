import type { DevIdpContext } from './DevIdpContext.js';
import { sendBackchannelLogout } from './sendBackchannelLogout.js';
import type { DeliveryCount, EndedAuthorization } from './sendBackchannelLogout.js';

function authorizationsOf(session: Record<string, unknown>): Array<EndedAuthorization & { grantId?: string }> {
  const { authorizations } = session;
  if (typeof authorizations !== 'object' || authorizations === null) return [];
  return Object.entries(authorizations).map(([clientId, value]) => {
    const { grantId, sid } = (typeof value === 'object' && value !== null ? value : {}) as { grantId?: unknown; sid?: unknown };
    return {
      clientId,
      ...(typeof grantId === 'string' ? { grantId } : {}),
      ...(typeof sid === 'string' ? { sid } : {}),
    };
  });
}

/**
 * Ends an IdP browser session in the store: revokes every grant it holds
 * (refresh tokens, codes, the userInfo index of its access tokens),
 * deletes the grants and the session, then sends a back-channel logout
 * token to each of its clients that registered a `backchannel_logout_uri`
 * (after the revocation, so an app reacting to it finds the tokens dead).
 * The caller clears the cookie. Delivery failures are logged and counted,
 * never thrown.
 *
 * @example
 * ```ts
 * await endSession(idp, sessionIdFromCookie);
 * ```
 */
export async function endSession(idp: DevIdpContext, sessionId: string): Promise<DeliveryCount> {
  const { store } = idp;
  const session = store.find(`Session:${sessionId}`);
  if (!session) return { delivered: 0, failed: 0 };
  const authorizations = authorizationsOf(session);
  for (const { grantId } of authorizations) {
    if (grantId !== undefined) {
      store.revokeByGrantId(grantId);
      store.destroy('Grant', grantId);
    }
  }
  store.destroy('Session', sessionId);
  const sub = session.accountId;
  // A session nobody signed in to has no clients to tell.
  if (typeof sub !== 'string') return { delivered: 0, failed: 0 };
  return sendBackchannelLogout(idp, sub, authorizations);
}
