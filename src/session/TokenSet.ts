/** The tokens of one signed-in user, as compact strings. */
export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /**
   * `oidc.dpop` (RFC 9449): the session's DPoP private key (P-256, as
   * `ES256.<x>.<y>.<d>`, base64url JWK members), to which the IdP bound the
   * access and refresh tokens. Only ever stored sealed (the session cookie,
   * the store's session record, a stored refresh result); never sent to the
   * browser. Absent: Bearer tokens.
   */
  dpopKey?: string;
}
