import type { AdapterStore } from './AdapterStore.js';

/**
 * Ends an IdP browser session in the store: revokes every grant it holds
 * (refresh tokens, codes, the userInfo index of its access tokens),
 * deletes the grants and the session. The caller clears the cookie.
 *
 * @example
 * ```ts
 * endSession(store, sessionIdFromCookie);
 * ```
 */
export function endSession(store: AdapterStore, sessionId: string): void {
  const session = store.find(`Session:${sessionId}`);
  const authorizations = session?.authorizations;
  if (typeof authorizations === 'object' && authorizations !== null) {
    for (const authorization of Object.values(authorizations)) {
      const grantId: unknown =
        typeof authorization === 'object' && authorization !== null ? (authorization as { grantId?: unknown }).grantId : undefined;
      if (typeof grantId === 'string') {
        store.revokeByGrantId(grantId);
        store.destroy('Grant', grantId);
      }
    }
  }
  store.destroy('Session', sessionId);
}
