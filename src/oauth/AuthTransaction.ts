/** One sign-in in flight: what the callback needs to finish it safely. */
export interface AuthTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Same-origin relative path to land on afterwards. */
  returnTo: string;
  redirectUri: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * The request asked the IdP to re-authenticate (`prompt=login`) because the
   * previous sign-in came back already revoked (its `auth_time` was before a
   * "sign out everywhere" cut-off). A callback that is still revoked then
   * shows an error instead of asking again: no sign-in loop.
   */
  reauthenticate?: true;
  /**
   * The app's `customState` (checked by `checkCustomState`): handed back
   * after the callback on the `signedIn` event and the landing URL. Sealed
   * here, never sent to the IdP, so it comes back exactly as the sign-in
   * route received it.
   */
  customState?: string;
  /**
   * Step-up (RFC 9470 / OIDC `max_age`): the request asked for an
   * authentication at most this many seconds old; the callback refuses an ID
   * token whose `auth_time` is older (with the clock skew) or missing.
   */
  maxAge?: number;
  /** Step-up (OIDC `acr_values`): the callback refuses an ID token whose `acr` is none of these. */
  acrValues?: string[];
}
