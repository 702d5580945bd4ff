/**
 * The sessions of one app, as the revocation paths see them: sign-out
 * everywhere and the back-channel logout route end sessions through it
 * without knowing where sessions live.
 *
 * @example
 * ```ts
 * // back-channel logout: the IdP ended its session `sid`
 * await runtime.sessions.endSessions({ sid: claims.sid });
 * ```
 */
export interface SessionDirectory {
  /** 'server' when sessions live in the store, 'cookie' for the sealed/amplify codecs. */
  readonly mode: 'server' | 'cookie';
  /**
   * Ends every session matching ALL given fields (`sid` is the IdP's session id, the ID token's `sid`
   * claim; `sub` the user). Server mode: records deleted + pushed to every instance's cache.
   * Cookie mode: a cut-off "authenticated before now" recorded in the revocation list, pushed too.
   * Rejects with AuthError('StoreUnavailable') when the store is down.
   */
  endSessions(match: { sub?: string; sid?: string }): Promise<void>;
}
