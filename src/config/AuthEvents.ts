/** Who an event is about. Never carries tokens. */
export interface AuthEventUser {
  username: string;
  userId: string;
}

/**
 * Server-side auth events (the server half of Amplify's Hub `auth` channel).
 * Each is called once per event; errors they throw are logged and ignored.
 */
export interface AuthEvents {
  /**
   * A sign-in completed and the session was written. `customState` is the
   * value given to the sign-in route (`?customState=`) or to `signIn(…, {
   * customState })`, read back from the sealed transaction; absent when none
   * was given.
   */
  signedIn?: (event: { user: AuthEventUser; customState?: string }) => void | Promise<void>;
  /** A user signed out (`user` absent when no readable session was present). */
  signedOut?: (event: { user?: AuthEventUser }) => void | Promise<void>;
  /** The IdP issued new tokens for a session (once per IdP call, however many requests shared it). */
  tokenRefresh?: (event: { user: AuthEventUser }) => void | Promise<void>;
  /**
   * A refresh failed. `rejected`: the refresh token is dead and the session was
   * cleared. `unavailable`: the IdP could not be reached; the session is kept.
   */
  tokenRefresh_failure?: (event: { user?: AuthEventUser; reason: 'rejected' | 'unavailable' }) => void | Promise<void>;
  /**
   * `runtimeOptions.store` failed (down, disconnected, slower than its
   * timeout) during a refresh or a sign-out: that call went on per-process,
   * as without a store. Sessions keep working; refresh races between
   * instances are possible until the store is back. `'session'`: a
   * server-side session (`session.codec: 'server'`) could not be read or
   * written (the request got a 503, nobody was signed out). `'revocation'`:
   * the cut-off list could not be read; the check answered from this
   * process's memory.
   */
  storeUnavailable?: (event: { operation: 'refresh' | 'signOut' | 'session' | 'revocation' }) => void | Promise<void>;
  /**
   * The IdP's back-channel logout ended the sessions of `sub` and/or of its
   * session `sid` (the verified logout token's claims; never the token).
   */
  backchannelLogout?: (event: { sub?: string; sid?: string }) => void | Promise<void>;
  /**
   * A back-channel logout request was refused (`malformed`: not one
   * `logout_token` in a form body; `rejected`: the token failed
   * verification; `replayed`: its `jti` was used before) or could not be
   * completed (`unavailable`: the IdP's keys or the store could not be
   * reached; answered 503 so the IdP may retry). Nothing was ended.
   */
  backchannelLogout_failure?: (event: { reason: 'malformed' | 'rejected' | 'replayed' | 'unavailable' }) => void | Promise<void>;
}
